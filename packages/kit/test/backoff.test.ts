import { describe, expect, it } from 'vitest';
import { backoffDelay, CappedBackoff, REJECTED_BACKOFF, UNREACHABLE_BACKOFF } from '../src/backoff.js';
import { ManualClock } from '../src/manual-clock.js';
import { MAX_TIMER_CHUNK_MS, RestartableTimer } from '../src/restartable-timer.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    const delays = Array.from({ length: 12 }, (_, i) => backoffDelay(UNREACHABLE_BACKOFF, i, () => 0));
    expect(delays).toEqual([
      2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000, 300000, 300000,
    ]);
    expect(backoffDelay(REJECTED_BACKOFF, 100, () => 0)).toBe(3_600_000);
  });

  it('keeps jitter within [1 - jitter, 1] of the delay', () => {
    for (const r of [0, 0.25, 0.5, 0.9999]) {
      const d = backoffDelay(UNREACHABLE_BACKOFF, 3, () => r);
      expect(d).toBeGreaterThanOrEqual(8000);
      expect(d).toBeLessThanOrEqual(16000);
    }
    expect(backoffDelay(UNREACHABLE_BACKOFF, 1e9, () => 2)).toBe(150000);
  });
});

describe('CappedBackoff', () => {
  it('doubles from initialMs to maxMs with equal jitter (half to all of each delay), and resets', () => {
    const policy = { initialMs: 100, maxMs: 1000, jitter: 0.5 };
    const full = new CappedBackoff(policy, () => 0);
    expect(Array.from({ length: 7 }, () => full.next())).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(full.attempt).toBe(7);
    full.reset();
    expect(full.attempt).toBe(0);
    expect(full.next()).toBe(100);
    const half = new CappedBackoff(policy, () => 1);
    expect(Array.from({ length: 6 }, () => half.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const huge = new CappedBackoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.5 }, () => 0.5);
    for (let i = 0; i < 100; i++) expect(huge.next()).toBeLessThanOrEqual(60_000);
    expect(huge.next()).toBe(45_000);
  });

  it('follows backoffDelay for the same policy and random source', () => {
    const random = () => 0.3;
    const backoff = new CappedBackoff(UNREACHABLE_BACKOFF, random);
    for (let attempt = 0; attempt < 12; attempt++) {
      expect(backoff.next()).toBe(backoffDelay(UNREACHABLE_BACKOFF, attempt, random));
    }
  });
});

describe('RestartableTimer', () => {
  it('fires once, can be re-armed and cancelled', () => {
    const clock = new ManualClock();
    const timer = new RestartableTimer(clock);
    let fired = 0;
    timer.set(1000, () => fired++);
    timer.set(2000, () => fired++);
    clock.advance(1500);
    expect(fired).toBe(0);
    clock.advance(500);
    expect(fired).toBe(1);
    timer.set(10, () => fired++);
    timer.cancel();
    clock.advance(100);
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('waits long delays in chunks the platform timer can hold', () => {
    const clock = new ManualClock();
    const timer = new RestartableTimer(clock);
    let fired = false;
    timer.set(3 * MAX_TIMER_CHUNK_MS + 5, () => {
      fired = true;
    });
    expect(clock.pendingDelays()).toEqual([MAX_TIMER_CHUNK_MS]);
    clock.advance(3 * MAX_TIMER_CHUNK_MS);
    expect(fired).toBe(false);
    clock.advance(5);
    expect(fired).toBe(true);
  });
});
