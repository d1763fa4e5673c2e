import { CodedError } from '@lwm2m-adapters/errors';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LinkJob, ModbusLinkScheduler } from '../../src/link/link-scheduler.js';
import { readRequest, writeSingleRegisterRequest } from '../../src/protocol/modbus-request.js';
import { echoReply, FakeTransport } from '../support/fake-transport.js';

const quarantine = { afterTimeouts: 3, initialMs: 1000, maxMs: 4000 };
const job = (unit: number, address = 0, timeoutMs = 100): LinkJob => ({
  request: readRequest(unit, 3, address, 1),
  timeoutMs,
  quarantine,
});
const owner = {};

function scheduler(maxInFlight: number, maxQueue = 100) {
  return new ModbusLinkScheduler({ name: 'test-link', maxInFlight, maxQueue, logger: silentLogger });
}

/** Settles a promise into a comparable outcome. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: CodedError) => e.code,
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ModbusLinkScheduler', () => {
  it('keeps one request in flight on a serial transport, whatever maxInFlight says', async () => {
    const s = scheduler(8);
    const t = new FakeTransport(1);
    t.behaviour.set(1, 'answer');
    t.behaviour.set(2, 'answer');
    s.attach(t);
    const results = await Promise.all([1, 2, 1, 2, 1].map((u, i) => s.submit(owner, job(u, i))));
    expect(results).toHaveLength(5);
    expect(t.maxOutstanding).toBe(1);
    expect(s.stats()).toMatchObject({ requests: 5, replies: 5, inFlight: 0, queueDepth: 0 });
  });

  it('pipelines on Modbus TCP up to maxInFlight and no further', async () => {
    const s = scheduler(4);
    const t = new FakeTransport(64);
    s.attach(t);
    const all = Array.from({ length: 20 }, (_, i) => s.submit(owner, job(1, i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.pending).toHaveLength(4);
    expect(s.stats()).toMatchObject({ inFlight: 4, queueDepth: 16 });
    while (t.pending.length > 0) {
      // answer out of order: the newest first
      const last = t.pending[t.pending.length - 1]!;
      last.reply(echoReply(last.request));
      await vi.advanceTimersByTimeAsync(0);
      expect(t.outstanding).toBeLessThanOrEqual(4);
    }
    await Promise.all(all);
    expect(t.maxOutstanding).toBe(4);
    expect(t.log.map((r) => r.address)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('serves units round-robin so a busy unit cannot starve another', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    for (const u of [1, 2, 3]) t.behaviour.set(u, 'answer');
    s.attach(t);
    const jobs = [...Array.from({ length: 5 }, (_, i) => job(1, i)), job(2, 100), job(3, 200), job(2, 101)];
    // hold the line with a first request so everything else queues
    t.behaviour.set(9, 'manual');
    const first = s.submit(owner, job(9));
    const rest = jobs.map((j) => s.submit(owner, j));
    await vi.advanceTimersByTimeAsync(0);
    t.pending[0]!.reply(echoReply(t.pending[0]!.request));
    await Promise.all([first, ...rest]);
    expect(t.log.map((r) => `${r.unit}:${r.address}`)).toEqual([
      '9:0',
      '1:0',
      '2:100',
      '3:200',
      '1:1',
      '2:101',
      '1:2',
      '1:3',
      '1:4',
    ]);
  });

  it('quarantines a dead unit with capped exponential periods while another unit keeps answering', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    t.behaviour.set(1, 'answer');
    t.behaviour.set(9, 'silent');
    s.attach(t);

    // three timeouts of unit 9, with unit 1 answering in between
    for (let i = 0; i < 3; i++) {
      const dead = outcome(s.submit(owner, job(9)));
      const alive = outcome(s.submit(owner, job(1)));
      await vi.advanceTimersByTimeAsync(100);
      expect(await dead).toBe('DEVICE_TIMEOUT');
      expect(await alive).toBe('ok');
    }
    expect(s.stats()).toMatchObject({ timeouts: 3, quarantines: 1 });

    // quarantined: fails at once, nothing sent; unit 1 unaffected
    const sentBefore = t.log.length;
    const fast = s.submit(owner, job(9));
    await expect(fast).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE', message: /quarantined/ });
    expect(await outcome(s.submit(owner, job(1)))).toBe('ok');
    expect(t.log.length).toBe(sentBefore + 1);

    // periods 1000, 2000, 4000, then capped at 4000: one probe per period
    for (const period of [1000, 2000, 4000, 4000]) {
      await vi.advanceTimersByTimeAsync(period - 1);
      await expect(s.submit(owner, job(9))).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE' });
      await vi.advanceTimersByTimeAsync(1);
      const probe = outcome(s.submit(owner, job(9)));
      await vi.advanceTimersByTimeAsync(100);
      expect(await probe).toBe('DEVICE_TIMEOUT');
    }
    expect(s.stats().quarantines).toBe(5);

    // the unit comes back: the next probe heals it, and it takes 3 timeouts to quarantine it again
    t.behaviour.set(9, 'answer');
    await vi.advanceTimersByTimeAsync(4000);
    expect(await outcome(s.submit(owner, job(9)))).toBe('ok');
    t.behaviour.set(9, 'silent');
    for (let i = 0; i < 2; i++) {
      const p = outcome(s.submit(owner, job(9)));
      await vi.advanceTimersByTimeAsync(100);
      expect(await p).toBe('DEVICE_TIMEOUT');
    }
    expect(s.stats().quarantines).toBe(5);
  });

  it('fails the requests queued for a unit at once, unsent, when one of its requests times out', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    t.behaviour.set(9, 'silent');
    t.behaviour.set(1, 'answer');
    s.attach(t);
    const results = [9, 9, 9, 9, 9, 1].map((u) => outcome(s.submit(owner, job(u, 0, 100))));
    // one timeout, not five: what waited behind the silent unit is answered when it times out
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(results)).toEqual([
      'DEVICE_TIMEOUT',
      'DEVICE_UNREACHABLE',
      'DEVICE_UNREACHABLE',
      'DEVICE_UNREACHABLE',
      'DEVICE_UNREACHABLE',
      'ok',
    ]);
    expect(t.log.filter((r) => r.unit === 9)).toHaveLength(1);
    expect(s.unitStats(9)).toMatchObject({ requests: 1, timeouts: 1, refused: 4, quarantines: 0 });
    // a later request is sent again: one timeout is no quarantine
    const again = outcome(s.submit(owner, job(9, 0, 100)));
    await vi.advanceTimersByTimeAsync(100);
    expect(await again).toBe('DEVICE_TIMEOUT');
    expect(t.log.filter((r) => r.unit === 9)).toHaveLength(2);
  });

  it('counts per unit what went on the wire apart from what was refused locally', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    t.behaviour.set(9, 'silent');
    t.behaviour.set(1, 'answer');
    s.attach(t);
    for (let i = 0; i < 3; i++) {
      const dead = outcome(s.submit(owner, job(9)));
      await vi.advanceTimersByTimeAsync(100);
      expect(await dead).toBe('DEVICE_TIMEOUT');
    }
    // quarantined: refused without being sent
    expect(await outcome(s.submit(owner, job(9)))).toBe('DEVICE_UNREACHABLE');
    expect(await outcome(s.submit(owner, job(9)))).toBe('DEVICE_UNREACHABLE');
    expect(s.unitStats(9)).toEqual({
      requests: 3,
      replies: 0,
      timeouts: 3,
      refused: 2,
      quarantines: 1,
      probes: 0,
      staleReplies: 0,
    });
    // after the period, the next request is a probe
    await vi.advanceTimersByTimeAsync(1000);
    const probe = outcome(s.submit(owner, job(9)));
    await vi.advanceTimersByTimeAsync(100);
    expect(await probe).toBe('DEVICE_TIMEOUT');
    expect(s.unitStats(9)).toMatchObject({ requests: 4, timeouts: 4, refused: 2, quarantines: 2, probes: 1 });
    expect(await outcome(s.submit(owner, job(1)))).toBe('ok');
    expect(s.unitStats(1)).toMatchObject({ requests: 1, replies: 1, timeouts: 0, refused: 0, probes: 0 });
    expect(s.unitStats(42)).toMatchObject({ requests: 0, refused: 0 });
    // the link's own counters: what was sent, the refusals apart
    expect(s.stats()).toMatchObject({ requests: 5, replies: 1, timeouts: 4, refused: 2, probes: 1 });
  });

  it('counts any reply, even an exception, as a sign of life', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    s.attach(t);
    const send = async (reply: 'timeout' | 'exception') => {
      const p = outcome(s.submit(owner, job(5)));
      await vi.advanceTimersByTimeAsync(0);
      if (reply === 'exception') t.pending[0]!.reply(Uint8Array.of(0x83, 0x02));
      else await vi.advanceTimersByTimeAsync(100);
      return p;
    };
    expect(await send('timeout')).toBe('DEVICE_TIMEOUT');
    expect(await send('timeout')).toBe('DEVICE_TIMEOUT');
    expect(await send('exception')).toBe('DEVICE_ADDRESS_UNKNOWN');
    expect(await send('timeout')).toBe('DEVICE_TIMEOUT');
    expect(await send('timeout')).toBe('DEVICE_TIMEOUT');
    expect(s.stats().quarantines).toBe(0);
  });

  it('treats gateway "target failed to respond" like a timeout for quarantine', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    s.attach(t);
    for (let i = 0; i < 3; i++) {
      const p = outcome(s.submit(owner, job(7)));
      await vi.advanceTimersByTimeAsync(0);
      t.pending[0]!.reply(Uint8Array.of(0x83, 0x0b));
      expect(await p).toBe('DEVICE_UNREACHABLE');
    }
    expect(s.stats()).toMatchObject({ quarantines: 1, timeouts: 0 });
  });

  it('bounds the queue: the excess fails with DEVICE_BUSY and is counted as dropped', async () => {
    const s = scheduler(1, 3);
    const t = new FakeTransport(1);
    s.attach(t);
    const results = Array.from({ length: 6 }, () => outcome(s.submit(owner, job(1))));
    await vi.advanceTimersByTimeAsync(0);
    // one in flight, three queued, two dropped
    expect(s.stats()).toMatchObject({ inFlight: 1, queueDepth: 3, dropped: 2 });
    while (t.pending.length > 0) {
      t.pending[0]!.reply(echoReply(t.pending[0]!.request));
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(await Promise.all(results)).toEqual(['ok', 'ok', 'ok', 'ok', 'DEVICE_BUSY', 'DEVICE_BUSY']);
    expect(s.stats().errors).toMatchObject({ DEVICE_BUSY: 2 });
  });

  it('verifies replies: a reply for another function or length is DEVICE_RESPONSE_INVALID', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    s.attach(t);
    const wrongFunction = outcome(s.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    t.pending[0]!.reply(Uint8Array.of(4, 2, 0, 0));
    const wrongLength = outcome(s.submit(owner, { ...job(1), request: readRequest(1, 3, 0, 2) }));
    await vi.advanceTimersByTimeAsync(0);
    t.pending[0]!.reply(Uint8Array.of(3, 2, 0, 0));
    expect([await wrongFunction, await wrongLength]).toEqual([
      'DEVICE_RESPONSE_INVALID',
      'DEVICE_RESPONSE_INVALID',
    ]);
  });

  it('fails fast while detached, and fails the queue when the transport goes away', async () => {
    const s = scheduler(1);
    await expect(s.submit(owner, job(1))).rejects.toMatchObject({
      code: 'DEVICE_UNREACHABLE',
      message: /not connected/,
    });
    const t = new FakeTransport(1);
    s.attach(t);
    const inFlight = outcome(s.submit(owner, job(1)));
    const queued = outcome(s.submit(owner, job(1)));
    await vi.advanceTimersByTimeAsync(0);
    const lost = new CodedError('DEVICE_UNREACHABLE', 'connection closed by the device');
    s.detach(lost);
    t.pending[0]!.fail(lost); // the transport rejects what it had outstanding
    expect([await inFlight, await queued]).toEqual(['DEVICE_UNREACHABLE', 'DEVICE_UNREACHABLE']);
    await expect(s.submit(owner, job(1))).rejects.toBe(lost);
  });

  it("cancels an owner's queued and outstanding requests with SESSION_CLOSED, leaving others", async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    s.attach(t);
    const other = {};
    const mine = [outcome(s.submit(owner, job(1))), outcome(s.submit(owner, job(1)))];
    const theirs = outcome(s.submit(other, job(2)));
    await vi.advanceTimersByTimeAsync(0);
    s.cancel(owner, new CodedError('SESSION_CLOSED', 'closed'));
    expect(await Promise.all(mine)).toEqual(['SESSION_CLOSED', 'SESSION_CLOSED']);
    // the wire exchange still completes, then the other owner's request goes out
    t.pending[0]!.reply(echoReply(t.pending[0]!.request));
    await vi.advanceTimersByTimeAsync(0);
    t.pending[0]!.reply(echoReply(t.pending[0]!.request));
    expect(await theirs).toBe('ok');
  });

  it('runs an exclusive section with nothing else outstanding', async () => {
    const s = scheduler(4);
    const t = new FakeTransport(16);
    s.attach(t);
    const before = [s.submit(owner, job(1, 1)), s.submit(owner, job(1, 2))];
    const section = s.exclusive(owner, 1, async (exchange) => {
      expect(t.outstanding).toBe(0);
      const register = await exchange(job(1, 50));
      await exchange({ ...job(1, 50), request: writeSingleRegisterRequest(1, 50, register) });
      return 'done';
    });
    const after = s.submit(owner, job(1, 3)); // same unit: FIFO behind the section
    await vi.advanceTimersByTimeAsync(0);
    expect(t.log.map((r) => r.address)).toEqual([1, 2]);
    for (const p of [...t.pending]) p.reply(echoReply(p.request));
    await vi.advanceTimersByTimeAsync(0);
    // the section's read is out alone; the later request waits
    expect(t.log.map((r) => r.address)).toEqual([1, 2, 50]);
    t.pending[0]!.reply(Uint8Array.of(3, 2, 0x12, 0x34));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.log.at(-1)?.pdu).toEqual(Uint8Array.of(6, 0, 50, 0x12, 0x34));
    expect(t.outstanding).toBe(1);
    t.pending[0]!.reply(t.log.at(-1)!.pdu.slice());
    expect(await section).toBe('done');
    await vi.advanceTimersByTimeAsync(0);
    t.pending[0]!.reply(echoReply(t.pending[0]!.request));
    await Promise.all([...before, after]);
    expect(t.log.map((r) => r.address)).toEqual([1, 2, 50, 50, 3]);
  });

  it('waits for the transport to be ready before starting the timeout', async () => {
    const s = scheduler(1);
    const t = new FakeTransport(1);
    let open!: () => void;
    t.readyGate = new Promise((resolve) => {
      open = resolve;
    });
    s.attach(t);
    const p = outcome(s.submit(owner, job(1, 0, 100)));
    await vi.advanceTimersByTimeAsync(500);
    expect(t.log).toHaveLength(0);
    t.readyGate = undefined;
    open();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.log).toHaveLength(1);
    t.pending[0]!.reply(echoReply(t.pending[0]!.request));
    expect(await p).toBe('ok');
  });
});
