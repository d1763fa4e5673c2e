/**
 * Hot reload of `adapter-host --mode per-device` against the Eclipse Leshan demo server, with the
 * in-process Modbus simulator as the PLCs. The host runs through its CLI entry point; a reload is
 * asked through the same hook SIGHUP uses (`onReloadRequest`) after the mapping file is rewritten,
 * or by `--watch` on a file change. Also: the operations server's /healthz while a PLC is down, and
 * what it answers to other paths and methods.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModbusSimulator, type ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { eventually, loggedEntries, type RunningHostCli, startHostCli } from '../support/host-cli-run.js';

const A = 'reload-boiler-a';
const B = 'reload-boiler-b';
const C = 'reload-boiler-c';

/** A PLC with a temperature register (int16, 0.1 °C) per unit. */
async function startPlc(units: readonly number[], port = 0): Promise<{ sim: ModbusSimulator; port: number }> {
  const sim = createModbusSimulator(
    { units: units.map((unitId) => ({ unitId, holdingRegisters: [{ start: 0, count: 8 }] })) },
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port }] },
  );
  const { tcpPort } = await sim.start();
  if (tcpPort === undefined) throw new Error('the simulator has no TCP port');
  for (const unitId of units)
    sim.setValue(unitId, 'holdingRegisters', 0, { type: 'int16', value: 200 + unitId });
  return { sim, port: tcpPort };
}

function deviceYaml(id: string, port: number, unitId: number, table = 'holding', scale = 0.1): string {
  return `  - id: ${id}
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: ${unitId}, timeoutMs: 300, reconnect: { initialMs: 50, maxMs: 300 } }
    points:
      /3303/0/5700: { source: { table: ${table}, address: 0, type: int16 }, scale: ${scale}, units: Cel }
`;
}

function mappingYaml(devices: readonly string[]): string {
  return `version: 1\ndevices:\n${devices.join('')}`;
}

/** `adapter-host --mode per-device` against Leshan, observed points polled every 200 ms. */
function startHost(leshan: LeshanServer, mapping: string, extra: string[] = []): Promise<RunningHostCli> {
  return startHostCli(mapping, `coap://127.0.0.1:${leshan.coapPort}`, ['--observed-poll', '200ms', ...extra]);
}

let leshan: LeshanServer;
let plc: { sim: ModbusSimulator; port: number };
let dir: string;

beforeAll(async () => {
  [leshan, plc] = await Promise.all([startLeshanServer(), startPlc([1, 2, 3])]);
  dir = await mkdtemp(join(tmpdir(), 'host-reload-'));
}, 90_000);

afterAll(async () => {
  await Promise.all([leshan?.stop(), plc?.sim.close()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('adapter-host reload (per-device) against Leshan', () => {
  let host: RunningHostCli;
  let mapping: string;
  /** A second PLC for device C, which the health test stops and starts. */
  let plcC: { sim: ModbusSimulator; port: number };

  beforeAll(async () => {
    plcC = await startPlc([1]);
    mapping = join(dir, 'plant.yml');
    await writeFile(mapping, mappingYaml([deviceYaml(A, plc.port, 1), deviceYaml(B, plc.port, 2)]));
    const registered = Promise.all(
      [A, B].map((ep) =>
        leshan.events.waitForEvent(
          (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
          20_000,
        ),
      ),
    );
    host = await startHost(leshan, mapping);
    await registered;
  }, 60_000);

  afterAll(async () => {
    host?.stop();
    await host?.exited;
    await plcC?.sim.close();
  }, 30_000);

  it('serves /healthz (200 when all is well), 404 elsewhere and 405 for other methods', async () => {
    const health = await fetch(`${host.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; devices: { id: string; connection: string }[] };
    expect(body.status).toBe('ok');
    expect(body.devices.map((d) => [d.id, d.connection])).toEqual([
      [A, 'connected'],
      [B, 'connected'],
    ]);
    const missing = await fetch(`${host.httpUrl}/status`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('try /healthz or /metrics');
    const posted = await fetch(`${host.httpUrl}/healthz`, { method: 'POST', body: '{}' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    await posted.text();
  });

  it('adds and removes devices on reload, keeping the unchanged one registered and observed', async () => {
    const observed = await leshan.api.observe(A, '/3303/0/5700');
    expect(observed.code, observed.errorMessage).toBe('2.05');
    expect(observed.content).toMatchObject({ value: 20.1 });
    const before = await leshan.api.client(A);
    expect(before?.registrationId).toBeTypeOf('string');

    const cursor = leshan.events.cursor();
    const logIndex = host.logs.length;
    const cRegistered = leshan.events.waitForEvent(
      (e) => e.type === 'REGISTRATION' && e.registration.endpoint === C,
      15_000,
      { after: cursor },
    );
    const bDeregistered = leshan.events.waitForEvent(
      (e) => e.type === 'DEREGISTRATION' && e.registration.endpoint === B,
      15_000,
      { after: cursor },
    );
    // A keeps its lines; B goes; C (on another PLC) comes
    await writeFile(mapping, mappingYaml([deviceYaml(A, plc.port, 1), deviceYaml(C, plcC.port, 1)]));
    host.reload();
    await Promise.all([cRegistered, bDeregistered]);
    const reloaded = await eventually(
      async () => loggedEntries(host, 'mapping reloaded', logIndex)[0],
      10_000,
      'the reload to be logged',
    );
    expect(reloaded).toMatchObject({ added: [C], removed: [B], changed: [], unchanged: 1 });

    expect(await leshan.api.client(B)).toBeUndefined();
    const cRead = await leshan.api.read(C, '/3303/0/5700');
    expect(cRead.code, cRead.errorMessage).toBe('2.05');
    expect(cRead.content).toMatchObject({ value: 20.1 });

    // A: same registration, never registered again, and its observation still notifies
    const after = await leshan.api.client(A);
    expect(after?.registrationId).toBe(before?.registrationId);
    const notified = leshan.events.waitForEvent(
      (e) =>
        e.type === 'NOTIFICATION' &&
        e.endpoint === A &&
        e.path === '/3303/0/5700' &&
        JSON.stringify(e.value).includes('22.2'),
      10_000,
      { after: cursor },
    );
    plc.sim.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 222 });
    await notified;
    const reRegistrations = leshan.events.events
      .slice(cursor)
      .filter(
        (e) => (e.type === 'REGISTRATION' || e.type === 'DEREGISTRATION') && e.registration.endpoint === A,
      );
    expect(reRegistrations).toEqual([]);

    const health = (await (await fetch(`${host.httpUrl}/healthz`)).json()) as { devices: { id: string }[] };
    expect(health.devices.map((d) => d.id)).toEqual([A, C]);
  }, 40_000);

  it('restarts a changed device: a new registration with the new mapping', async () => {
    const before = await leshan.api.client(C);
    const cursor = leshan.events.cursor();
    const logIndex = host.logs.length;
    const deregistered = leshan.events.waitForEvent(
      (e) => e.type === 'DEREGISTRATION' && e.registration.endpoint === C,
      15_000,
      { after: cursor },
    );
    const registered = leshan.events.waitForEvent(
      (e) => e.type === 'REGISTRATION' && e.registration.endpoint === C,
      15_000,
      { after: cursor },
    );
    // C's register now counts in 0.01 °C
    await writeFile(
      mapping,
      mappingYaml([deviceYaml(A, plc.port, 1), deviceYaml(C, plcC.port, 1, 'holding', 0.01)]),
    );
    host.reload();
    const [gone, back] = await Promise.all([deregistered, registered]);
    expect(gone.receivedAt).toBeLessThanOrEqual(back.receivedAt);
    const after = await leshan.api.client(C);
    expect(after?.registrationId).not.toBe(before?.registrationId);
    const reloaded = await eventually(
      async () => loggedEntries(host, 'mapping reloaded', logIndex)[0],
      10_000,
      'the reload to be logged',
    );
    expect(reloaded).toMatchObject({ added: [], removed: [], changed: [C], unchanged: 1 });
    const read = await leshan.api.read(C, '/3303/0/5700');
    expect(read.code, read.errorMessage).toBe('2.05');
    expect(read.content).toMatchObject({ value: 2.01 });
    expect(
      leshan.events.events
        .slice(cursor)
        .filter((e) => 'registration' in e && e.registration.endpoint === A && e.type !== 'UPDATED'),
    ).toEqual([]);
  }, 30_000);

  it('keeps running the previous mapping when the changed one has problems, and logs them', async () => {
    const cursor = leshan.events.cursor();
    const logIndex = host.logs.length;
    // C's register table is misspelled (line 12, column 40) and a new device D has no connection
    await writeFile(
      mapping,
      mappingYaml([
        deviceYaml(A, plc.port, 1),
        deviceYaml(C, plcC.port, 1, 'holdin'),
        '  - id: reload-boiler-d\n    adapter: modbus\n    points: {}\n',
      ]),
    );
    host.reload();
    const problem = await eventually(
      async () =>
        loggedEntries(host, 'the changed mapping has problems; still running the previous one', logIndex)[0],
      10_000,
      'the problems to be logged',
    );
    expect(problem.level).toBe(50);
    expect(problem.problems).toBe(2);
    expect(String(problem.details)).toContain(
      `${mapping}:12:40: /3303/0/5700: source.table "holdin" is not valid`,
    );
    expect(String(problem.details)).toContain(`${mapping}:13:`);
    expect(loggedEntries(host, 'mapping reloaded', logIndex)).toEqual([]);

    // both devices still answer, nobody registered or de-registered
    for (const ep of [A, C]) {
      const read = await leshan.api.read(ep, '/3303/0/5700');
      expect(read.code, `${ep}: ${read.errorMessage}`).toBe('2.05');
    }
    expect(
      leshan.events.events
        .slice(cursor)
        .filter((e) => e.type === 'REGISTRATION' || e.type === 'DEREGISTRATION'),
    ).toEqual([]);
    const health = await fetch(`${host.httpUrl}/healthz`);
    expect(health.status).toBe(200);

    // a later good mapping applies again (here: the one running, so nothing changes)
    await writeFile(
      mapping,
      mappingYaml([deviceYaml(A, plc.port, 1), deviceYaml(C, plcC.port, 1, 'holding', 0.01)]),
    );
    const again = host.logs.length;
    host.reload();
    await eventually(
      async () => loggedEntries(host, 'mapping unchanged', again)[0],
      10_000,
      'an unchanged reload',
    );
  }, 30_000);

  it('answers /healthz 503 while a PLC is down, and 200 again once it is back', async () => {
    const port = plcC.port;
    await plcC.sim.close();
    const degraded = await eventually(
      async () => {
        const response = await fetch(`${host.httpUrl}/healthz`);
        const body = (await response.json()) as {
          status: string;
          devices: { id: string; connection: string; lastError?: string }[];
        };
        return response.status === 503 ? body : undefined;
      },
      10_000,
      '/healthz to answer 503',
    );
    expect(degraded.status).toBe('degraded');
    const c = degraded.devices.find((d) => d.id === C);
    expect(c?.connection).not.toBe('connected');
    expect(c?.lastError).toContain('DEVICE_UNREACHABLE');
    expect(degraded.devices.find((d) => d.id === A)?.connection).toBe('connected');
    // a Read is answered from a reading up to --cache-max-age (1 s) old, then 5.03
    const unavailable = await eventually(
      async () => {
        const read = await leshan.api.read(C, '/3303/0/5700');
        return read.code === '2.05' ? undefined : read;
      },
      10_000,
      'a Read of C to fail',
    );
    expect(unavailable.code).toBe('5.03');

    plcC = await startPlc([1], port);
    await eventually(
      async () => ((await fetch(`${host.httpUrl}/healthz`)).status === 200 ? true : undefined),
      10_000,
      '/healthz to answer 200 again',
    );
  }, 30_000);

  it('de-registers every device on shutdown and exits 0', async () => {
    const cursor = leshan.events.cursor();
    const gone = Promise.all(
      [A, C].map((ep) =>
        leshan.events.waitForEvent(
          (e) => e.type === 'DEREGISTRATION' && e.registration.endpoint === ep,
          15_000,
          {
            after: cursor,
          },
        ),
      ),
    );
    host.stop();
    expect(await host.exited).toBe(0);
    await gone;
  }, 30_000);
});

describe('adapter-host --watch against Leshan', () => {
  it('reloads by itself when the mapping file changes', async () => {
    const watchDir = await mkdtemp(join(dir, 'watch-'));
    const mapping = join(watchDir, 'plant.yml');
    const W1 = 'watch-boiler-1';
    const W2 = 'watch-boiler-2';
    await writeFile(mapping, mappingYaml([deviceYaml(W1, plc.port, 3)]));
    const first = leshan.events.waitForEvent(
      (e) => e.type === 'REGISTRATION' && e.registration.endpoint === W1,
      15_000,
    );
    const host = await startHost(leshan, mapping, ['--watch']);
    try {
      await first;
      expect(loggedEntries(host, 'watching the mapping for changes')).toHaveLength(1);
      const cursor = leshan.events.cursor();
      const second = leshan.events.waitForEvent(
        (e) => e.type === 'REGISTRATION' && e.registration.endpoint === W2,
        15_000,
        { after: cursor },
      );
      await writeFile(mapping, mappingYaml([deviceYaml(W1, plc.port, 3), deviceYaml(W2, plc.port, 2)]));
      await second;
      const read = await leshan.api.read(W2, '/3303/0/5700');
      expect(read.code, read.errorMessage).toBe('2.05');
      expect(read.content).toMatchObject({ value: 20.2 });
      // W1 was not touched
      expect(
        leshan.events.events
          .slice(cursor)
          .filter((e) => 'registration' in e && e.registration.endpoint === W1 && e.type !== 'UPDATED'),
      ).toEqual([]);
    } finally {
      host.stop();
    }
    expect(await host.exited).toBe(0);
  }, 40_000);
});
