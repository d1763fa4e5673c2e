export type ClientLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured, secret-free log record from the client engine. */
export interface ClientLogEntry {
  readonly level: ClientLogLevel;
  /** Stable event name: 'request-failed', 'notification-skipped', 'registration-failed'... */
  readonly event: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
}

export type ClientLogger = (entry: ClientLogEntry) => void;

export const silentLogger: ClientLogger = () => {};
