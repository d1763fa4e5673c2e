/** Longest delay a ClockTimer waits at once (setTimeout's limit); longer ones are waited this long. */
export const MAX_CLOCK_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A timer with one callback, armed again and again: a poll tick that re-arms itself from its own
 * callback. Made once, it allocates nothing per arm on the system clock, where a `setTimer` per
 * tick leaves a timer object and two closures behind for the whole interval (long enough to
 * reach the old generation, see BENCHMARKS.md).
 */
export interface ClockTimer {
  /** Calls the callback once, `delayMs` from now; replaces a pending arm. */
  arm(delayMs: number): void;
  /** Drops a pending arm; the timer can be armed again. */
  cancel(): void;
  /** Armed and not yet fired. */
  readonly armed: boolean;
}

/**
 * How far apart the armed and the asked delay may be for the system timer to re-arm in place:
 * Node's timers have a resolution of one millisecond, so one more or less is within what
 * `setTimeout` promises anyway.
 */
export const CLOCK_TIMER_TOLERANCE_MS = 1;

function clampDelay(delayMs: number): number {
  if (!Number.isFinite(delayMs)) return MAX_CLOCK_TIMER_DELAY_MS;
  return Math.min(MAX_CLOCK_TIMER_DELAY_MS, Math.max(1, Math.ceil(delayMs)));
}

/**
 * The system clock's ClockTimer: one unref'd Node Timeout, re-armed with `refresh()` while the
 * asked delay stays within CLOCK_TIMER_TOLERANCE_MS of the one it holds (a drift-free poll asks
 * for nearly the same delay every tick), and replaced when it does not.
 */
export class SystemClockTimer implements ClockTimer {
  readonly #fire: () => void;
  #timeout: NodeJS.Timeout | undefined;
  /** The delay the Timeout was made with; `refresh()` re-arms it with this one. */
  #timeoutDelay = 0;
  #armed = false;

  constructor(callback: () => void) {
    this.#fire = () => {
      this.#armed = false;
      callback();
    };
  }

  get armed(): boolean {
    return this.#armed;
  }

  arm(delayMs: number): void {
    const delay = clampDelay(delayMs);
    this.#armed = true;
    const timeout = this.#timeout;
    if (timeout !== undefined && Math.abs(delay - this.#timeoutDelay) <= CLOCK_TIMER_TOLERANCE_MS) {
      timeout.refresh();
      return;
    }
    if (timeout !== undefined) clearTimeout(timeout);
    this.#timeout = setTimeout(this.#fire, delay);
    this.#timeout.unref();
    this.#timeoutDelay = delay;
  }

  cancel(): void {
    this.#armed = false;
    if (this.#timeout === undefined) return;
    // a cleared Timeout cannot be refreshed: the next arm makes a new one
    clearTimeout(this.#timeout);
    this.#timeout = undefined;
  }
}
