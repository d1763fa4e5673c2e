import { type ClockTimer, MAX_CLOCK_TIMER_DELAY_MS, SystemClockTimer } from './clock-timer.js';

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

/** A ClockTimer on any Clock's `setTimer` (a test's fake clock): exact delays, one timer per arm. */
class SetTimerClockTimer implements ClockTimer {
  readonly #clock: Clock;
  readonly #fire: () => void;
  #cancelArm: (() => void) | undefined;

  constructor(clock: Clock, callback: () => void) {
    this.#clock = clock;
    this.#fire = () => {
      this.#cancelArm = undefined;
      callback();
    };
  }

  get armed(): boolean {
    return this.#cancelArm !== undefined;
  }

  arm(delayMs: number): void {
    this.#cancelArm?.();
    const delay = Number.isFinite(delayMs)
      ? Math.min(MAX_CLOCK_TIMER_DELAY_MS, Math.max(0, delayMs))
      : MAX_CLOCK_TIMER_DELAY_MS;
    this.#cancelArm = this.#clock.setTimer(delay, this.#fire);
  }

  cancel(): void {
    const cancel = this.#cancelArm;
    this.#cancelArm = undefined;
    cancel?.();
  }
}

/** The clock's own ClockTimer when it has one (the system clock does), else one on its `setTimer`. */
export function createClockTimer(clock: Clock, callback: () => void): ClockTimer {
  return clock.createTimer?.(callback) ?? new SetTimerClockTimer(clock, callback);
}
