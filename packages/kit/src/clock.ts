import { type ClockTimer, SystemClockTimer } from './clock-timer.js';

/** Time source; tests pass a fake one. `setTimer` returns a cancel function. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, callback: () => void): () => void;
  /**
   * Optional: a timer to arm again and again with one callback, cheaper than a `setTimer` per arm.
   * Use `createClockTimer`, which falls back on `setTimer` for a clock without it.
   */
  createTimer?(callback: () => void): ClockTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (delayMs, callback) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
  createTimer: (callback) => new SystemClockTimer(callback),
};
