import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterSession, PointReading } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { asyncuaPoints, INITIAL_VALUES, SCALAR_TYPES } from '../support/asyncua-points.js';
import { openSession, readValue, until } from '../support/session-harness.js';

async function readOne(session: AdapterSession, id: string): Promise<PointReading> {
  const [r] = await session.read([id]);
  if (r === undefined) throw new Error('no reading');
  return r;
}

describe('opcua session against asyncua (no security, anonymous)', () => {
  let server: AsyncuaServer;
  let session: AdapterSession;

  beforeAll(async () => {
    server = await startAsyncuaServer();
    session = openSession(server.endpoint, asyncuaPoints(server.ns));
    await session.start();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });

  it('connects', () => {
    expect(session.state).toBe('connected');
  });

  it('reads every scalar type in one call, Int64/UInt64 exact beyond 2^53, DateTime as Date, ByteString as bytes', async () => {
    const readings = await session.read(SCALAR_TYPES);
    expect(readings.map((r) => r.pointId)).toEqual(SCALAR_TYPES);
    const values = Object.fromEntries(readings.map((r) => [r.pointId, readValue(r)]));
    expect(values).toEqual({ ...INITIAL_VALUES, Float: 21.5 });
    expect(typeof values.Int64).toBe('bigint');
    expect(values.ByteString).toBeInstanceOf(Uint8Array);
    expect(values.DateTime).toBeInstanceOf(Date);
  });

  it('reads arrays, browse paths and nsu= NodeIds', async () => {
    const r = await session.read(['DoubleArray', 'Int64Array', 'Temperature', 'Setpoint', 'Counter']);
    expect(r.map(readValue).slice(0, 4)).toEqual([[1.5, 2.5, -3], [2n ** 60n, -(2n ** 60n)], 21.25, 20]);
    expect(typeof readValue(r[4])).toBe('number');
  });

  it('isolates a missing node, a missing browse path and a mismatching type (4.04 / 4.00) while the others read', async () => {
    const r = await session.read(['Missing', 'Double', 'MissingPath', 'WrongType', 'WrongShape']);
    expect(r[1]?.ok).toBe(true);
    const codes = r.map((x) => (x.ok ? 'ok' : x.error.code));
    expect(codes).toEqual([
      'DEVICE_ADDRESS_UNKNOWN',
      'ok',
      'DEVICE_ADDRESS_UNKNOWN',
      'DEVICE_VALUE_REJECTED',
      'DEVICE_VALUE_REJECTED',
    ]);
    const missing = r[0] as Extract<PointReading, { ok: false }>;
    expect(missing.error.responseCode).toBe('4.04');
    expect(missing.error.details).toMatchObject({ opcuaStatus: 'BadNodeIdUnknown' });
  });

  it('writes every type and reads it back', async () => {
    const writes: [string, unknown][] = [
      ['Boolean', false],
      ['SByte', -128],
      ['Byte', 255],
      ['Int16', 32767],
      ['UInt16', 0],
      ['Int32', 2147483647],
      ['UInt32', 4294967295],
      ['Int64', -(2n ** 63n)],
      ['UInt64', 2n ** 64n - 1n],
      ['Float', -1.25],
      ['Double', 1e300],
      ['String', 'running ✓'],
      ['DateTime', new Date('2030-05-06T07:08:09.123Z')],
      ['ByteString', new Uint8Array([9, 8, 7])],
      ['DoubleArray', [0.5, -0.25]],
      ['Int64Array', [2n ** 62n + 1n, -1n, 0n]],
      ['Setpoint', 42.5],
    ];
    for (const [id, value] of writes) {
      await session.write(id, value as never);
      expect(readValue(await readOne(session, id)), id).toEqual(value);
    }
  });

  it('refuses values that do not fit before sending (WRITE_VALUE_INVALID)', async () => {
    const before = session.stats().requests ?? 0;
    for (const [id, value] of [
      ['Byte', 256],
      ['SByte', -129],
      ['UInt64', 2n ** 64n],
      ['Int64', 2n ** 63n],
      ['Float', 1e39],
      ['Int32', 1.5],
      ['Boolean', 1],
      ['DateTime', new Date(Number.NaN)],
      ['DoubleArray', 1.5],
      ['Double', [1, 2]],
    ] as [string, unknown][]) {
      await expect(session.write(id, value as never), id).rejects.toMatchObject({
        code: 'WRITE_VALUE_INVALID',
      });
    }
    expect(session.stats().requests).toBe(before);
  });

  it('maps a write the server refuses to a coded error with the OPC UA status in details', async () => {
    const err = await session.write('ReadOnly', 5).catch((e: unknown) => e);
    expect(err).toMatchObject({ details: { opcuaStatus: expect.stringMatching(/^Bad/) } });
    expect(['DEVICE_ACCESS_DENIED', 'DEVICE_OPERATION_UNSUPPORTED']).toContain(
      (err as { code: string }).code,
    );
    await expect(session.write('Missing', 1)).rejects.toMatchObject({ code: 'DEVICE_ADDRESS_UNKNOWN' });
  });

  it('executes a method with typed arguments, refuses wrong ones with 4.00', async () => {
    await session.execute('Add', "0='40',1='2.5'");
    expect(readValue(await readOne(session, 'LastCall'))).toBe('40+2.5');
    for (const args of [
      undefined,
      "0='1'",
      "0='1',1='2',2='3'",
      "0='x',1='2'",
      "0='3000000000',1='1'",
      "0='1',1='abc'",
    ]) {
      await expect(session.execute('Add', args), String(args)).rejects.toMatchObject({
        code: 'WRITE_VALUE_INVALID',
        responseCode: '4.00',
      });
    }
  });

  it('subscribes: initial values, then changes, in one subscription', async () => {
    const seen: PointReading[] = [];
    const sub = await session.subscribe!(
      ['Counter', 'Setpoint', 'Missing'],
      { samplingIntervalMs: 50 },
      (rs) => seen.push(...rs),
    );
    await until(
      () => (seen.some((r) => r.pointId === 'Setpoint' && r.ok) ? true : undefined),
      5000,
      'initial Setpoint',
    );
    expect(seen.find((r) => r.pointId === 'Missing')).toMatchObject({
      ok: false,
      error: { code: 'DEVICE_ADDRESS_UNKNOWN' },
    });
    const counters = () => seen.filter((r) => r.pointId === 'Counter' && r.ok).length;
    await until(() => (counters() >= 3 ? true : undefined), 5000, 'counter changes');
    await session.write('Setpoint', 77.25);
    await until(
      () => (seen.some((r) => r.pointId === 'Setpoint' && r.ok && r.value === 77.25) ? true : undefined),
      5000,
      'Setpoint change',
    );
    const stats = session.stats();
    expect(stats.itemsMonitored).toBe(2);
    expect(stats.itemsFailed).toBeGreaterThanOrEqual(1);
    await sub.modify?.({ samplingIntervalMs: 100, deadband: 1000 });
    await sub.close();
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(seen.length).toBe(n);
    expect(session.stats().itemsMonitored).toBe(0);
  });

  it('coalesces the subscribe calls of one turn into one CreateMonitoredItems', async () => {
    const seen: PointReading[] = [];
    const first = await session.subscribe?.(['Setpoint'], { samplingIntervalMs: 100 }, (rs) =>
      seen.push(...rs),
    );
    await first?.close();
    const before = session.stats().requests ?? 0;
    const subs = await Promise.all([
      session.subscribe?.(['Counter'], { samplingIntervalMs: 100 }, (rs) => seen.push(...rs)),
      session.subscribe?.(['Temperature', 'Int64'], { samplingIntervalMs: 500, deadband: 0.5 }, (rs) =>
        seen.push(...rs),
      ),
    ]);
    expect((session.stats().requests ?? 0) - before).toBe(1);
    expect(session.stats().itemsMonitored).toBe(3);
    await until(
      () =>
        ['Counter', 'Temperature', 'Int64'].every((id) => seen.some((r) => r.pointId === id && r.ok))
          ? true
          : undefined,
      5000,
      'initial values of both groups',
    );
    for (const sub of subs) await sub?.close();
    expect(session.stats().itemsMonitored).toBe(0);
  });

  it('without security, keeps its PKI in a temporary folder removed at close', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'opcua-tmpdir-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch; // os.tmpdir() of this worker, read when the session starts
    try {
      const other = openSession(server.endpoint, asyncuaPoints(server.ns));
      await other.start();
      const during = await readdir(scratch);
      expect(during).toHaveLength(1);
      expect(during[0]).toMatch(/^lwm2m-opcua-pki-/);
      await other.close();
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
