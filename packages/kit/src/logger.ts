export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured, secret-free log record from the client engine. */
export interface LogEntry {
  readonly level: LogLevel;
  /** Stable event name: 'request-failed', 'notification-skipped', 'registration-failed'... */
  readonly event: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
}

export type EventLogger = (entry: LogEntry) => void;

export const silentLogger: EventLogger = () => {};
