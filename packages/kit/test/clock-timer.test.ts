import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/clock.js';
import { CLOCK_TIMER_TOLERANCE_MS, type ClockTimer, SystemClockTimer } from '../src/clock-timer.js';
import { createClockTimer } from '../src/create-clock-timer.js';
import { ManualClock } from '../src/manual-clock.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Arms the timer from its own callback `ticks` times with the delays given; resolves with the fire times. */
function tick(make: (callback: () => void) => ClockTimer, delays: readonly number[]): Promise<number[]> {
  return new Promise((resolve) => {
    const firedAt: number[] = [];
    const timer = make(() => {
      firedAt.push(performance.now());
      const next = delays[firedAt.length];
      if (next === undefined) resolve(firedAt);
      else timer.arm(next);
    });
    timer.arm(delays[0]!);
  });
}

describe('SystemClockTimer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('re-arms one Node timer in place while the delay stays within the tolerance', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const delays = [15, 15, 15 + CLOCK_TIMER_TOLERANCE_MS, 15, 15 - CLOCK_TIMER_TOLERANCE_MS];
    const started = performance.now();
    const firedAt = await tick((callback) => new SystemClockTimer(callback), delays);
    // one timer made for five arms: the other four refreshed it
    expect(setTimeoutSpy.mock.calls.filter(([, delay]) => delay === 15)).toHaveLength(1);
    expect(firedAt).toHaveLength(5);
    // each arm still waited about its delay: none fired early by more than the tolerance
    let previous = started;
    for (const at of firedAt) {
      expect(at - previous).toBeGreaterThanOrEqual(15 - CLOCK_TIMER_TOLERANCE_MS - 1);
      previous = at;
    }
  });

  it('makes a new Node timer when the delay moves further than the tolerance', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const firedAt = await tick((callback) => new SystemClockTimer(callback), [10, 30, 30]);
    const made = setTimeoutSpy.mock.calls.map(([, delay]) => delay).filter((d) => d === 10 || d === 30);
    expect(made).toEqual([10, 30]);
    // the 30 ms arms waited 30 ms, not the 10 ms the first timer held
    expect(firedAt[1]! - firedAt[0]!).toBeGreaterThanOrEqual(29);
    expect(firedAt[2]! - firedAt[1]!).toBeGreaterThanOrEqual(29);
  });

  it('cancels a pending arm, reports armed, and can be armed again after a cancel', async () => {
    let fired = 0;
    const timer = new SystemClockTimer(() => {
      fired++;
    });
    expect(timer.armed).toBe(false);
    timer.arm(10);
    expect(timer.armed).toBe(true);
    timer.cancel();
    expect(timer.armed).toBe(false);
    await sleep(30);
    expect(fired).toBe(0);
    timer.arm(10);
    await sleep(40);
    expect(fired).toBe(1);
    expect(timer.armed).toBe(false);
    timer.cancel(); // after firing: nothing to cancel, no error
  });

  it('replaces a pending arm rather than adding one', async () => {
    let fired = 0;
    const timer = new SystemClockTimer(() => {
      fired++;
    });
    timer.arm(10);
    timer.arm(10);
    timer.arm(40);
    await sleep(25);
    expect(fired).toBe(0);
    await sleep(40);
    expect(fired).toBe(1);
  });

  it('takes out-of-range delays without firing at once for an infinite one', async () => {
    let fired = 0;
    const timer = new SystemClockTimer(() => {
      fired++;
    });
    timer.arm(Number.POSITIVE_INFINITY);
    await sleep(20);
    expect(fired).toBe(0);
    timer.arm(-5); // a delay in the past fires on the next timer turn
    await sleep(20);
    expect(fired).toBe(1);
  });

  it('is what the system clock makes', () => {
    const timer = createClockTimer(systemClock, () => {});
    expect(timer).toBeInstanceOf(SystemClockTimer);
  });
});

describe('createClockTimer on a clock without its own timer', () => {
  it('fires at the exact delays of a manual clock, once per arm', () => {
    const clock = new ManualClock(1_000);
    const firedAt: number[] = [];
    const timer = createClockTimer(clock, () => {
      firedAt.push(clock.now());
      if (firedAt.length < 3) timer.arm(997);
    });
    timer.arm(1_000);
    clock.advance(5_000);
    expect(firedAt).toEqual([2_000, 2_997, 3_994]);
    expect(timer.armed).toBe(false);
  });

  it('cancels and replaces pending arms', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const timer = createClockTimer(clock, () => {
      fired++;
    });
    timer.arm(100);
    timer.arm(300); // replaces the 100
    clock.advance(200);
    expect(fired).toBe(0);
    expect(timer.armed).toBe(true);
    timer.cancel();
    clock.advance(500);
    expect(fired).toBe(0);
    expect(clock.pending).toBe(0);
    timer.arm(50);
    clock.advance(50);
    expect(fired).toBe(1);
  });
});
