import type { Clock } from './clock.js';

/** Longest delay handed to the clock at once: setTimeout fires at once for delays above 2^31-1 ms. */
export const MAX_TIMER_CHUNK_MS = 2 ** 30;

/**
 * One restartable timer on the injected clock. `set` replaces a pending callback; delays longer
 * than MAX_TIMER_CHUNK_MS are waited in chunks.
 */
export class RestartableTimer {
  readonly #clock: Clock;
  #cancel: (() => void) | undefined;
  #dueAt: number | undefined;
  /** Identifies the current schedule, so a stale callback does nothing. */
  #generation = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get pending(): boolean {
    return this.#cancel !== undefined;
  }

  /** When the pending callback runs (clock ms), or undefined. */
  get dueAt(): number | undefined {
    return this.#dueAt;
  }

  set(delayMs: number, callback: () => void): void {
    this.cancel();
    const delay = Number.isFinite(delayMs) ? Math.max(0, Math.ceil(delayMs)) : MAX_TIMER_CHUNK_MS;
    this.#dueAt = this.#clock.now() + delay;
    this.#schedule(delay, callback);
  }

  cancel(): void {
    this.#generation++;
    const cancel = this.#cancel;
    this.#cancel = undefined;
    this.#dueAt = undefined;
    cancel?.();
  }

  #schedule(remaining: number, callback: () => void): void {
    const chunk = Math.min(remaining, MAX_TIMER_CHUNK_MS);
    const generation = this.#generation;
    this.#cancel = this.#clock.setTimer(chunk, () => {
      if (this.#generation !== generation) return;
      if (remaining > chunk) {
        this.#schedule(remaining - chunk, callback);
        return;
      }
      this.#cancel = undefined;
      this.#dueAt = undefined;
      callback();
    });
  }
}
