import type { Clock } from './clock.js';

/**
 * Timers started through an Clock, tracked so that `cancelAll` stops every one of them
 * (the endpoint's `close()`).
 */
export class TimerSet {
  readonly #clock: Clock;
  readonly #cancels = new Set<() => void>();
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `callback` after `delayMs`; returns a cancel function (idempotent). */
  start(delayMs: number, callback: () => void): () => void {
    if (this.#closed) return () => {};
    let done = false;
    const cancelClock = this.#clock.setTimer(Math.max(0, delayMs), () => {
      if (done) return;
      done = true;
      this.#cancels.delete(cancel);
      callback();
    });
    const cancel = () => {
      if (done) return;
      done = true;
      this.#cancels.delete(cancel);
      cancelClock();
    };
    this.#cancels.add(cancel);
    return cancel;
  }

  get active(): number {
    return this.#cancels.size;
  }

  cancelAll(): void {
    this.#closed = true;
    for (const cancel of [...this.#cancels]) cancel();
  }
}
