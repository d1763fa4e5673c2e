import { type PointSpec, type SessionState, silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createModbusAdapter, type ModbusPoint } from '../../src/index.js';
import { MemoryModbusDevice } from '../support/memory-modbus-device.js';

const hex = (s: string) => Uint8Array.from(s.split(' ').filter(Boolean), (b) => Number.parseInt(b, 16));
const rw = { read: true, write: true, execute: false };
const ro = { read: true, write: false, execute: false };

type Adapter = ReturnType<typeof createModbusAdapter>;
const sessions: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function open(
  adapter: Adapter,
  connection: Record<string, unknown>,
  points: { id: string; source: Record<string, unknown>; access?: typeof rw }[],
  deviceId = 'dev',
) {
  const session = adapter.createSession({
    deviceId,
    connection: adapter.connectionSchema.parse(connection),
    points: points.map(
      (p): PointSpec<ModbusPoint> => ({
        id: p.id,
        source: adapter.pointSchema.parse(p.source),
        access: p.access ?? rw,
      }),
    ),
    logger: silentLogger,
  });
  sessions.push(session);
  return session;
}

const tcp = { transport: 'tcp', host: 'memory', port: 502 };

function plantDevice() {
  const device = new MemoryModbusDevice();
  const unit = device.unit(1);
  unit.setBytes('holding', 0, hex('FF FE')); // int16 -2
  unit.setBytes('holding', 1, hex('AB CD')); // uint16
  unit.setBytes('holding', 2, hex('F8 A4 32 EB')); // int32 ABCD
  unit.setBytes('holding', 4, hex('33 44 11 22')); // uint32 CDAB
  unit.setBytes('holding', 6, hex('00 00 3F C0')); // float32 CDAB 1.5
  unit.setBytes('holding', 8, hex('07 08 05 06 03 04 01 02')); // uint64 GHEFCDAB
  unit.setBytes('holding', 12, hex('3F F8 00 00 00 00 00 00')); // float64
  unit.setBytes('holding', 16, hex('48 69 21 00')); // "Hi!"
  unit.setBytes('holding', 18, hex('00 28')); // bits 3 and 5
  unit.setBytes('input', 0, hex('FF FF FF FF FF FF FF FF')); // int64 -1
  unit.coils.set([1, 0, 1], 0);
  unit.discrete.set([0, 1], 0);
  return device;
}

const plantPoints = [
  { id: 'i16', source: { table: 'holding', address: 0, type: 'int16' } },
  { id: 'u16', source: { table: 'holding', address: 1 } },
  { id: 'i32', source: { table: 'holding', address: 2, type: 'int32' } },
  { id: 'u32', source: { table: 'holding', address: 4, type: 'uint32', wordOrder: 'little' } },
  { id: 'f32', source: { table: 'holding', address: 6, type: 'float32', order: 'CDAB' } },
  { id: 'u64', source: { table: 'holding', address: 8, type: 'uint64', order: 'GHEFCDAB' } },
  { id: 'f64', source: { table: 'holding', address: 12, type: 'float64' } },
  { id: 'str', source: { table: 'holding', address: 16, type: 'string', length: 2 } },
  { id: 'bit3', source: { table: 'holding', address: 18, bit: 3 } },
  { id: 'bit4', source: { table: 'holding', address: 18, bit: 4 } },
  { id: 'i64', source: { table: 'input', address: 0, type: 'int64' }, access: ro },
  { id: 'c0', source: { table: 'coil', address: 0 } },
  { id: 'c1', source: { table: 'coil', address: 1 } },
  { id: 'c2', source: { table: 'coil', address: 2 } },
  { id: 'd1', source: { table: 'discrete', address: 1 }, access: ro },
];

describe('ModbusSession over an in-memory device', () => {
  it('reads every type in as few requests as the plan says, one reading per id in order', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    expect(session.state).toBe('connected');
    const ids = plantPoints.map((p) => p.id).reverse();
    const readings = await session.read(ids);
    expect(readings.map((r) => r.pointId)).toEqual(ids);
    const values = Object.fromEntries(readings.map((r) => [r.pointId, r.ok ? r.value : r.error.code]));
    expect(values).toEqual({
      i16: -2,
      u16: 0xabcd,
      i32: -123456789,
      u32: 0x11223344,
      f32: 1.5,
      u64: 0x0102030405060708n,
      f64: 1.5,
      str: 'Hi!',
      bit3: true,
      bit4: false,
      i64: -1,
      c0: true,
      c1: false,
      c2: true,
      d1: true,
    });
    // holding 0..18, input 0..3, coils 0..2, discrete 1: four requests
    expect(device.log.map((r) => `${r.functionCode}:${r.address}+${r.quantity}`).sort()).toEqual([
      '1:0+3',
      '2:1+1',
      '3:0+19',
      '4:0+4',
    ]);
    const plan = adapter.plan!(
      adapter.connectionSchema.parse(tcp),
      plantPoints.map((p) => ({
        id: p.id,
        source: adapter.pointSchema.parse(p.source),
        access: p.access ?? rw,
      })),
    );
    expect(plan.requestsPerCycle).toBe(4);
    expect(plan.lines).toContain('unit 1 FC3 holding 0..18 (19 regs) -> 10 points');
    expect(plan.details).toMatchObject({ minimumRequests: 4 });
  });

  it('writes with FC5/FC6/FC16 and reads the values back; FC15/FC16 with writeMultiple', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    const writes: [string, number | bigint | boolean | string][] = [
      ['i16', -300],
      ['f32', -21.25],
      ['u64', 18446744073709551615n],
      ['str', 'OK'],
      ['c1', true],
    ];
    for (const [id, value] of writes) await session.write(id, value);
    expect(device.log.map((r) => r.functionCode)).toEqual([6, 16, 16, 16, 5]);
    const back = await session.read(writes.map(([id]) => id));
    expect(back.map((r) => (r.ok ? r.value : r.error.code))).toEqual(writes.map(([, v]) => v));
    expect(device.unit(1).holding[7]).toBe(0xc1aa); // CDAB: the high word of -21.25 goes second

    // writeMultiple is a device setting: the same link, FC15/FC16 even for single coils and registers
    const multi = open(adapter, { ...tcp, writeMultiple: true }, plantPoints, 'multi');
    await multi.start();
    device.log.length = 0;
    await multi.write('c2', false);
    await multi.write('u16', 0x1234);
    await multi.write('bit4', true);
    expect(device.log.map((r) => r.functionCode)).toEqual([15, 16, 3, 16]);
    expect(device.unit(1).coils[2]).toBe(0);
    expect(device.unit(1).holding[1]).toBe(0x1234);
    expect(adapter.openLinks()).toBe(1);
  });

  it('writes a register bit by read-modify-write, keeping the other bits', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    await session.write('bit4', true);
    await session.write('bit3', false);
    expect(device.unit(1).holding[18]).toBe(0x30);
    expect(device.log.map((r) => `${r.functionCode}:${r.address}`)).toEqual(['3:18', '6:18', '3:18', '6:18']);
  });

  it('answers a list with repeats, unknown and unreadable ids in its order, the same list again as planned', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const writeOnly = { read: false, write: true, execute: false };
    const session = open(adapter, tcp, [
      ...plantPoints,
      { id: 'wo', source: { table: 'holding', address: 30 }, access: writeOnly },
    ]);
    await session.start();
    // one list object, polled twice: the second read takes the layout made for the first
    const ids = ['f32', 'nope', 'i16', 'f32', 'wo', 'c2'];
    const expected = [1.5, 'CONFIG_INVALID', -2, 1.5, 'OPERATION_NOT_ALLOWED', true];
    const requestsPerRound: number[] = [];
    for (const _round of [1, 2]) {
      const before = device.log.length;
      const readings = await session.read(ids);
      expect(readings.map((r) => r.pointId)).toEqual(ids);
      expect(readings.map((r) => (r.ok ? r.value : r.error.code))).toEqual(expected);
      // a repeated id is read once (the request count below) and both places hold its reading
      expect(readings[3]).toEqual(readings[0]);
      requestsPerRound.push(device.log.length - before);
    }
    // holding registers and a coil: at least two requests, and no more in the second round
    expect(requestsPerRound[0]).toBeGreaterThanOrEqual(2);
    expect(requestsPerRound[1]).toBe(requestsPerRound[0]);
    // the write-only point was never asked for: no request reaches holding 30
    expect(device.log.every((r) => r.address + r.quantity <= 30)).toBe(true);
    // an equal list in a new array gives the same answer
    const again = await session.read([...ids]);
    expect(again.map((r) => (r.ok ? r.value : r.error.code))).toEqual(expected);
  });

  it('gives readInto each index of the list once, the outcome read gives, with no more requests', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    const ids = ['f32', 'nope', 'i16', 'f32', 'c2'];
    const started = device.log.length;
    const read = await session.read(ids);
    const readRequests = device.log.length - started;
    const before = device.log.length;
    const outcomes: [number, unknown, number][] = [];
    await session.readInto!(ids, {
      value: (index, value, timestamp) => outcomes.push([index, value, timestamp]),
      error: (index, error, timestamp) => outcomes.push([index, error.code, timestamp]),
    });
    expect(readRequests).toBeGreaterThanOrEqual(2);
    expect(device.log.length - before).toBe(readRequests);
    expect(outcomes.map(([index]) => index).sort()).toEqual([0, 1, 2, 3, 4]);
    const byIndex = outcomes.sort((a, b) => a[0] - b[0]);
    expect(byIndex.map(([, outcome]) => outcome)).toEqual(read.map((r) => (r.ok ? r.value : r.error.code)));
    for (const [, , timestamp] of byIndex) expect(timestamp).toBeGreaterThan(0);
  });

  it('validates before sending: read-only points, wrong values, unknown points', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    await expect(session.write('i16', 40000)).rejects.toMatchObject({ code: 'WRITE_VALUE_INVALID' });
    await expect(session.write('i64', 1)).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    await expect(session.write('c0', 'on')).rejects.toMatchObject({ code: 'WRITE_VALUE_INVALID' });
    await expect(session.write('nope', 1)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(session.execute('c0')).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    expect(device.log).toEqual([]);
    const [unknown] = await session.read(['nope']);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
  });

  it('executes a coil: true, or a pulse of true then false after pulseMs', async () => {
    const device = new MemoryModbusDevice();
    device.unit(1);
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const x = { read: false, write: false, execute: true };
    const session = open(adapter, tcp, [
      { id: 'start', source: { table: 'coil', address: 4 }, access: x },
      { id: 'reset', source: { table: 'coil', address: 5, pulseMs: 50 }, access: x },
    ]);
    await session.start();
    await session.execute('start');
    expect(device.unit(1).coils[4]).toBe(1);
    const t0 = Date.now();
    const pulse = session.execute('reset', 'ignored-arguments');
    await new Promise((r) => setTimeout(r, 10));
    expect(device.unit(1).coils[5]).toBe(1);
    await pulse;
    expect(device.unit(1).coils[5]).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(device.log.map((r) => `${r.functionCode}:${r.address}`)).toEqual(['5:4', '5:5', '5:5']);
  });

  it('ends a running pulse (writes false) when the session closes', async () => {
    const device = new MemoryModbusDevice();
    device.unit(1);
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, [
      {
        id: 'p',
        source: { table: 'coil', address: 1, pulseMs: 60_000 },
        access: { read: false, write: false, execute: true },
      },
    ]);
    await session.start();
    const pulse = session.execute('p').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    expect(device.unit(1).coils[1]).toBe(1);
    await session.close();
    expect(device.unit(1).coils[1]).toBe(0);
    expect(await pulse).toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('answers an illegal address as a DEVICE_ADDRESS_UNKNOWN reading', async () => {
    const device = plantDevice();
    device.unit(1).limit = 100;
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, [
      { id: 'ok', source: { table: 'holding', address: 1 } },
      { id: 'missing', source: { table: 'holding', address: 500 } },
    ]);
    await session.start();
    const [ok, missing] = await session.read(['ok', 'missing']);
    expect(ok).toMatchObject({ ok: true, value: 0xabcd });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'DEVICE_ADDRESS_UNKNOWN', responseCode: '4.04' },
    });
  });

  it('shares one link between devices on the same endpoint, and closes it with the last session', async () => {
    const device = new MemoryModbusDevice();
    device.unit(1).holding[0] = 11;
    device.unit(2).holding[0] = 22;
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const point = [{ id: 'v', source: { table: 'holding', address: 0 } }];
    const a = open(adapter, { ...tcp, unitId: 1 }, point, 'a');
    const b = open(adapter, { ...tcp, unitId: 2 }, point, 'b');
    await Promise.all([a.start(), b.start()]);
    expect(adapter.openLinks()).toBe(1);
    expect(device.opens).toBe(1);
    const [[ra], [rb]] = await Promise.all([a.read(['v']), b.read(['v'])]);
    expect([ra?.ok && ra.value, rb?.ok && rb.value]).toEqual([11, 22]);
    const other = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const c = open(other, { ...tcp, unitId: 1 }, point, 'c');
    await c.start();
    expect(device.opens).toBe(2); // another adapter instance: its own links
    await a.close();
    expect(adapter.openLinks()).toBe(1);
    await b.close();
    expect(adapter.openLinks()).toBe(0);
    expect(device.openStreams).toBe(1);
  });

  it('refuses to share a link with conflicting link settings', async () => {
    const device = new MemoryModbusDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const a = open(adapter, { ...tcp, unitId: 1 }, [], 'a');
    const b = open(adapter, { ...tcp, unitId: 2, maxInFlight: 4 }, [], 'b');
    await a.start();
    await expect(b.start()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /device b shares link tcp:\/\/memory:502 with a but sets maxInFlight differently/,
      ),
    });
  });

  it('reconnects by itself after the device drops the connection, reporting its states', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap'), random: () => 1 });
    const session = open(adapter, { ...tcp, reconnect: { initialMs: 20, maxMs: 80 } }, plantPoints);
    const states: SessionState[] = [];
    session.onStateChange((s) => states.push(s));
    await session.start();
    expect((await session.read(['u16']))[0]).toMatchObject({ ok: true });
    device.refuseConnections = true;
    device.dropConnections();
    expect(session.state).toBe('reconnecting');
    const [down] = await session.read(['u16']);
    expect(down).toMatchObject({ ok: false, error: { code: 'DEVICE_UNREACHABLE', retriable: true } });
    await new Promise((r) => setTimeout(r, 150));
    device.refuseConnections = false;
    const deadline = Date.now() + 2000;
    while (session.state !== 'connected' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect((await session.read(['u16']))[0]).toMatchObject({ ok: true, value: 0xabcd });
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(session.stats()).toMatchObject({ 'link.reconnects': 1 });
    expect(session.stats()['link.connectFailures']).toBeGreaterThanOrEqual(1);
  });

  it('starts even when the device is down, then connects when it comes up', async () => {
    const device = plantDevice();
    device.refuseConnections = true;
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap'), random: () => 0 });
    const session = open(adapter, { ...tcp, reconnect: { initialMs: 20, maxMs: 40 } }, plantPoints);
    await session.start();
    expect(session.state).toBe('reconnecting');
    device.refuseConnections = false;
    await new Promise((r) => setTimeout(r, 100));
    expect(session.state).toBe('connected');
  });

  it('keeps serving a live unit while a dead unit on the same RTU line is quarantined', async () => {
    const device = new MemoryModbusDevice();
    device.unit(1).holding[0] = 7;
    const adapter = createModbusAdapter({ openByteStream: device.opener('rtu') });
    const serial = { transport: 'rtu', path: '/dev/memory', timeoutMs: 50, guardMs: 5 };
    const quarantine = { afterTimeouts: 2, initialMs: 10_000, maxMs: 10_000 };
    const point = [{ id: 'v', source: { table: 'holding', address: 0 } }];
    const live = open(adapter, { ...serial, unitId: 1, quarantine }, point, 'live');
    const dead = open(adapter, { ...serial, unitId: 9, quarantine }, point, 'dead');
    await Promise.all([live.start(), dead.start()]);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [[d], [l]] = await Promise.all([dead.read(['v']), live.read(['v'])]);
      codes.push(d?.ok ? 'ok' : d!.error.code);
      expect(l).toMatchObject({ ok: true, value: 7 });
    }
    expect(codes).toEqual([
      'DEVICE_TIMEOUT',
      'DEVICE_TIMEOUT',
      'DEVICE_UNREACHABLE',
      'DEVICE_UNREACHABLE',
      'DEVICE_UNREACHABLE',
    ]);
    expect(device.log.filter((r) => r.unit === 9)).toHaveLength(2);
    expect(dead.stats()).toMatchObject({
      // what went on the wire; the three reads refused while quarantined were not sent
      requests: 2,
      replies: 0,
      timeouts: 2,
      refused: 3,
      quarantines: 1,
      probes: 0,
      'link.quarantines': 1,
      'errors.DEVICE_UNREACHABLE': 3,
    });
    expect(live.stats()).toMatchObject({ requests: 5, replies: 5, timeouts: 0, refused: 0, quarantines: 0 });
  });

  it('answers every read of a frozen TCP PLC within one timeout, however many requests the reads need', async () => {
    // the socket is open, nothing is answered: unit 5 is not configured on the device
    const device = new MemoryModbusDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const points = [
      { id: 'h', source: { table: 'holding', address: 0 } },
      { id: 'i', source: { table: 'input', address: 0 } },
      { id: 'c', source: { table: 'coil', address: 0 } },
      { id: 'd', source: { table: 'discrete', address: 0 } },
    ];
    const frozen = open(adapter, { ...tcp, unitId: 5, timeoutMs: 100 }, points, 'frozen');
    await frozen.start();
    // a poll cycle and a server's read at once: eight requests planned
    const [poll, onDemand] = await Promise.all([
      frozen.read(points.map((p) => p.id)),
      frozen.read(points.map((p) => p.id)),
    ]);
    const codes = [...poll, ...onDemand].map((r) => (r.ok ? 'ok' : r.error.code));
    // the point whose request went out timed out; the others were failed, unsent, with it
    expect(codes.filter((c) => c === 'DEVICE_TIMEOUT')).toHaveLength(1);
    expect(codes.filter((c) => c === 'DEVICE_UNREACHABLE')).toHaveLength(7);
    // one request went out, so both reads were answered when it timed out, not one timeout per request
    expect(device.log).toHaveLength(1);
    expect(frozen.stats()).toMatchObject({ requests: 1, timeouts: 1, refused: 7 });
  });

  it('settles pending reads with SESSION_CLOSED on close, then refuses calls', async () => {
    const device = plantDevice();
    device.replyDelayMs = 200;
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    const pending = session.read(['u16', 'c0']);
    await new Promise((r) => setTimeout(r, 10));
    await Promise.all([session.close(), session.close()]);
    const readings = await pending;
    expect(readings.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['SESSION_CLOSED', 'SESSION_CLOSED']);
    expect(session.state).toBe('closed');
    await expect(session.read(['u16'])).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.write('u16', 1)).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.start()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    expect(adapter.openLinks()).toBe(0);
  });

  it('reports counters', async () => {
    const device = plantDevice();
    const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
    const session = open(adapter, tcp, plantPoints);
    await session.start();
    await session.read(plantPoints.map((p) => p.id));
    expect(session.stats()).toMatchObject({
      requests: 4,
      replies: 4,
      timeouts: 0,
      dropped: 0,
      'link.requests': 4,
      'link.queueDepth': 0,
      'link.inFlight': 0,
      'link.staleReplies': 0,
      'link.reconnects': 0,
      'link.quarantines': 0,
    });
  });
});
