import type { Clock, EventLogger, LogEntry } from '@lwm2m-adapters/kit';

/** Refused requests by response code, and the refusal lines left out of the log. */
export interface RequestStats {
  /** Requests answered with an error the engine decided on (4.04, 4.05, 5.03 too many observations...). */
  readonly refused: Readonly<Record<string, number>>;
  /** Refusal lines not logged because the window's budget was spent. */
  readonly logsSuppressed: number;
}

export interface RefusalLogOptions {
  readonly clock: Clock;
  readonly log: EventLogger;
  /** Lines logged per window; the rest are counted and summed up in one line. Default 10. */
  readonly linesPerWindow?: number;
  /** Default 60 s. */
  readonly windowMs?: number;
}

/**
 * The log of expected refusals: a protocol outcome (too many observations, unknown path, not
 * allowed) is one line without an error object (no stack trace, no file paths), at most
 * `linesPerWindow` a window; the others are counted, and the next line after the window says how
 * many were left out. Every refusal is counted by code for the metrics.
 */
export class RefusalLog {
  readonly #clock: Clock;
  readonly #log: EventLogger;
  readonly #linesPerWindow: number;
  readonly #windowMs: number;
  readonly #refused: Record<string, number> = {};
  #windowStart = Number.NEGATIVE_INFINITY;
  #linesInWindow = 0;
  #suppressedInWindow = 0;
  #suppressed = 0;

  constructor(options: RefusalLogOptions) {
    this.#clock = options.clock;
    this.#log = options.log;
    this.#linesPerWindow = options.linesPerWindow ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  get stats(): RequestStats {
    return { refused: { ...this.#refused }, logsSuppressed: this.#suppressed };
  }

  /** Counts a refusal with `code` and logs `entry` (which must carry no error) within the budget. */
  refused(code: string, entry: LogEntry): void {
    this.#refused[code] = (this.#refused[code] ?? 0) + 1;
    const now = this.#clock.now();
    if (now - this.#windowStart >= this.#windowMs) {
      if (this.#suppressedInWindow > 0) {
        this.#write({
          level: 'warn',
          event: 'requests-refused',
          message: `${this.#suppressedInWindow} more refused requests were not logged in the last ${Math.round((now - this.#windowStart) / 1000)} s`,
          details: { notLogged: this.#suppressedInWindow },
        });
      }
      this.#windowStart = now;
      this.#linesInWindow = 0;
      this.#suppressedInWindow = 0;
    }
    if (this.#linesInWindow >= this.#linesPerWindow) {
      this.#suppressedInWindow++;
      this.#suppressed++;
      return;
    }
    this.#linesInWindow++;
    this.#write(entry);
  }

  #write(entry: LogEntry): void {
    try {
      this.#log(entry);
    } catch {
      // a logger that throws must not turn an answer into a crash
    }
  }
}
