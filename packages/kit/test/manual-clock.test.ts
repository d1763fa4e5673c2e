import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/manual-clock.js';

describe('ManualClock', () => {
  it('moves only when advanced, firing due timers in time order then in the order they were set', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(-5, () => fired.push(`now@${clock.now()}`));
    expect(clock.now()).toBe(1000);
    expect(clock.pending).toBe(4);
    expect(clock.pendingDelays()).toEqual([0, 10, 10, 30]);
    clock.advance(20);
    expect(fired).toEqual(['now@1000', 'a@1010', 'b@1010']);
    expect(clock.now()).toBe(1020);
    expect(clock.nextAt()).toBe(1030);
    clock.advance(10);
    expect(fired.at(-1)).toBe('c@1030');
    expect(clock.pending).toBe(0);
    expect(clock.nextAt()).toBeUndefined();
  });

  it('fires timers that callbacks set when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const tick = () => {
      ticks.push(clock.now());
      clock.setTimer(100, tick);
    };
    clock.setTimer(100, tick);
    clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    expect(clock.pendingDelays()).toEqual([50]);
  });

  it('does not fire cancelled timers and does not count them as pending', () => {
    const clock = new ManualClock();
    let fired = 0;
    const cancel = clock.setTimer(10, () => fired++);
    clock.setTimer(20, () => fired++);
    cancel();
    cancel();
    expect(clock.pending).toBe(1);
    expect(clock.nextAt()).toBe(20);
    clock.advance(100);
    expect(fired).toBe(1);
  });

  it('fireNext fires one due timer at a time', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimer(5, () => fired.push(5));
    clock.setTimer(15, () => fired.push(15));
    expect(clock.fireNext(10)).toBe(true);
    expect(clock.now()).toBe(5);
    expect(clock.fireNext(10)).toBe(false);
    expect(clock.now()).toBe(5);
    expect(fired).toEqual([5]);
  });

  it('keeps time order across many timers', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const delay of delays) clock.setTimer(delay, () => fired.push(clock.now()));
    clock.advance(1000);
    expect(fired).toEqual([...delays].sort((a, b) => a - b));
  });
});
