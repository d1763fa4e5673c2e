import type { CodedError } from '@lwm2m-adapters/errors';
import type { StructuredLogger } from '@lwm2m-adapters/kit';
import type { RawValue } from './raw-value.js';

/**
 * The logger a session is handed: kit's `StructuredLogger`, pino-compatible:
 * `logger.warn({ unit: 3 }, 'unit quarantined')`.
 */
export type AdapterLogger = StructuredLogger;

/** What the mapping allows on a point. */
export interface PointAccess {
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
}

/** One point the host hands a session: its id (unique within the device) and the adapter's own binding. */
export interface PointSpec<Point> {
  readonly id: string;
  readonly source: Point;
  readonly access: PointAccess;
}

export interface SessionContext<Connection, Point> {
  /** The mapping's device id (for logs and metrics). */
  readonly deviceId: string;
  readonly connection: Connection;
  readonly points: readonly PointSpec<Point>[];
  readonly logger: AdapterLogger;
}

/** The outcome of reading one point: a value, or a coded error (a protocol outcome, not an exception). */
export type PointReading =
  | { readonly pointId: string; readonly ok: true; readonly value: RawValue; readonly timestamp: number }
  | { readonly pointId: string; readonly ok: false; readonly error: CodedError; readonly timestamp: number };

/**
 * Where `AdapterSession.readInto` puts its readings: the point at `index` of the list read gave
 * `value`, or failed with `error`, at `timestamp` (ms since the epoch). The host records each
 * call before it returns. It may keep `value` as given, so an object value (bytes, a Date, an
 * array) must be one the session does not change afterwards, as with `read`.
 */
export interface ReadingSink {
  value(index: number, value: RawValue, timestamp: number): void;
  error(index: number, error: CodedError, timestamp: number): void;
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SubscriptionOptions {
  /** How often the device should sample (OPC UA sampling interval); 0: as fast as it can. */
  readonly samplingIntervalMs: number;
  /** Absolute deadband: changes smaller than this are not reported. */
  readonly deadband?: number;
  /** How many changes the device may queue between two deliveries (default: the adapter's or the point's). */
  readonly queueSize?: number;
}

/**
 * A live device-side subscription of some points. The listener it was made with gets:
 *
 * - the current value of every point soon after `subscribe` resolves (the initial notification);
 * - every change the device reports afterwards (past the deadband, at the sampling interval);
 * - an error reading (ok: false, a CodedError such as DEVICE_ADDRESS_UNKNOWN or
 *   DEVICE_UNREACHABLE) when a point cannot be monitored or the connection is lost, and again a
 *   value once it can.
 *
 * It survives reconnections: the session restores it (transfers or re-creates what the device
 * lost) without the caller doing anything, then delivers current values again.
 */
export interface Subscription {
  /** Changes the options of every point of this subscription (sampling interval, deadband, queue). */
  modify?(options: SubscriptionOptions): Promise<void>;
  /** Ends it: no more calls of its listener. Idempotent. */
  close(): Promise<void>;
}

/**
 * Counters with a meaning the host knows: it exposes each as a per-device metric when the session
 * reports it (`adapter_host_device_<name>_total`) and leaves the series out when it does not. All
 * optional: an adapter reports what its protocol has.
 */
export interface SessionCounters {
  /** Requests put on the wire to the device (not those failed locally: see `refused`). */
  readonly requests?: number;
  /** Replies the device sent (values or protocol errors). */
  readonly replies?: number;
  /** Requests sent and not answered in time. */
  readonly timeouts?: number;
  /** Requests failed without being sent: device quarantined, link down, queued behind a timeout. */
  readonly refused?: number;
  /** Times the device was set aside after it stopped answering. */
  readonly quarantines?: number;
  /** Requests sent to a device set aside, to see whether it is back. */
  readonly probes?: number;
  /** Replies no request was waiting for (late replies), dropped. */
  readonly staleReplies?: number;
}

/**
 * Counters a session exposes for metrics: the well-known ones (SessionCounters) plus any of the
 * adapter's own (errors by code, reconnects, queue depth...).
 */
export type SessionStats = SessionCounters & Readonly<Record<string, number>>;

/**
 * A live connection to one device. The host owns it: `start` once (idempotent), then read/write/
 * execute concurrently; the session serialises or pipelines as its link allows. `close` is
 * idempotent and settles every pending call with SESSION_CLOSED.
 *
 * Failures are CodedErrors from the catalogue: DEVICE_TIMEOUT / DEVICE_UNREACHABLE / DEVICE_BUSY
 * (retriable, answered 5.03), DEVICE_ADDRESS_UNKNOWN (4.04), DEVICE_VALUE_REJECTED and
 * WRITE_VALUE_INVALID (4.00), DEVICE_OPERATION_UNSUPPORTED (4.05), DEVICE_FAILURE (5.00). Which
 * write checks belong to the host and which to the session is stated on `write`.
 */
export interface AdapterSession extends AsyncDisposable {
  readonly state: SessionState;
  /** Connects (and reconnects with capped backoff on its own later). Resolves once first connected or failed. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Reads points in as few device requests as the adapter can plan; one reading per requested id, in order. */
  read(pointIds: readonly string[]): Promise<PointReading[]>;
  /**
   * Optional, since SDK 0.2.1: `read` without an object per reading, for adapters whose polls are
   * many values a second (a host polling 10,000 points once a second made 10,000 readings a second
   * that died at once). Calls `sink.value` or `sink.error` exactly once for each index of
   * `pointIds` (in any order, the same outcome `read` would give), then resolves. A host uses it
   * in place of `read` when a session has it; a session without it is read with `read`.
   * Rejecting is allowed (the indices not yet given get the error), but a point's failed read
   * should be a `sink.error`, as it is a failed reading from `read`.
   */
  readInto?(pointIds: readonly string[], sink: ReadingSink): Promise<void>;
  /**
   * Writes one point. Who validates what, so that a value is converted and checked once:
   *
   * - The host validates what the mapping knows: the point is writable, the value has the
   *   resource's LwM2M type and lies in its range, enumerations, and scale/offset giving a raw
   *   value of the point's kind. It then asks the adapter, once, whether its encoding can carry the
   *   raw value (`AdapterDefinition.validateWrite`, pure), while the LwM2M request is validated and
   *   before any of its writes, so a Write-Composite is refused as a whole. `value` is that raw
   *   value, as validated: the host never converts it again.
   * - The session validates only what only it knows, where the value becomes bytes: its device
   *   encoding limits (data type width and range, string or byte capacity, protocol limits such as
   *   registers per request, tables the protocol cannot write). It never re-checks mapping rules.
   *   This guard is not a duplicate of the host's: `write` is the session's own contract and must
   *   never put a value it cannot encode on the wire, whoever calls it (the host, `simulate`,
   *   tests, another host). A session may implement it with the same pure function as
   *   `validateWrite` (the Modbus session does), which then cannot disagree with the host's check.
   *
   * Throws a CodedError on failure (WRITE_VALUE_INVALID, OPERATION_NOT_ALLOWED, device errors);
   * nothing is sent when a check fails.
   */
  write(pointId: string, value: RawValue): Promise<void>;
  /** Runs an executable point with optional LwM2M execute arguments. */
  execute(pointId: string, args?: string): Promise<void>;
  /**
   * Device-side change notification (adapters with `capabilities.subscribe`). May be called many
   * times (once per group of points with the same options); a session batches the calls of one
   * turn into as few device requests as it can. Rejects with a CodedError only when nothing could
   * be subscribed at all (e.g. SESSION_CLOSED); single points that fail are error readings.
   */
  subscribe?(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: (readings: readonly PointReading[]) => void,
  ): Promise<Subscription>;
  stats(): SessionStats;
  /** Called on every state change. Returns an unsubscribe function. */
  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void;
}
