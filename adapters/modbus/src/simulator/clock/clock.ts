/** Where the simulator's signals get time and ticks from; tests inject a manual clock. */

export interface ClockTimer {
  cancel(): void;
}

export interface SimulatorClock {
  /** Milliseconds, any origin; only differences are used. */
  now(): number;
  /** Calls `callback` every `periodMs` until the timer is cancelled. */
  every(periodMs: number, callback: () => void): ClockTimer;
}

/** Wall-clock time and real timers (unref'd: signals alone never keep a process alive). */
export const systemClock: SimulatorClock = {
  now: () => performance.now(),
  every(periodMs, callback) {
    const handle = setInterval(callback, periodMs);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};
