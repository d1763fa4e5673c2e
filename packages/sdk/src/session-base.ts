import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { ListenerSet } from '@lwm2m-adapters/kit';
import type {
  AdapterSession,
  PointReading,
  PointSpec,
  SessionContext,
  SessionState,
  SessionStats,
} from './adapter-session.js';
import type { RawValue } from './raw-value.js';

interface StateChange {
  readonly state: SessionState;
  readonly error: CodedError | undefined;
}

/** Any thrown value as a coded error: coded errors as they are, anything else DEVICE_FAILURE. */
export function asDeviceError(error: unknown): CodedError {
  if (isCodedError(error)) return error;
  return new CodedError('DEVICE_FAILURE', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/**
 * The boilerplate of an AdapterSession, so that an adapter writes only its protocol: state and
 * state listeners, idempotent `start` and `close` (later calls fail with SESSION_CLOSED), point
 * lookup, named counters for `stats`, `execute` refused by default, `Symbol.asyncDispose`.
 *
 * A subclass implements `read` and `write`, and overrides `connect` (open the link; throw a
 * CodedError when the device cannot be reached: the session goes `reconnecting` with it) and
 * `disconnect` (release the link) when it has one. Inside, it calls `assertOpen()` first,
 * `pointSource(id)` for a point's binding, `setState` when the link comes and goes, and
 * `count('reads')` for its stats.
 *
 *   class EchoSession extends SessionBase<{ host: string }, { key: string }> {
 *     async read(ids: readonly string[]) {
 *       this.assertOpen();
 *       return ids.map((pointId) => ({ pointId, ok: true, value: this.pointSource(pointId).key, timestamp: Date.now() }) as const);
 *     }
 *     async write() { throw new CodedError('DEVICE_OPERATION_UNSUPPORTED', 'read-only'); }
 *   }
 */
export abstract class SessionBase<Connection, Point> implements AdapterSession {
  protected readonly context: SessionContext<Connection, Point>;
  /** The session's points by id. */
  protected readonly points: ReadonlyMap<string, PointSpec<Point>>;
  #state: SessionState = 'idle';
  readonly #stateListeners: ListenerSet<StateChange>;
  readonly #counters = new Map<string, number>();
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(context: SessionContext<Connection, Point>) {
    this.context = context;
    this.points = new Map(context.points.map((p) => [p.id, p]));
    this.#stateListeners = new ListenerSet((error) =>
      context.logger.warn({ err: error, device: context.deviceId }, 'a session state listener threw'),
    );
  }

  get state(): SessionState {
    return this.#state;
  }

  /** Opens the link to the device. Default: nothing to open. Throw a CodedError when it fails. */
  protected async connect(): Promise<void> {}

  /** Releases the link (called once, by `close`). Default: nothing to release. */
  protected async disconnect(): Promise<void> {}

  /** Connects once; a failure leaves the session `reconnecting` with the error (start does not throw it). */
  async start(): Promise<void> {
    this.assertOpen();
    this.#starting ??= (async () => {
      this.setState('connecting');
      try {
        await this.connect();
        if (this.#state === 'connecting') this.setState('connected');
      } catch (error) {
        if (this.#state !== 'closed') this.setState('reconnecting', asDeviceError(error));
      }
    })();
    await this.#starting;
  }

  /** Closed at once (calls then fail with SESSION_CLOSED), then `disconnect`. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.setState('closed');
      await this.#starting?.catch(() => undefined);
      await this.disconnect();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  abstract read(pointIds: readonly string[]): Promise<PointReading[]>;
  abstract write(pointId: string, value: RawValue): Promise<void>;

  /** Refused unless overridden: DEVICE_OPERATION_UNSUPPORTED. */
  async execute(pointId: string, _args?: string): Promise<void> {
    this.assertOpen();
    throw new CodedError('DEVICE_OPERATION_UNSUPPORTED', `${pointId} cannot be executed on this device`);
  }

  /** Every counter `count` has touched. */
  stats(): SessionStats {
    return Object.fromEntries(this.#counters);
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    return this.#stateListeners.add(({ state, error }) =>
      error === undefined ? listener(state) : listener(state, error),
    );
  }

  /** Moves to `state` and tells the listeners (nothing when unchanged; nothing leaves `closed`). */
  protected setState(state: SessionState, error?: CodedError): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.#stateListeners.emit({ state, error });
  }

  /** Adds `by` to the counter `name` reported by `stats`. */
  protected count(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  /** Throws SESSION_CLOSED once the session is closed. */
  protected assertOpen(): void {
    if (this.#state === 'closed') {
      throw new CodedError('SESSION_CLOSED', `the session of ${this.context.deviceId} is closed`);
    }
  }

  /** A point's binding; CONFIG_INVALID for an id the session was not given. */
  protected pointSource(pointId: string): Point {
    const point = this.points.get(pointId);
    if (point === undefined) {
      throw new CodedError(
        'CONFIG_INVALID',
        `point ${pointId} is not part of the session of ${this.context.deviceId}`,
      );
    }
    return point.source;
  }
}
