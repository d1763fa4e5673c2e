/**
 * DeviceRunner with a compiled mapping and the real Modbus adapter against the in-process Modbus
 * simulator: reads from the cache or the device, batching of concurrent reads, write checks and
 * cache invalidation, execute, a device outage and its recovery, observation-driven polling, close.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { systemClock } from '@lwm2m-adapters/kit';
import type { ExecuteArguments, ResourceDeclaration, ResourceHandlers } from '@lwm2m-adapters/lwm2m-client';
import { LwM2mPath, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import { createModbusSimulator, type ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { type AdapterDefinition, type SessionState, silentLogger } from '@lwm2m-adapters/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileMappingFile } from '../../src/mapping-loader.js';
import { DeviceRunner, type DeviceRunnerOptions } from '../../src/runtime/device/device-runner.js';

function mappingYaml(port: number): string {
  return `version: 1
devices:
  - id: plc
    adapter: modbus
    connection:
      { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 1000, reconnect: { initialMs: 20, maxMs: 100 } }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
      /3303/0/5601: { source: { table: holding, address: 2, type: float32 } }
      /3303/0/5605: { source: { table: coil, address: 10 } }
      /3311/0/5850: { source: { table: coil, address: 0 }, access: rw }
      /3311/0/5851: { source: { table: holding, address: 20, type: uint16 }, access: rw }
`;
}

/** A PLC with the registers the mapping reads, and their initial values. */
async function startPlc(port = 0): Promise<{ sim: ModbusSimulator; port: number }> {
  const sim = createModbusSimulator(
    {
      units: [
        {
          unitId: 1,
          holdingRegisters: [{ start: 0, count: 32 }],
          coils: [{ start: 0, count: 16 }],
        },
      ],
    },
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port }] },
  );
  const { tcpPort } = await sim.start();
  if (tcpPort === undefined) throw new Error('the simulator has no TCP port');
  sim.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 215 });
  sim.setValue(1, 'holdingRegisters', 2, { type: 'float32', value: -3.25 });
  sim.setValue(1, 'holdingRegisters', 20, { type: 'uint16', value: 40 });
  return { sim, port: tcpPort };
}

async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let plc: { sim: ModbusSimulator; port: number };
let device: CompiledDevice;
let adapter: AdapterDefinition;
const runners: DeviceRunner[] = [];
/** Added to the runner's clock: makes cached readings stale without waiting. */
let skew = 0;

function runner(options: Partial<DeviceRunnerOptions> = {}): DeviceRunner {
  const created = new DeviceRunner({
    device,
    adapter,
    logger: silentLogger,
    // the system's timers, with time skewed by the test
    clock: { now: () => Date.now() + skew, setTimer: systemClock.setTimer },
    ...options,
  });
  runners.push(created);
  return created;
}

function handlers(r: DeviceRunner, path: string): ResourceHandlers {
  const p = LwM2mPath.parse(path);
  const instance = r.objectDeclarations().get(p.objectId ?? -1)?.instances as ReadonlyMap<
    number,
    ReadonlyMap<number, ResourceDeclaration>
  >;
  const resource = instance.get(p.instanceId ?? -1)?.get(p.resourceId ?? -1);
  if (
    resource === undefined ||
    typeof resource !== 'object' ||
    !('read' in resource || 'write' in resource || 'execute' in resource)
  )
    throw new Error(`${path} has no handlers`);
  return resource as ResourceHandlers;
}

const requests = () => plc.sim.stats().requests;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'device-runner-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  skew = 0;
  plc = await startPlc();
  const file = join(dir, 'plc.yml');
  await writeFile(file, mappingYaml(plc.port));
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const [compiled] = result.mapping.devices;
  const modbus = adapters.get('modbus');
  if (compiled === undefined || modbus === undefined) throw new Error('nothing compiled');
  device = compiled;
  adapter = modbus;
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
  await plc.sim.close();
});

describe('DeviceRunner reads', () => {
  it('answers from a fresh cache entry without asking the device, and from the device once stale', async () => {
    const r = runner({ cacheMaxAgeMs: 1000 });
    await r.start();
    expect(r.pollIntervals().size).toBe(0);
    const first = requests();
    expect(await r.readPoint('/3303/0/5700')).toEqual({ type: 'float', value: 21.5 });
    expect(requests()).toBe(first + 1);

    // the register changes, but the reading is 0 ms old: the cache answers
    plc.sim.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 230 });
    expect(await r.readPoint('/3303/0/5700')).toEqual({ type: 'float', value: 21.5 });
    expect(requests()).toBe(first + 1);
    expect(r.stats()).toMatchObject({ cacheHits: 1, adapterReads: 1, pointReads: 1 });

    // 1.5 s later the reading is stale: the device is asked and has the new value
    skew += 1500;
    expect(await r.readPoint('/3303/0/5700')).toEqual({ type: 'float', value: 23 });
    expect(requests()).toBe(first + 2);
    expect(r.stats()).toMatchObject({ cacheHits: 1, adapterReads: 2, pointReads: 2, goodPoints: 1 });
  });

  it('batches concurrent reads of several points into one adapter read', async () => {
    const r = runner();
    await r.start();
    const before = r.stats();
    const values = await Promise.all([
      r.readPoint('/3303/0/5700'),
      r.readPoint('/3303/0/5601'),
      r.readPoint('/3311/0/5850'),
      r.readPoint('/3311/0/5851'),
      r.readPoint('/3303/0/5700'),
    ]);
    expect(values).toEqual([
      { type: 'float', value: 21.5 },
      { type: 'float', value: -3.25 },
      { type: 'boolean', value: false },
      { type: 'integer', value: 40 },
      { type: 'float', value: 21.5 },
    ]);
    const after = r.stats();
    expect(after.adapterReads - before.adapterReads).toBe(1);
    // four distinct points, each read once (the duplicate waits for the same reading)
    expect(after.pointReads - before.pointReads).toBe(4);
    expect(after.pendingReads).toBe(0);
  });

  it('batches reads made through the resource handlers the engine calls', async () => {
    const r = runner();
    await r.start();
    const before = r.stats().adapterReads;
    const read = async (path: string) =>
      (await handlers(r, path).read?.({ path: LwM2mPath.parse(path) })) as ResourceValue;
    const [temperature, minimum] = await Promise.all([read('/3303/0/5700'), read('/3303/0/5601')]);
    expect(temperature).toEqual({ type: 'float', value: 21.5 });
    expect(minimum).toEqual({ type: 'float', value: -3.25 });
    expect(r.stats().adapterReads - before).toBe(1);
  });
});

describe('DeviceRunner writes and executes', () => {
  it('refuses an out-of-range write before the device sees it', async () => {
    const r = runner();
    await r.start();
    const dimmer = handlers(r, '/3311/0/5851');
    const context = { path: LwM2mPath.parse('/3311/0/5851') };
    const before = requests();
    const refusedByValidate = (() => {
      try {
        dimmer.validate?.({ type: 'integer', value: 150 }, context);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(isCodedError(refusedByValidate, 'WRITE_VALUE_INVALID')).toBe(true);
    // a write handler called without its validate (not the engine's way) plans and checks itself
    const refused = await Promise.resolve()
      .then(() => dimmer.write?.({ type: 'integer', value: 150 }, context))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isCodedError(refused, 'WRITE_VALUE_INVALID')).toBe(true);
    expect((refused as CodedError).responseCode).toBe('4.00');
    expect(requests()).toBe(before);
    expect(plc.sim.getWords(1, 'holdingRegisters', 20, 1)).toEqual([40]);
    expect(r.stats()).toMatchObject({ writes: 0, writeErrors: 0 });
  });

  it('writes the converted value and makes the next read go to the device', async () => {
    const r = runner({ cacheMaxAgeMs: 60_000 });
    await r.start();
    expect(await r.readPoint('/3311/0/5851')).toEqual({ type: 'integer', value: 40 });
    expect(await r.readPoint('/3311/0/5851')).toEqual({ type: 'integer', value: 40 });
    const hits = r.stats().cacheHits;
    await handlers(r, '/3311/0/5851').write?.(
      { type: 'integer', value: 75 },
      { path: LwM2mPath.parse('/3311/0/5851') },
    );
    expect(plc.sim.getWords(1, 'holdingRegisters', 20, 1)).toEqual([75]);
    // the cache held 40 for another minute; the write invalidated it
    const before = requests();
    expect(await r.readPoint('/3311/0/5851')).toEqual({ type: 'integer', value: 75 });
    expect(requests()).toBe(before + 1);
    expect(r.stats()).toMatchObject({ writes: 1, writeErrors: 0, cacheHits: hits });

    await handlers(r, '/3311/0/5850').write?.(
      { type: 'boolean', value: true },
      { path: LwM2mPath.parse('/3311/0/5850') },
    );
    expect(plc.sim.getBits(1, 'coils', 0, 1)).toEqual([true]);
  });

  it('executes a mapped coil', async () => {
    const r = runner();
    await r.start();
    const reset = handlers(r, '/3303/0/5605');
    expect(reset.read).toBeUndefined();
    expect(reset.write).toBeUndefined();
    expect(plc.sim.getBits(1, 'coils', 10, 1)).toEqual([false]);
    const args: ExecuteArguments = [];
    await reset.execute?.(args, { path: LwM2mPath.parse('/3303/0/5605') });
    expect(plc.sim.getBits(1, 'coils', 10, 1)).toEqual([true]);
    expect(r.stats()).toMatchObject({ executes: 1, executeErrors: 0 });
  });
});

describe('DeviceRunner when the device goes away', () => {
  it('rejects reads with a retriable 5.03 error while down, and reports the value again after recovery', async () => {
    const changed: string[] = [];
    const states: SessionState[] = [];
    const r = runner({
      observedPollMs: 100,
      onValueChanged: (point) => changed.push(point.reportedPath.toString()),
    });
    r.onStateChange((state) => states.push(state));
    await r.start();
    r.setObserved([{ path: LwM2mPath.parse('/3303/0/5700'), minMs: undefined, maxMs: undefined }]);
    expect(r.pollIntervals()).toEqual(new Map([['/3303/0/5700', 100]]));
    await eventually(() => changed.includes('/3303/0/5700'), 5000, 'the first reading');
    const port = plc.port;

    await plc.sim.close();
    await eventually(() => r.stats().badPoints === 1, 5000, 'a failed background read');
    skew += 10_000;
    const failure = await r.readPoint('/3303/0/5700').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isCodedError(failure)).toBe(true);
    // connection refused while the session reconnects
    expect((failure as CodedError).code).toBe('DEVICE_UNREACHABLE');
    expect((failure as CodedError).retriable).toBe(true);
    expect((failure as CodedError).responseCode).toBe('5.03');
    expect(r.stats().readErrors).toBeGreaterThan(0);
    expect(states).toContain('reconnecting');

    // the same PLC comes back on the same port with the same value: not a change, but a recovery
    const count = changed.length;
    plc = await startPlc(port);
    await eventually(() => changed.length > count, 10_000, 'a value after recovery');
    expect(changed.slice(count)).toEqual(['/3303/0/5700']);
    expect(r.state).toBe('connected');
    expect(r.stats().badPoints).toBe(0);
    skew += 10_000;
    expect(await r.readPoint('/3303/0/5700')).toEqual({ type: 'float', value: 21.5 });
  });
});

describe('DeviceRunner with a PLC that keeps its socket open but answers nothing', () => {
  it('is connected but unresponsive, with its last success and last error, and ok once it answers again', async () => {
    const r = runner({ observedPollMs: 100 });
    await r.start();
    r.setObserved([{ path: LwM2mPath.parse('/3303/0/5700'), minMs: undefined, maxMs: undefined }]);
    await eventually(() => r.health().lastSuccessAt !== undefined, 5000, 'a first good reading');
    const answeredAt = r.health().lastSuccessAt!;

    plc.sim.setFault(1, { kind: 'dead' });
    await eventually(() => r.health().state === 'unresponsive', 10_000, 'the device to be unresponsive');
    expect(r.state).toBe('connected');
    expect(r.health()).toMatchObject({
      lastSuccessAt: answeredAt,
      lastError: expect.stringMatching(/^DEVICE_(TIMEOUT|UNREACHABLE): /),
    });
    expect(r.health().unansweredReads).toBeGreaterThanOrEqual(3);

    plc.sim.setFault(1, undefined);
    // the unit is quarantined for 5 s by default: the probe after it finds the device back
    await eventually(() => r.health().state === 'ok', 15_000, 'the device to answer again');
    expect(r.health().lastSuccessAt).toBeGreaterThan(answeredAt);
  }, 30_000);
});

describe('DeviceRunner with a PLC that is not up yet', () => {
  it('starts anyway, answers 5.03, and reads once the PLC comes up', async () => {
    const port = plc.port;
    await plc.sim.close();
    const r = runner();
    await r.start();
    expect(r.state).toBe('reconnecting');
    const failure = await r.readPoint('/3303/0/5700').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isCodedError(failure, 'DEVICE_UNREACHABLE')).toBe(true);
    expect((failure as CodedError).responseCode).toBe('5.03');
    plc = await startPlc(port);
    await eventually(() => r.state === 'connected', 5000, 'the session to connect');
    skew += 10_000;
    expect(await r.readPoint('/3303/0/5700')).toEqual({ type: 'float', value: 21.5 });
  });
});

describe('DeviceRunner observation and shutdown', () => {
  it('adapts background reads to setObserved', async () => {
    const r = runner({ observedPollMs: 500 });
    // before start nothing is scheduled, whatever is observed
    r.setObserved([{ path: LwM2mPath.parse('/3303/0'), minMs: undefined, maxMs: undefined }]);
    expect(r.pollIntervals().size).toBe(0);
    await r.start();
    expect(r.pollIntervals()).toEqual(
      new Map([
        ['/3303/0/5700', 500],
        ['/3303/0/5601', 500],
      ]),
    );
    r.setObserved([
      { path: LwM2mPath.parse('/3303/0/5700'), minMs: undefined, maxMs: 200 },
      { path: LwM2mPath.parse('/3311'), minMs: 2000, maxMs: undefined },
    ]);
    expect(r.pollIntervals()).toEqual(
      new Map([
        ['/3303/0/5700', 200],
        ['/3311/0/5850', 2000],
        ['/3311/0/5851', 2000],
      ]),
    );
    expect(r.stats().polledPoints).toBe(3);
    r.setObserved([]);
    expect(r.pollIntervals().size).toBe(0);
  });

  it('close() fails waiting reads with SESSION_CLOSED and is idempotent', async () => {
    const r = runner();
    await r.start();
    // the PLC stops answering: a read waits on the device
    plc.sim.setFault(1, { kind: 'timeout' });
    const before = requests();
    const waiting = r.readPoint('/3303/0/5601').then(
      () => undefined,
      (error: unknown) => error,
    );
    await eventually(() => requests() > before, 900, 'the request to reach the PLC');
    const closing = r.close();
    expect(r.close()).toBe(closing);
    await closing;
    const failure = await waiting;
    expect(isCodedError(failure, 'SESSION_CLOSED')).toBe(true);
    const after = await r.readPoint('/3303/0/5700').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isCodedError(after, 'SESSION_CLOSED')).toBe(true);
    expect(r.state).toBe('closed');
    await r.close();
  });

  it('close() also fails reads asked in the same turn, before they reach the adapter', async () => {
    const r = runner();
    await r.start();
    const before = requests();
    const waiting = [r.readPoint('/3303/0/5700'), r.readPoint('/3311/0/5851')].map((read) =>
      read.then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(r.stats().pendingReads).toBe(2);
    await r.close();
    for (const failure of await Promise.all(waiting)) {
      expect(isCodedError(failure, 'SESSION_CLOSED')).toBe(true);
    }
    expect(requests()).toBe(before);
    expect(r.stats().pendingReads).toBe(0);
  });
});
