/**
 * Acceptance of the web console in a real browser (Debian's Chromium, headless, driven by
 * playwright-core), on loopback:
 * - the same stack as `npm start` composed here (the Modbus simulator, the gateway server,
 *   adapter-host in gateway mode) so the test can pin registers and reload the mapping: the page
 *   lists the gateway and its children and escapes a hostile endpoint name; a value moves live
 *   once observed with attributes (its trend chart appears); a write from the page reaches the PLC
 *   register (checked with a Modbus read by modbus-serial); execute and discover work; the events
 *   list shows the children diff; a device removed by a mapping reload disappears. A screenshot of
 *   each view is taken and its page checked for content.
 * - a server with an API token: the page writes only once the token is typed in.
 * - `npm start` itself (`adapter-host demo mappings/plc.yml`): the demo gateway and its four
 *   devices (three Modbus, one OPC UA) are listed, a value of each protocol moves with the Send
 *   batches, a write from the page succeeds.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { AdapterHost, compileMappingFile, runAdapterHostCli } from '@lwm2m-adapters/host';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { type CompiledMapping, mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import type { ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import modbusSerial from 'modbus-serial';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayServer } from '../../src/index.js';
import { startPlantSimulator } from '../support/plant-simulator.js';
import { launchSystemChromium } from '../support/system-chromium.js';
import { waitUntil } from '../support/wait-until.js';

const ModbusClient = modbusSerial.default;

let simulator: ModbusSimulator;
let simulatorPort: number;
let dir: string;
let gateway: GatewayServer;
let host: AdapterHost;
let browser: Browser;
let page: Page;
let hostile: { close(): Promise<void> } | undefined;
const cspErrors: string[] = [];

/** A plain client whose endpoint name is markup: the page must show it as text. */
const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">';

async function startPlainClient(endpointName: string, coapPort: number) {
  const transport = await UdpTransport.open({ host: '127.0.0.1', port: 0 });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const client = new LwM2mClient({
    endpointName,
    server: { peer: { address: '127.0.0.1', port: coapPort }, shortServerId: 1, lifetime: 300 },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(endpoint),
  });
  client.start();
  return {
    async close() {
      await client.close();
      endpoint.close();
      await transport.close();
    },
  };
}

function mappingYaml(devices: readonly ('boiler' | 'chiller')[]): string {
  const entries = {
    boiler: `  - id: boiler-1
    prefix: boiler1
    endpoint: urn:dev:acme:boiler-1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${simulatorPort}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
      /3303/0/5701: Cel
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }
      /3303/0/5605: { source: { table: coil, address: 10 } }
`,
    chiller: `  - id: chiller-3
    prefix: chiller3
    endpoint: urn:dev:acme:chiller-3
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${simulatorPort}, unitId: 3, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
`,
  };
  return `version: 1\ndefaults: { poll: 200ms }\ndevices:\n${devices.map((d) => entries[d]).join('')}`;
}

async function compile(name: string, devices: Parameters<typeof mappingYaml>[0]) {
  const file = join(dir, name);
  await writeFile(file, mappingYaml(devices));
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.issues)}`);
  return { mapping: result.mapping as CompiledMapping, adapters: adapters as Map<string, AdapterDefinition> };
}

/** Holding registers as an independent Modbus master reads them. */
async function readHolding(unitId: number, address: number): Promise<number> {
  const client = new ModbusClient();
  await client.connectTCP('127.0.0.1', { port: simulatorPort });
  try {
    client.setID(unitId);
    return (await client.readHoldingRegisters(address, 1)).data[0] as number;
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

const row = (path: string) => page.locator(`tr.resource[data-path="${path}"]`);

async function screenshot(name: string): Promise<void> {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect((await stat(file)).size).toBeGreaterThan(5_000);
  const out = process.env.CONSOLE_SCREENSHOTS;
  if (out !== undefined) {
    await mkdir(out, { recursive: true });
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  }
}

beforeAll(async () => {
  ({ simulator, port: simulatorPort } = await startPlantSimulator({ setPoint: 200 }));
  dir = await mkdtemp(join(tmpdir(), 'gateway-console-'));
  const { mapping, adapters } = await compile('plant.yml', ['boiler', 'chiller']);
  // as `npm start` (adapter-host demo) runs it: the server knows the mapping's objects and units
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    model: mappingObjectRegistry(mapping),
    requestTimeoutMs: 5_000,
  });
  host = await AdapterHost.start({
    mapping,
    adapters,
    server: { uri: `coap://127.0.0.1:${gateway.address('coap')?.port}`, lifetime: 300 },
    mode: 'gateway',
    endpoint: 'plant-gw',
  });
  await waitUntil(() => gateway.children.children('plant-gw').length === 2, 'two children');
  hostile = await startPlainClient(HOSTILE_NAME, gateway.address('coap')?.port as number);
  await waitUntil(() => gateway.server.registrations().length === 2, 'the plain client registered');
  browser = await launchSystemChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hostile?.close();
  await host?.close();
  await gateway?.close();
  await simulator?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the web console in Chromium', () => {
  it('lists the gateway and its children in the fleet view', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // nothing the page does is refused by its Content-Security-Policy (the checks run to the end)
    page.on('console', (message) => {
      if (message.type() === 'error') cspErrors.push(message.text());
    });
    await page.goto(`${gateway.httpUrl}/`);
    await page.locator('tr.client-row[data-endpoint="plant-gw"]').waitFor();
    await page.locator('tr.child-row[data-device-id="urn:dev:acme:chiller-3"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="connection"]').textContent()).toBe('live');
    expect(await page.locator('[data-testid="counts"]').textContent()).toContain('1 gateways · 1 clients');
    expect(await page.locator('[data-testid="counts"]').textContent()).toContain('2 end devices');
    const text = (await page.locator('table.fleet-table').textContent()) ?? '';
    expect(text).toContain('boiler1');
    expect(text).toContain('urn:dev:acme:boiler-1');
    expect(text).toContain('gateway (2)');
    // every value is escaped: the markup in an endpoint name is text, not an element
    const hostileRow = page.locator('tr.client-row', { hasText: HOSTILE_NAME });
    await hostileRow.waitFor();
    expect(await hostileRow.locator('img').count()).toBe(0);
    expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    await screenshot('fleet-view');
    // the filter keeps what matches
    await page.fill('input[type="search"]', 'chiller');
    await page.locator('tr.child-row[data-device-id="urn:dev:acme:boiler-1"]').waitFor({ state: 'detached' });
    expect(await page.locator('tr.child-row').count()).toBe(1);
    await page.fill('input[type="search"]', '');
    expect(errors).toEqual([]);
  });

  it('shows the device with names and units; a value moves live once observed with attributes', async () => {
    await page.click('tr.child-row[data-device-id="urn:dev:acme:boiler-1"] a');
    const temperature = row('/3303/0/5700');
    await temperature.waitFor();
    expect(await temperature.textContent()).toContain('Sensor Value');
    await expect.poll(() => temperature.locator('td.value').textContent(), { timeout: 10_000 }).toBe('21.5');
    // units of an IPSO sensor value: its instance's Sensor Units (5701)
    await expect.poll(() => temperature.textContent()).toContain('float · Cel');

    await temperature.locator('button', { hasText: 'observe' }).click();
    await page.fill('form.form-observe input[name="pmin"]', '0');
    await page.fill('form.form-observe input[name="pmax"]', '30');
    await page.click('form.form-observe button[type="submit"]');
    await expect.poll(() => temperature.locator('[data-testid="status"]').textContent()).toBe('2.05');
    expect(gateway.server.observations().length).toBeGreaterThan(0);
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 230 });
    await expect.poll(() => temperature.locator('td.value').textContent(), { timeout: 10_000 }).toBe('23');
    // the trend chart of the observed numeric resource
    await page.locator('figure.trend canvas').waitFor();
    expect(await page.locator('figure.trend figcaption').textContent()).toMatch(/[2-9]\d* points/);
  });

  it('writes from a typed form: the value reaches the PLC register', async () => {
    const setPoint = row('/3308/0/5900');
    await setPoint.locator('button', { hasText: 'write' }).click();
    const input = page.locator('form.form-write input[name="value"]');
    expect(await input.getAttribute('type')).toBe('number');
    await input.fill('42.5');
    await page.click('form.form-write button[type="submit"]');
    await expect.poll(() => setPoint.locator('[data-testid="status"]').textContent()).toBe('2.04');
    expect(await readHolding(1, 10)).toBe(425);
  });

  it('executes and discovers', async () => {
    const reset = row('/3303/0/5605');
    const coilWrites = () => simulator.stats().byFunction[5] ?? 0;
    const before = coilWrites();
    await reset.locator('button', { hasText: 'execute' }).click();
    await page.fill('form.form-execute input[name="arguments"]', "0='now'");
    await page.click('form.form-execute button[type="submit"]');
    await expect.poll(() => reset.locator('[data-testid="status"]').textContent()).toBe('2.04');
    expect(coilWrites()).toBeGreaterThan(before);
    const temperature = row('/3303/0/5700');
    await temperature.locator('button', { hasText: 'discover' }).click();
    await expect.poll(() => page.locator('tr.panel pre').textContent()).toContain('5700');
    await screenshot('device-view');
  });

  it('cancels the observation from the page', async () => {
    const temperature = row('/3303/0/5700');
    const apiObservations = () =>
      gateway.server.observations().filter((o) => o.path.toString().endsWith('/3303/0/5700')).length;
    expect(apiObservations()).toBe(1);
    await temperature.locator('button', { hasText: 'cancel observe' }).click();
    await expect
      .poll(() => temperature.locator('[data-testid="status"]').textContent())
      .toBe('observation cancelled');
    await temperature.locator('button', { hasText: /^observe$/ }).waitFor();
    expect(apiObservations()).toBe(0);
  });

  it('fits a tablet: no sideways scrolling in the fleet and device views', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = () =>
      page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.click('nav a[href="#/"]');
    await page.locator('tr.child-row').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goBack();
    await row('/3303/0/5700').waitFor();
  });

  it('lists events with the children diff; a device removed by a mapping reload disappears', async () => {
    await page.goto(`${gateway.httpUrl}/#/events`);
    await page.locator('section.events').waitFor();
    // the page opened after the gateway registered: the server's recent events fill the list
    await page.locator('li.event[data-type="registered"]', { hasText: 'plant-gw' }).waitFor();
    expect(
      await page.locator('li.event[data-type="childrenChanged"]', { hasText: '+ boiler1' }).count(),
    ).toBeGreaterThan(0);
    const { mapping, adapters } = await compile('plant-2.yml', ['boiler']);
    await host.reload(mapping, adapters);
    const removed = page.locator('li.event[data-type="childrenChanged"]', { hasText: '− chiller3' });
    await removed.waitFor({ timeout: 15_000 });
    expect(await removed.textContent()).toContain('− chiller3 (urn:dev:acme:chiller-3)');
    await screenshot('events-view');
    await page.click('nav a[href="#/"]');
    await page.locator('tr.child-row[data-device-id="urn:dev:acme:boiler-1"]').waitFor();
    await page
      .locator('tr.child-row[data-device-id="urn:dev:acme:chiller-3"]')
      .waitFor({ state: 'detached', timeout: 10_000 });
    // no CSP violation, and no file the page asks for is missing
    expect(cspErrors).toEqual([]);
  });
});

describe('the web console against a server with an API token', () => {
  let guarded: GatewayServer;
  let client: { close(): Promise<void> } | undefined;
  let tokenPage: Page;

  beforeAll(async () => {
    guarded = await GatewayServer.start({
      coap: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      apiToken: 'console-s3cret',
      requestTimeoutMs: 5_000,
    });
    client = await startPlainClient('token-client', guarded.address('coap')?.port as number);
    await waitUntil(() => guarded.server.registrations().length === 1, 'token-client registered');
    tokenPage = await browser.newPage();
  });

  afterAll(async () => {
    await tokenPage?.close();
    await client?.close();
    await guarded?.close();
  });

  it('reads without the token, writes only once the token is given', async () => {
    await tokenPage.goto(`${guarded.httpUrl}/#/clients/token-client`);
    await tokenPage.locator('details.object summary', { hasText: 'LwM2M Server' }).click();
    const lifetime = tokenPage.locator('tr.resource[data-path="/1/0/1"]');
    await lifetime.waitFor();
    await lifetime.locator('button', { hasText: 'read' }).click();
    await expect.poll(() => lifetime.locator('td.value').textContent()).toBe('300');
    await lifetime.locator('button', { hasText: 'write' }).click();
    await tokenPage.fill('form.form-write input[name="value"]', '120');
    await tokenPage.click('form.form-write button[type="submit"]');
    await expect
      .poll(() => lifetime.locator('[data-testid="status"]').textContent())
      .toContain('401 API_UNAUTHORIZED');
    await tokenPage.fill('label.token input', 'console-s3cret');
    await tokenPage.press('label.token input', 'Tab');
    await lifetime.locator('button', { hasText: 'write' }).click();
    await tokenPage.fill('form.form-write input[name="value"]', '120');
    await tokenPage.click('form.form-write button[type="submit"]');
    await expect.poll(() => lifetime.locator('[data-testid="status"]').textContent()).toBe('2.04');
    await waitUntil(
      () => guarded.server.registrations()[0]?.lifetime === 120,
      'the Update with lifetime 120',
    );
  });
});

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the web console on npm start's stack (adapter-host demo mappings/plc.yml)", () => {
  const plcYml = fileURLToPath(new URL('../../../../mappings/plc.yml', import.meta.url));
  let stop: () => void = () => {};
  let demo: Promise<number> | undefined;
  let demoPage: Page;
  let httpUrl: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const plcPort = await freeTcpPort();
    const opcuaPort = await freeTcpPort();
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    demo = runAdapterHostCli(['demo', plcYml], {
      out: { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t) },
      env: { PLC_PORT: String(plcPort), OPCUA_PORT: String(opcuaPort) },
      stopSignal: stopped,
    });
    await waitUntil(() => lines.some((l) => l.includes('values now arrive')), 'the demo running', 30_000);
    const match = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(lines.join('\n'));
    if (match?.[1] === undefined) throw new Error(`no HTTP address in the demo output:\n${lines.join('\n')}`);
    httpUrl = match[1];
    demoPage = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await demoPage?.close();
    stop();
    expect(await demo).toBe(0);
  });

  it('lists the demo gateway and its four devices; a value moves live; a write is answered 2.04', async () => {
    await demoPage.goto(`${httpUrl}/`);
    for (const prefix of ['boiler1', 'pump2', 'pump3', 'chiller1']) {
      await demoPage.locator('tr.child-row', { hasText: prefix }).waitFor();
    }
    expect(
      await demoPage.locator('tr.client-row[data-endpoint="adapter-host-demo"]').textContent(),
    ).toContain('gateway (4)');
    await demoPage.locator('tr.child-row', { hasText: 'boiler1' }).locator('a').click();
    const temperature = demoPage.locator('tr.resource[data-path="/3303/0/5700"] td.value');
    await expect.poll(() => temperature.textContent(), { timeout: 10_000 }).toMatch(/\d/);
    const first = await temperature.textContent();
    // the simulator's temperature moves; Send batches (every 2 s) bring it to the page
    await expect.poll(() => temperature.textContent(), { timeout: 15_000 }).not.toBe(first);

    const setPoint = demoPage.locator('tr.resource[data-path="/3308/0/5900"]');
    await setPoint.locator('button', { hasText: 'write' }).click();
    await demoPage.fill('form.form-write input[name="value"]', '55.5');
    await demoPage.click('form.form-write button[type="submit"]');
    // the host wrote the register (2.04 comes after the Modbus write succeeded); the demo's simulator
    // keeps driving every register with its signal, Modbus writes included, so the register is
    // checked with a Modbus read in the composed stack above, where the set point is pinned
    await expect.poll(() => setPoint.locator('[data-testid="status"]').textContent()).toBe('2.04');
  });

  it("shows the OPC UA chiller's supply temperature moving live", async () => {
    await demoPage.goto(`${httpUrl}/`);
    await demoPage.locator('tr.child-row', { hasText: 'chiller1' }).locator('a').click();
    const supply = demoPage.locator('tr.resource[data-path="/3303/0/5700"] td.value');
    await expect.poll(() => supply.textContent(), { timeout: 10_000 }).toMatch(/\d/);
    const first = await supply.textContent();
    await expect.poll(() => supply.textContent(), { timeout: 15_000 }).not.toBe(first);
  });
});
