/**
 * PollScheduler on fake timers: one group (one read) per interval, ticks on a fixed grid, a tick
 * that finds the previous read still running is skipped and counted, update() keeps the phase of
 * existing groups, stop() ends every timer.
 */
import { systemClock } from '@lwm2m-adapters/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollScheduler } from '../../src/runtime/device/poll-scheduler.js';
import { FakeClock } from './support/fake-clock.js';

interface Call {
  /** now() when the read started. */
  readonly at: number;
  readonly ids: readonly string[];
}

/** A scheduler whose reads are recorded; `skew` moves the scheduler's clock past the timers' one. */
function harness(read?: (ids: readonly string[]) => Promise<void>) {
  const calls: Call[] = [];
  const state = { skew: 0 };
  const now = () => Date.now() + state.skew;
  // the system clock's timers (faked by vitest) with the skewed time
  const scheduler = new PollScheduler(
    (ids) => {
      calls.push({ at: now(), ids: [...ids] });
      return read?.(ids) ?? Promise.resolve();
    },
    { now, setTimer: systemClock.setTimer },
  );
  const timesOf = (key: string) => calls.filter((c) => c.ids.join(',') === key).map((c) => c.at - start);
  const start = now();
  return { scheduler, calls, state, timesOf, start };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PollScheduler', () => {
  it('reads points with the same interval together, each group on its own timer, first read at once', async () => {
    const { scheduler, calls, timesOf } = harness();
    scheduler.update(
      new Map([
        ['a', 100],
        ['b', 100],
        ['c', 250],
      ]),
    );
    // both groups are read at once
    expect(calls.map((c) => c.ids)).toEqual([['a', 'b'], ['c']]);
    expect(scheduler.stats()).toEqual({ cycles: 2, overruns: 0, groups: 2, points: 3 });
    expect(scheduler.intervals()).toEqual(
      new Map([
        ['a', 100],
        ['b', 100],
        ['c', 250],
      ]),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(timesOf('a,b')).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(timesOf('c')).toEqual([0, 250, 500, 750, 1000]);
    expect(scheduler.stats().cycles).toBe(16);
    scheduler.stop();
  });

  it('keeps ticks on the grid when timers fire late (no drift)', async () => {
    const { scheduler, state, timesOf } = harness(async () => {
      // every read starts 7 ms after its timer (a busy event loop): the next tick makes up for it
      state.skew += 7;
    });
    scheduler.update(new Map([['a', 100]]));
    await vi.advanceTimersByTimeAsync(500);
    // reads start at the scheduler's 0, 100, 200... despite the 7 ms lost each time
    expect(timesOf('a')).toEqual([0, 100, 200, 300, 400, 500]);
    scheduler.stop();
  });

  it('skips ticks missed while the event loop was blocked instead of bursting', async () => {
    let blocked = false;
    const { scheduler, state, timesOf } = harness(async () => {
      if (!blocked) {
        blocked = true;
        state.skew += 250; // the loop is stuck 250 ms right after the first read
      }
    });
    scheduler.update(new Map([['a', 100]]));
    await vi.advanceTimersByTimeAsync(200);
    // the ticks of 100 and 200 are gone; the grid goes on at 300, 400...
    expect(timesOf('a')).toEqual([0, 300, 400]);
    expect(scheduler.stats()).toMatchObject({ cycles: 3, overruns: 0 });
    scheduler.stop();
  });

  it('skips and counts a tick while the previous read of the group still runs', async () => {
    const pending: (() => void)[] = [];
    const { scheduler, calls } = harness(
      () =>
        new Promise<void>((resolve) => {
          pending.push(resolve);
        }),
    );
    scheduler.update(new Map([['a', 100]]));
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    // the ticks at 100 and 200 found the first read still running
    expect(calls).toHaveLength(1);
    expect(scheduler.stats()).toMatchObject({ cycles: 1, overruns: 2 });
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(50);
    // the tick at 300 reads again, on the same grid
    expect(calls.map((c) => c.at - 1_000_000)).toEqual([0, 300]);
    expect(scheduler.stats()).toMatchObject({ cycles: 2, overruns: 2 });
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.at - 1_000_000)).toEqual([0, 300, 400]);
    scheduler.stop();
  });

  it('update() keeps the phase of existing groups, reads added points at once, drops removed groups', async () => {
    const { scheduler, calls, timesOf } = harness();
    scheduler.update(
      new Map([
        ['a', 100],
        ['z', 40],
      ]),
    );
    await vi.advanceTimersByTimeAsync(150);
    expect(timesOf('a')).toEqual([0, 100]);
    const before = calls.length;

    // b joins the 100 ms group at 150: read at once with a; the group's next tick stays at 200.
    // A new 70 ms group starts now. The 40 ms group goes.
    scheduler.update(
      new Map([
        ['a', 100],
        ['b', 100],
        ['c', 70],
      ]),
    );
    expect(calls.slice(before).map((c) => [c.at - 1_000_000, c.ids])).toEqual([
      [150, ['a', 'b']],
      [150, ['c']],
    ]);
    expect(scheduler.stats()).toMatchObject({ groups: 2, points: 3 });
    await vi.advanceTimersByTimeAsync(150);
    expect(timesOf('a,b')).toEqual([150, 200, 300]);
    expect(timesOf('c')).toEqual([150, 220, 290]);
    expect(timesOf('z')).toEqual([0, 40, 80, 120]);

    // the same intervals again: nothing new to read, no extra read, phase unchanged
    const unchanged = calls.length;
    scheduler.update(
      new Map([
        ['b', 100],
        ['a', 100],
        ['c', 70],
      ]),
    );
    expect(calls.length).toBe(unchanged);
    // a point leaves its group: the group keeps its phase with the rest
    scheduler.update(
      new Map([
        ['b', 100],
        ['c', 70],
      ]),
    );
    expect(calls.length).toBe(unchanged);
    await vi.advanceTimersByTimeAsync(100);
    expect(timesOf('b')).toEqual([400]);
    expect(scheduler.intervals()).toEqual(
      new Map([
        ['b', 100],
        ['c', 70],
      ]),
    );
    scheduler.stop();
  });

  it('stop() ends every timer, lets a running read finish, and ignores later updates', async () => {
    let finish!: () => void;
    let finished = false;
    const { scheduler, calls } = harness(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            finished = true;
            resolve();
          };
        }),
    );
    scheduler.update(
      new Map([
        ['a', 100],
        ['b', 30],
      ]),
    );
    expect(calls).toHaveLength(2);
    scheduler.stop();
    expect(scheduler.stats()).toMatchObject({ groups: 0, points: 0 });
    expect(scheduler.intervals().size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(finished).toBe(true);
    expect(calls).toHaveLength(2);
    scheduler.update(new Map([['c', 100]]));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    scheduler.stop();
  });
});

describe('PollScheduler on an injected clock', () => {
  it('reads on the clock it is given and leaves no timer behind on stop', async () => {
    vi.useRealTimers(); // the fake clock alone drives this one
    const clock = new FakeClock();
    const start = clock.now();
    const reads: [number, string][] = [];
    const scheduler = new PollScheduler(async (ids) => {
      reads.push([clock.now() - start, ids.join(',')]);
    }, clock);
    scheduler.update(
      new Map([
        ['a', 100],
        ['b', 150],
      ]),
    );
    expect(clock.pendingDelays()).toEqual([100, 150]);
    await clock.advance(300);
    expect(reads).toEqual([
      [0, 'a'],
      [0, 'b'],
      [100, 'a'],
      [150, 'b'],
      [200, 'a'],
      // both due at 300: in the order their timers were set
      [300, 'b'],
      [300, 'a'],
    ]);
    scheduler.stop();
    expect(clock.pendingDelays()).toEqual([]);
  });
});
