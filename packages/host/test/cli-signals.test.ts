/**
 * The real `adapter-host` process (the built dist) and real signals: SIGHUP reloads the mapping (a
 * broken edit is refused and shown on /healthz while the running mapping stays; a device added while
 * the other keeps its registration), SIGTERM de-registers every endpoint and exits 0. The
 * LwM2M server is the host package's demo server, the devices a Modbus simulator.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayServer } from '@lwm2m-adapters/gateway-server';
import { createModbusSimulator, simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// the built binary (npm test runs tsc -b first): tsx would sit between us and node and relays
// only SIGINT/SIGTERM, not SIGHUP
const cli = join(root, 'packages', 'host', 'dist', 'cli', 'adapter-host.js');

function mapping(port: number, ids: readonly string[]): string {
  return `version: 1
devices:
${ids
  .map(
    (id, i) => `  - id: ${id}
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: ${i + 1} }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1 }
`,
  )
  .join('')}`;
}

function waitFor<T>(
  events: T[],
  predicate: (event: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = events.find(predicate);
      if (found !== undefined) resolve(found);
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

it('reloads on SIGHUP and de-registers on SIGTERM, exiting 0', async () => {
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints(
      [1, 2].map((unitId) => ({
        unitId,
        points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }],
      })),
    ),
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  const started = await simulator.start();
  const port = started.listeners[0]?.transport === 'tcp' ? started.listeners[0].port : 0;
  const events: { kind: string; endpoint: string; id: string }[] = [];
  const gateway = await GatewayServer.start({ coap: { host: '127.0.0.1', port: 0 } });
  gateway.server.on('registered', ({ registration: r }) =>
    events.push({ kind: 'registered', endpoint: r.endpoint, id: r.id }),
  );
  gateway.server.on('deregistered', ({ registration: r }) =>
    events.push({ kind: 'deregistered', endpoint: r.endpoint, id: r.id }),
  );
  const server = { uri: `coap://127.0.0.1:${gateway.address('coap')?.port}`, close: () => gateway.close() };
  const dir = await mkdtemp(join(tmpdir(), 'host-signals-'));
  const file = join(dir, 'plc.yml');
  await writeFile(file, mapping(port, ['press-1']));
  const child = spawn(
    process.execPath,
    [
      cli,
      '--mapping',
      file,
      '--server',
      server.uri,
      '--mode',
      'per-device',
      '--log-format',
      'json',
      '--http',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const outputContains = async (text: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const first = await waitFor(
      events,
      (e) => e.kind === 'registered' && e.endpoint === 'press-1',
      20_000,
      'press-1 registered',
    );
    // the operations server starts once the host has started, which may be after the Register
    await outputContains('"url":"http:', 20_000);
    const httpUrl = /"url":"(http:[^"]+)"/.exec(output)?.[1];
    expect(httpUrl, output).toBeDefined();
    const health = async () =>
      (await (await fetch(`${httpUrl}/healthz`)).json()) as { lastReloadError?: string };
    expect((await health()).lastReloadError).toBeUndefined();

    // a broken edit: refused, the running mapping stays, /healthz says where the problem is
    await writeFile(file, mapping(port, ['press-1']).replace('table: holding', 'table: holdnig'));
    child.kill('SIGHUP');
    await outputContains('the changed mapping has problems', 20_000);
    expect((await health()).lastReloadError).toMatch(
      /^CONFIG_INVALID: 1 problem\(s\); first: .*plc\.yml:7:\d+: /,
    );

    await writeFile(file, mapping(port, ['press-1', 'press-2']));
    child.kill('SIGHUP');
    await waitFor(
      events,
      (e) => e.kind === 'registered' && e.endpoint === 'press-2',
      20_000,
      'press-2 registered after SIGHUP',
    );
    await outputContains('"msg":"mapping reloaded"', 20_000);
    expect((await health()).lastReloadError).toBeUndefined();
    // press-1 was unchanged: registered once, never de-registered
    expect(events.filter((e) => e.endpoint === 'press-1')).toEqual([first]);
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(
      events
        .filter((e) => e.kind === 'deregistered')
        .map((e) => e.endpoint)
        .sort(),
    ).toEqual(['press-1', 'press-2']);
    expect(output).toContain('"msg":"mapping reloaded"');
    expect(output).toContain('"msg":"the changed mapping has problems; still running the previous one"');
  } finally {
    child.kill('SIGKILL');
    await server.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
