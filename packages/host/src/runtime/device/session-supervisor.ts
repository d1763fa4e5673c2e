import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import { type CompiledDevice, devicePointSpecs } from '@lwm2m-adapters/mapping';
import type {
  AdapterDefinition,
  AdapterLogger,
  AdapterSession,
  PointReading,
  PointSpec,
  SessionState,
  SessionStats,
  Subscription,
  SubscriptionOptions,
} from '@lwm2m-adapters/sdk';
import { deliverReadings, type SupervisedReadingSink } from './supervised-reading-sink.js';
import type { WritePlan } from './write-plan.js';

export interface SessionSupervisorOptions {
  readonly device: CompiledDevice;
  /** The device's bound points as the session takes them (see PointSpecTable); default: made here. */
  readonly points?: readonly PointSpec<unknown>[];
  readonly adapter: AdapterDefinition;
  readonly logger: AdapterLogger;
  /** Stamps the failed readings of a read the adapter threw on. */
  readonly clock: Pick<Clock, 'now'>;
}

/** A CodedError as it is, anything else as DEVICE_FAILURE naming the device (and point). */
export function codedDeviceError(error: unknown, deviceId: string, pointId?: string): CodedError {
  if (isCodedError(error)) return error;
  return new CodedError(
    'DEVICE_FAILURE',
    `${deviceId}${pointId === undefined ? '' : ` ${pointId}`}: the adapter failed`,
    { cause: error },
  );
}

/**
 * The adapter session of one device, from `start` to `close`. A device that cannot be reached is
 * no error here: the session reconnects on its own with capped backoff, and state changes are
 * logged (connected, connection lost) and remembered (the last error, for status). Whatever the
 * adapter throws comes out as a CodedError; a read never rejects: when the adapter throws, every
 * point asked gets a failed reading.
 */
export class SessionSupervisor implements AsyncDisposable {
  readonly deviceId: string;
  readonly #session: AdapterSession;
  readonly #logger: AdapterLogger;
  readonly #clock: Pick<Clock, 'now'>;
  #lastError: string | undefined;
  #started: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SessionSupervisorOptions) {
    this.deviceId = options.device.id;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#session = options.adapter.createSession({
      deviceId: options.device.id,
      connection: options.device.connection,
      points: options.points ?? devicePointSpecs(options.device),
      logger: options.logger,
    });
    this.#session.onStateChange((state, error) => this.#stateChanged(state, error));
  }

  get state(): SessionState {
    return this.#session.state;
  }

  /** Why the session is not connected (`CODE: message`), while it is not. */
  get lastError(): string | undefined {
    return this.#session.state === 'connected' ? undefined : this.#lastError;
  }

  /** True once `close` was called. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    return this.#session.onStateChange(listener);
  }

  /** Connects; resolves once connected or failed (a failure is logged, not thrown). Idempotent. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      try {
        await this.#session.start();
      } catch (error) {
        this.#logger.warn(
          { deviceId: this.deviceId, code: isCodedError(error) ? error.code : undefined, err: error },
          'device not reachable yet; retrying in the background',
        );
      }
    })();
    return this.#started;
  }

  /** Closes the session after its start settled; the session settles pending calls. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#started;
      await this.#session.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * One adapter read into `sink`: with the session's `readInto` when it has one (no object per
   * reading), else its `read`'s readings each at its index. Never rejects: when the adapter
   * throws, every index it did not give yet fails with the error, stamped with the clock.
   */
  async readInto(pointIds: readonly string[], sink: SupervisedReadingSink): Promise<void> {
    const session = this.#session;
    try {
      if (session.readInto !== undefined) await session.readInto(pointIds, sink);
      else deliverReadings(pointIds, await session.read(pointIds), sink);
    } catch (error) {
      sink.failRest(codedDeviceError(error, this.deviceId), this.#clock.now());
    }
  }

  /** Whether the session can subscribe (its adapter says so and it has `subscribe`). */
  get canSubscribe(): boolean {
    return typeof this.#session.subscribe === 'function';
  }

  /**
   * A device-side subscription (see `AdapterSession.subscribe`); rejects with a CodedError. The
   * listener's own failures are logged, never thrown into the adapter.
   */
  async subscribe(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: (readings: readonly PointReading[]) => void,
  ): Promise<Subscription> {
    const session = this.#session;
    if (session.subscribe === undefined) {
      throw new CodedError('DEVICE_OPERATION_UNSUPPORTED', `${this.deviceId}: the adapter cannot subscribe`);
    }
    const guarded = (readings: readonly PointReading[]): void => {
      try {
        listener(readings);
      } catch (error) {
        this.#logger.warn({ deviceId: this.deviceId, err: error }, 'subscription listener failed');
      }
    };
    try {
      return await session.subscribe(pointIds, options, guarded);
    } catch (error) {
      throw codedDeviceError(error, this.deviceId);
    }
  }

  /** Hands the session what the host planned (converted and validated once). */
  async write(plan: WritePlan): Promise<void> {
    try {
      await this.#session.write(plan.point.id, plan.raw);
    } catch (error) {
      throw codedDeviceError(error, this.deviceId, plan.point.id);
    }
  }

  async execute(pointId: string, args: string | undefined): Promise<void> {
    try {
      await this.#session.execute(pointId, args);
    } catch (error) {
      throw codedDeviceError(error, this.deviceId, pointId);
    }
  }

  /** The session's own counters; empty when the adapter's stats throw (metrics must not break). */
  stats(): SessionStats {
    try {
      return this.#session.stats();
    } catch {
      return {};
    }
  }

  #stateChanged(state: SessionState, error: CodedError | undefined): void {
    this.#lastError = error === undefined ? undefined : `${error.code}: ${error.message}`;
    if (state === 'connected') this.#logger.info({}, 'device connected');
    else if (state === 'reconnecting') {
      this.#logger.warn(
        { code: error?.code, message: error?.message },
        'device connection lost; reconnecting',
      );
    }
  }
}
