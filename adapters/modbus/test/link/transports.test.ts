import { CodedError } from '@lwm2m-adapters/errors';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LinkJob, ModbusLinkScheduler } from '../../src/link/link-scheduler.js';
import { MbapTransport } from '../../src/link/mbap-transport.js';
import { SerialLineTransport } from '../../src/link/serial-line-transport.js';
import { AsciiFrameReader, asciiFrameWriter } from '../../src/protocol/ascii-frame.js';
import { mbapFrameWriter } from '../../src/protocol/mbap-frame.js';
import { readRequest } from '../../src/protocol/modbus-request.js';
import { RtuFrameReader, rtuFrameWriter } from '../../src/protocol/rtu-frame.js';
import { ScriptedByteStream } from '../support/scripted-byte-stream.js';

const quarantine = { afterTimeouts: 100, initialMs: 1000, maxMs: 1000 };
const job = (unit: number, address = 0, timeoutMs = 100): LinkJob => ({
  request: readRequest(unit, 3, address, 1),
  timeoutMs,
  quarantine,
});
const owner = {};
const register = (value: number) => Uint8Array.of(3, 2, value >>> 8, value & 0xff);
const outcome = (p: Promise<Uint8Array>) =>
  p.then(
    (data) => (data[0]! << 8) | data[1]!,
    (e: CodedError) => e.code,
  );

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function rtuLink(guardMs = 50) {
  const stream = new ScriptedByteStream();
  const broken: CodedError[] = [];
  const transport = new SerialLineTransport(
    stream,
    { reader: new RtuFrameReader(), writer: rtuFrameWriter },
    { guardMs, interFrameMs: 0 },
    (e) => broken.push(e),
  );
  const scheduler = new ModbusLinkScheduler({
    name: 'rtu-test',
    maxInFlight: 1,
    maxQueue: 10,
    logger: silentLogger,
  });
  scheduler.attach(transport);
  return { stream, transport, scheduler, broken };
}

describe('SerialLineTransport (RTU)', () => {
  it('never takes a late reply to a timed-out request for the answer to the next one', async () => {
    const { stream, scheduler } = rtuLink(50);
    const first = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toBe('DEVICE_TIMEOUT');
    // the same request again: its reply would look exactly like the late one
    const second = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(20);
    expect(stream.written).toHaveLength(1); // the second request waits for a quiet line
    stream.deliver(rtuFrameWriter.encode(0, 1, register(0xaaaa))); // late reply to the first request
    await vi.advanceTimersByTimeAsync(49);
    expect(stream.written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stream.written).toHaveLength(2);
    stream.deliver(rtuFrameWriter.encode(0, 1, register(0xbbbb)));
    expect(await second).toBe(0xbbbb);
    expect(scheduler.stats().staleReplies).toBe(1);
    expect(scheduler.unitStats(1).staleReplies).toBe(1);
  });

  it('flushes bytes that arrived while no request was out', async () => {
    const { stream, scheduler } = rtuLink();
    stream.deliver(rtuFrameWriter.encode(0, 1, register(0x1111)).subarray(0, 4)); // fragment of noise
    const p = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(rtuFrameWriter.encode(0, 1, register(0x2222)));
    expect(await p).toBe(0x2222);
    expect(scheduler.stats().staleReplies).toBe(1);
  });

  it('ignores frames from other units or for other functions while waiting, then takes the right reply', async () => {
    const { stream, scheduler } = rtuLink();
    const p = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(rtuFrameWriter.encode(0, 2, register(0xdead)));
    stream.deliver(rtuFrameWriter.encode(0, 1, Uint8Array.of(4, 2, 0xde, 0xad)));
    stream.deliver(rtuFrameWriter.encode(0, 1, register(0x0042)));
    expect(await p).toBe(0x42);
    expect(scheduler.stats().staleReplies).toBe(2);
    // the stray frames are put down to the units that sent them
    expect([scheduler.unitStats(1).staleReplies, scheduler.unitStats(2).staleReplies]).toEqual([1, 1]);
  });

  it('rejects a corrupt reply as DEVICE_RESPONSE_INVALID and settles the line before the next request', async () => {
    const { stream, scheduler } = rtuLink(30);
    const p = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    const bad = rtuFrameWriter.encode(0, 1, register(7));
    bad[3] = bad[3]! ^ 0x01;
    stream.deliver(bad);
    expect(await p).toBe('DEVICE_RESPONSE_INVALID');
    const next = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(29);
    expect(stream.written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stream.written).toHaveLength(2);
    stream.deliver(rtuFrameWriter.encode(0, 1, register(8)));
    expect(await next).toBe(8);
  });

  it('maps an exception reply from the unit asked', async () => {
    const { stream, scheduler } = rtuLink();
    const p = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(rtuFrameWriter.encode(0, 1, Uint8Array.of(0x83, 0x02)));
    expect(await p).toBe('DEVICE_ADDRESS_UNKNOWN');
  });

  it('fails the outstanding request when the line closes', async () => {
    const { stream, scheduler, broken } = rtuLink();
    const p = outcome(scheduler.submit(owner, job(1, 0, 5000)));
    await vi.advanceTimersByTimeAsync(0);
    stream.hangUp(new CodedError('DEVICE_UNREACHABLE', 'port closed'));
    expect(await p).toBe('DEVICE_UNREACHABLE');
    expect(broken).toHaveLength(1);
  });
});

describe('SerialLineTransport (ASCII)', () => {
  it('exchanges ASCII frames', async () => {
    const stream = new ScriptedByteStream();
    const transport = new SerialLineTransport(
      stream,
      { reader: new AsciiFrameReader(), writer: asciiFrameWriter },
      { guardMs: 10, interFrameMs: 0 },
      () => undefined,
    );
    const scheduler = new ModbusLinkScheduler({
      name: 'ascii',
      maxInFlight: 1,
      maxQueue: 10,
      logger: silentLogger,
    });
    scheduler.attach(transport);
    const p = outcome(scheduler.submit(owner, job(0x11, 0x6b)));
    await vi.advanceTimersByTimeAsync(0);
    expect(new TextDecoder().decode(stream.written[0])).toBe(':1103006B0001**\r\n'.replace('**', '80'));
    stream.deliver(asciiFrameWriter.encode(0, 0x11, register(0x1234)));
    expect(await p).toBe(0x1234);
  });
});

describe('MbapTransport (Modbus TCP)', () => {
  function tcpLink(maxInFlight = 4) {
    const stream = new ScriptedByteStream();
    const broken: CodedError[] = [];
    const transport = new MbapTransport(stream, maxInFlight, (e) => broken.push(e));
    const scheduler = new ModbusLinkScheduler({
      name: 'tcp-test',
      maxInFlight,
      maxQueue: 10,
      logger: silentLogger,
    });
    scheduler.attach(transport);
    const tid = (i: number) => (stream.written[i]![0]! << 8) | stream.written[i]![1]!;
    return { stream, scheduler, broken, tid };
  }

  it('matches pipelined replies by transaction id, in any order', async () => {
    const { stream, scheduler, tid } = tcpLink();
    const a = outcome(scheduler.submit(owner, job(1, 10)));
    const b = outcome(scheduler.submit(owner, job(2, 20)));
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.written).toHaveLength(2);
    expect(tid(0)).not.toBe(tid(1));
    stream.deliver(mbapFrameWriter.encode(tid(1), 2, register(20)));
    stream.deliver(mbapFrameWriter.encode(tid(0), 1, register(10)));
    expect([await a, await b]).toEqual([10, 20]);
  });

  it('drops and counts replies whose transaction is not outstanding (late replies)', async () => {
    const { stream, scheduler, tid } = tcpLink();
    const late = outcome(scheduler.submit(owner, job(1, 0, 100)));
    await vi.advanceTimersByTimeAsync(100);
    expect(await late).toBe('DEVICE_TIMEOUT');
    const next = outcome(scheduler.submit(owner, job(1, 0, 100)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(mbapFrameWriter.encode(tid(0), 1, register(0xaaaa)));
    stream.deliver(mbapFrameWriter.encode(tid(1), 1, register(0xbbbb)));
    expect(await next).toBe(0xbbbb);
    expect(scheduler.stats().staleReplies).toBe(1);
    expect(scheduler.unitStats(1).staleReplies).toBe(1);
  });

  it('rejects a reply from another unit under the right transaction id as DEVICE_RESPONSE_INVALID', async () => {
    const { stream, scheduler, tid } = tcpLink();
    const p = outcome(scheduler.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(mbapFrameWriter.encode(tid(0), 7, register(1)));
    expect(await p).toBe('DEVICE_RESPONSE_INVALID');
  });

  it('treats lost framing as a broken connection', async () => {
    const { stream, scheduler, broken } = tcpLink();
    const p = outcome(scheduler.submit(owner, job(1, 0, 5000)));
    await vi.advanceTimersByTimeAsync(0);
    stream.deliver(Uint8Array.of(0, 1, 0xff, 0xff, 0, 5, 1, 3, 2, 0, 0));
    expect(await p).toBe('DEVICE_RESPONSE_INVALID');
    expect(broken.map((e) => e.code)).toEqual(['DEVICE_RESPONSE_INVALID']);
    expect(stream.closed).toBe(true);
  });
});
