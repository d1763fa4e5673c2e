/**
 * Acceptance: adapter-host in gateway mode (devices on the Modbus simulator and on pymodbus, a
 * Modbus device we did not write) registers with the gateway server over real UDP on 127.0.0.1.
 * The server sees each device as a child under its prefix; reads, writes, executes and
 * observations of /<prefix>/3303/0/5700 work; a mapping reload that adds and removes a device
 * updates the children and keeps the unchanged child's observation; the host stopped → children
 * gone. Per-device mode: every device registers as its own client.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import { ContentFormat, node, value } from '@lwm2m-adapters/lwm2m-core';
import type { ChildrenChangedEvent, ServerNotification } from '@lwm2m-adapters/lwm2m-server';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import type { ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PymodbusDevice, startPymodbusDevice } from '../../../test/peers/pymodbus.js';
import { GatewayServer } from '../src/index.js';
import { startPlantSimulator } from './support/plant-simulator.js';
import { openSse, type SseReader } from './support/sse-reader.js';
import { waitUntil } from './support/wait-until.js';

let simulator: ModbusSimulator;
let simulatorPort: number;
let pymodbus: PymodbusDevice;
let dir: string;
let gateway: GatewayServer;
let stream: SseReader;

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function mappingYaml(devices: readonly ('boiler' | 'pump' | 'chiller')[]): string {
  const entries = {
    boiler: `  - id: boiler-1
    prefix: boiler1
    endpoint: urn:dev:acme:boiler-1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${simulatorPort}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }
      /3311/0/5850: { source: { table: coil, address: 3 }, access: rw }
      /3303/0/5605: { source: { table: coil, address: 10 } }
`,
    pump: `  - id: pump-2
    prefix: pump2
    endpoint: urn:dev:acme:pump-2
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${pymodbus.port}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: input, address: 4, type: int16 }, scale: 0.1, units: Cel }
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

function serverUri(): string {
  const address = gateway.address('coap');
  if (address === undefined) throw new Error('no CoAP listener');
  return `coap://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  ({ simulator, port: simulatorPort } = await startPlantSimulator());
  pymodbus = await startPymodbusDevice({
    transport: 'tcp',
    framer: 'socket',
    units: { 1: { values: [{ table: 'input', address: 4, type: 'int16', value: 182 }] } },
  });
  dir = await mkdtemp(join(tmpdir(), 'gateway-server-host-'));
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    requestTimeoutMs: 5_000,
  });
  stream = await openSse(`${gateway.httpUrl}/api/events?types=notification,childrenChanged`);
}, 60_000);

afterAll(async () => {
  stream?.close();
  await gateway?.close();
  await Promise.all([simulator?.close(), pymodbus?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('adapter-host in gateway mode against the gateway server', () => {
  let host: AdapterHost;
  const changes: ChildrenChangedEvent[] = [];

  afterAll(async () => {
    await host?.close();
  });

  it('shows each device as a child under its prefix, with its objects', async () => {
    gateway.children.on('childrenChanged', (event) => changes.push(event));
    const { mapping, adapters } = await compile('plant.yml', ['boiler', 'pump']);
    host = await AdapterHost.start({
      mapping,
      adapters,
      server: { uri: serverUri(), lifetime: 300 },
      mode: 'gateway',
      endpoint: 'plant-gw',
    });
    await waitUntil(() => gateway.children.children('plant-gw').length === 2, 'two children');
    const children = gateway.children.children('plant-gw');
    expect(children.map((c) => [c.prefix, c.deviceId])).toEqual([
      ['boiler1', 'urn:dev:acme:boiler-1'],
      ['pump2', 'urn:dev:acme:pump-2'],
    ]);
    expect(children[0]?.objects.map((o) => o.id)).toEqual(expect.arrayContaining([3, 3303, 3308, 3311]));
    expect(gateway.children.state('plant-gw')).toMatchObject({ observing: true, lastError: undefined });
  });

  it('reads, writes, executes and observes /<prefix>/3303/0/5700 through the HTTP API, by Device ID and by prefix', async () => {
    const read = await api('GET', '/api/devices/urn:dev:acme:boiler-1/3303/0/5700?format=text');
    expect(read.body).toMatchObject({
      code: '2.05',
      values: [{ path: '/3303/0/5700', type: 'float', value: 21.5 }],
    });
    // pymodbus behind the same gateway, by gateway endpoint and prefix
    const pumpRead = await api('GET', '/api/clients/plant-gw/pump2/3303/0/5700?format=senml-json');
    expect(pumpRead.body).toMatchObject({
      code: '2.05',
      values: [{ path: '/pump2/3303/0/5700', value: 18.2 }],
    });

    const write = await api('PUT', '/api/devices/urn:dev:acme:boiler-1/3308/0/5900', { value: 42.5 });
    expect(write.body).toMatchObject({ code: '2.04' });
    expect(simulator.getWords(1, 'holdingRegisters', 10, 1)).toEqual([425]);
    // out of range for an int16 with scale 0.1: refused by the host before it reaches the PLC
    const bad = await api('PUT', '/api/devices/urn:dev:acme:boiler-1/3308/0/5900', { value: 1e9 });
    expect(bad.body).toMatchObject({ code: '4.00' });
    expect(simulator.getWords(1, 'holdingRegisters', 10, 1)).toEqual([425]);

    // Execute pulses the coil mapped to 5605 (reset min/max)
    const coilWrites = () => simulator.stats().byFunction[5] ?? 0;
    const before = coilWrites();
    const execute = await api('POST', '/api/clients/plant-gw/boiler1/3303/0/5605:execute');
    expect(execute.body).toMatchObject({ code: '2.04' });
    expect(coilWrites()).toBeGreaterThan(before); // Write Single Coil
    expect((await api('POST', '/api/clients/plant-gw/boiler1/3303/0/5700:execute')).body).toMatchObject({
      code: '4.05',
    });
    // an unknown prefix or Device ID: 404 at once, nothing sent to the gateway
    expect((await api('GET', '/api/clients/plant-gw/nope/3303/0/5700')).status).toBe(404);
    expect((await api('GET', '/api/devices/urn:dev:acme:nope/3303/0/5700')).status).toBe(404);

    const observed = await api('POST', '/api/devices/urn:dev:acme:boiler-1/3303/0/5700:observe', {
      format: 'text',
      attributes: { pmin: 0 },
    });
    expect(observed.body).toMatchObject({ code: '2.05' });
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 230 });
    const frame = await stream.until((f) => {
      const event = JSON.parse(f.data) as { type: string; deviceId?: string; values?: { value: unknown }[] };
      return (
        event.type === 'notification' &&
        event.deviceId === 'urn:dev:acme:boiler-1' &&
        event.values?.[0]?.value === 23
      );
    }, 10_000);
    expect(JSON.parse(frame.data)).toMatchObject({
      endpoint: 'plant-gw',
      prefix: 'boiler1',
      path: '/boiler1/3303/0/5700',
    });
  });

  it('a reload that adds and removes a device updates the children; the unchanged child keeps its observation', async () => {
    const boiler = gateway.children.resolve('plant-gw', '/boiler1/3303/0/5700');
    // the API's observation from the test above
    const kept = gateway.server.observations('plant-gw').find((o) => o.path.equals(boiler.path));
    expect(kept).toBeDefined();
    const pumpObservation = await gateway.server.observe('plant-gw', '/pump2/3303/0/5700');
    expect(pumpObservation.observation).toBeDefined();
    changes.length = 0;

    const { mapping, adapters } = await compile('plant-2.yml', ['boiler', 'chiller']);
    expect(await host.reload(mapping, adapters)).toMatchObject({
      added: ['chiller-3'],
      removed: ['pump-2'],
      unchanged: ['boiler-1'],
    });
    await waitUntil(
      () =>
        gateway.children
          .children('plant-gw')
          .map((c) => c.prefix)
          .join() === 'boiler1,chiller3',
      'children boiler1 and chiller3',
    );
    expect(changes.flatMap((c) => c.removed.map((x) => x.prefix))).toEqual(['pump2']);
    expect(changes.flatMap((c) => c.added.map((x) => x.prefix))).toEqual(['chiller3']);
    expect(gateway.server.observations('plant-gw')).toContain(kept);
    expect(gateway.server.observations('plant-gw')).not.toContain(pumpObservation.observation);

    const seen: ServerNotification[] = [];
    const stop = gateway.server.on('notification', (n) => {
      if (n.observation === kept) seen.push(n);
    });
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 244 });
    await waitUntil(
      () => seen.some((n) => n.node?.kind === 'resource' && n.node.value.value === 24.4),
      'the kept observation notifying 24.4',
    );
    stop();
    const chiller = gateway.children.resolve({ deviceId: 'urn:dev:acme:chiller-3' }, '/3303/0/5700');
    const read = await gateway.server.read(chiller.registration, chiller.path, {
      format: ContentFormat.TEXT,
    });
    expect(read.node).toEqual(node.resource(5700, value.float(7.1)));
  });

  it('the host stopped: the gateway de-registers and its children are gone', async () => {
    changes.length = 0;
    await host.close();
    await waitUntil(() => gateway.server.registration('plant-gw') === undefined, 'the de-registration');
    expect(gateway.children.children()).toEqual([]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ cause: 'deregistered' });
    expect(changes[0]?.removed.map((c) => c.prefix).sort()).toEqual(['boiler1', 'chiller3']);
  });
});

describe('adapter-host in per-device mode against the gateway server', () => {
  it('registers every device as its own client', async () => {
    const { mapping, adapters } = await compile('per-device.yml', ['boiler', 'pump']);
    const host = await AdapterHost.start({
      mapping,
      adapters,
      server: { uri: serverUri(), lifetime: 300 },
      mode: 'per-device',
    });
    try {
      await waitUntil(() => gateway.server.registrations().length === 2, 'two registrations');
      const endpoints = gateway.server
        .registrations()
        .map((r) => r.endpoint)
        .sort();
      expect(endpoints).toEqual(['urn:dev:acme:boiler-1', 'urn:dev:acme:pump-2']);
      expect(gateway.children.children()).toEqual([]);
      const read = await gateway.server.read('urn:dev:acme:pump-2', '/3303/0/5700', {
        format: ContentFormat.TEXT,
      });
      expect(read.node).toEqual(node.resource(5700, value.float(18.2)));
    } finally {
      await host.close();
    }
    await waitUntil(() => gateway.server.registrations().length === 0, 'both de-registered');
  });
});
