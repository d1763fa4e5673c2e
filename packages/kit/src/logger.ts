/**
 * The logging contracts. `StructuredLogger` is the one logger every package is handed: pino's
 * Logger satisfies it, so the host passes its pino children as they are. Socket-free engines emit
 * `LogEntry` records (a stable event name and secret-free details) to an `EventLogger`;
 * `eventLoggerFor` writes those records to a `StructuredLogger`.
 */

/** A pino-compatible structured logger: `logger.warn({ unit: 3 }, 'unit quarantined')`. */
export interface StructuredLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: StructuredLogger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
});

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured, secret-free log record from an engine. */
export interface LogEntry {
  readonly level: LogLevel;
  /** Stable event name: 'request-failed', 'notification-skipped', 'registration-failed'... */
  readonly event: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
}

export type EventLogger = (entry: LogEntry) => void;

export const silentEventLogger: EventLogger = () => {};

/** Writes engine records to a logger: `{ event, ...details, err }` at the record's level. */
export function eventLoggerFor(logger: StructuredLogger): EventLogger {
  return (entry) => {
    const fields = {
      event: entry.event,
      ...entry.details,
      ...(entry.error === undefined ? {} : { err: entry.error }),
    };
    logger[entry.level](fields, entry.message);
  };
}
