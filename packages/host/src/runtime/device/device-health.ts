import type { CodedError } from '@lwm2m-adapters/errors';

/**
 * ok: the device answers. unresponsive: its session may be connected (a socket open, a serial line
 * up), but its last reads got no answer at all.
 */
export type DeviceHealthState = 'ok' | 'unresponsive';

/** What the host knows of whether a device answers. */
export interface DeviceHealth {
  readonly state: DeviceHealthState;
  /** When a read last got a value (ms since the epoch, host clock); undefined before the first. */
  readonly lastSuccessAt: number | undefined;
  /** The last failed reading's error (`CODE: message`), kept after a recovery; see lastErrorAt. */
  readonly lastError: string | undefined;
  readonly lastErrorAt: number | undefined;
  /** Adapter reads in a row that got no answer. */
  readonly unansweredReads: number;
}

/** What one adapter read said of its device (see DeviceHealthTracker). */
export interface ReadVerdict {
  /** A point got a value, or failed with an error that is not retriable (the device answered). */
  readonly answered: boolean;
  /** A point got a value. */
  readonly succeeded: boolean;
  /** The read's first failed point's error, if any. */
  readonly firstError: CodedError | undefined;
}

/** Unanswered reads in a row that make a device unresponsive (fewer may be a glitch on the line). */
export const UNRESPONSIVE_AFTER_READS = 3;

/**
 * Follows whether one device answers, from the outcome of each adapter read. A read is answered
 * when one of its points got a value, or failed with an error that is not retriable (the device
 * answered, with an exception); it is unanswered when every point failed with a retriable error
 * (DEVICE_TIMEOUT, DEVICE_UNREACHABLE, DEVICE_BUSY: what the server gets as 5.03), as every read
 * of a frozen PLC or of a quarantined unit does.
 */
export class DeviceHealthTracker {
  /**
   * NaN until the first: a field that starts as a number keeps its value in place, where one that
   * starts undefined gets a new heap number per poll (BENCHMARKS.md, sixth pass).
   */
  #lastSuccessAt = Number.NaN;
  #lastError: string | undefined;
  #lastErrorAt = Number.NaN;
  #unanswered = 0;

  /** What one adapter read (of at least one point) said of the device, recorded at `at`. */
  recordVerdict(verdict: ReadVerdict, at: number): void {
    const { firstError } = verdict;
    if (firstError !== undefined && (this.#lastErrorAt !== at || this.#lastError === undefined)) {
      this.#lastError = `${firstError.code}: ${firstError.message}`;
      this.#lastErrorAt = at;
    }
    if (verdict.succeeded) this.#lastSuccessAt = at;
    this.#unanswered = verdict.answered ? 0 : this.#unanswered + 1;
  }

  snapshot(): DeviceHealth {
    return {
      state: this.#unanswered >= UNRESPONSIVE_AFTER_READS ? 'unresponsive' : 'ok',
      lastSuccessAt: Number.isNaN(this.#lastSuccessAt) ? undefined : this.#lastSuccessAt,
      lastError: this.#lastError,
      lastErrorAt: Number.isNaN(this.#lastErrorAt) ? undefined : this.#lastErrorAt,
      unansweredReads: this.#unanswered,
    };
  }
}
