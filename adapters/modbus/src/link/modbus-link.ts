import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { CappedBackoff } from '@lwm2m-adapters/kit';
import type { AdapterLogger } from '@lwm2m-adapters/sdk';
import { describeEndpoint, type ModbusByteStream, type ModbusByteStreamOpener } from './byte-stream.js';
import { createTransport } from './create-transport.js';
import type { LinkClock } from './link-clock.js';
import { ModbusLinkScheduler } from './link-scheduler.js';
import type { LinkSettings } from './link-settings.js';
import type { ModbusTransport } from './modbus-transport.js';

export type LinkState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export type LinkStateListener = (state: LinkState, error?: CodedError) => void;

export interface ModbusLinkDependencies {
  readonly openByteStream: ModbusByteStreamOpener;
  /** Where link events go (link lost, unit quarantined). */
  readonly logger: AdapterLogger;
  /** Jitter source for the reconnect backoff. */
  readonly random: () => number;
  /** Request timeouts, quarantine periods and serial line silences; default: the system's. */
  readonly clock?: LinkClock | undefined;
}

/** Link counters beyond the scheduler's. */
export interface LinkConnectionStats {
  readonly reconnects: number;
  readonly connectFailures: number;
}

/**
 * One physical link (a TCP connection or a serial port) shared by every device on it. Connects on
 * `start`, reconnects by itself with capped, jittered exponential backoff whenever the connection
 * is lost or cannot be opened, and reports its state to the sessions using it. Requests go
 * through its scheduler, which fails them fast with DEVICE_UNREACHABLE while disconnected.
 */
export class ModbusLink {
  readonly settings: LinkSettings;
  readonly scheduler: ModbusLinkScheduler;
  readonly #deps: ModbusLinkDependencies;
  readonly #backoff: CappedBackoff;
  readonly #listeners = new Set<LinkStateListener>();
  #state: LinkState = 'idle';
  #lastError: CodedError | undefined;
  #firstAttempt: Promise<void> | undefined;
  #transport: ModbusTransport | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #everConnected = false;
  #repliesAtConnect = 0;
  #connectedAt = 0;
  #reconnects = 0;
  #connectFailures = 0;

  constructor(settings: LinkSettings, deps: ModbusLinkDependencies) {
    this.settings = settings;
    this.#deps = deps;
    // "Equal jitter": each wait lies between half and all of the doubled delay.
    this.#backoff = new CappedBackoff({ ...settings.reconnect, multiplier: 2, jitter: 0.5 }, deps.random);
    this.scheduler = new ModbusLinkScheduler({
      name: settings.key,
      maxInFlight: settings.maxInFlight,
      maxQueue: settings.maxQueue,
      logger: deps.logger,
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    });
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The error behind the current 'reconnecting' state, if any. */
  get lastError(): CodedError | undefined {
    return this.#lastError;
  }

  connectionStats(): LinkConnectionStats {
    return { reconnects: this.#reconnects, connectFailures: this.#connectFailures };
  }

  onStateChange(listener: LinkStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects once; resolves after the first attempt, connected or not (retries continue on their own). */
  start(): Promise<void> {
    if (this.#state === 'closed') {
      return Promise.reject(new CodedError('SESSION_CLOSED', `link ${this.settings.key} is closed`));
    }
    this.#firstAttempt ??= this.#connect();
    return this.#firstAttempt;
  }

  /** Closes the link for good: queued and outstanding requests fail with SESSION_CLOSED. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const reason = new CodedError('SESSION_CLOSED', `link ${this.settings.key} is closed`);
    this.#setState('closed');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.scheduler.detach(reason);
    const transport = this.#transport;
    this.#transport = undefined;
    await transport?.close(reason);
  }

  async #connect(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState(
      this.#everConnected || this.#connectFailures > 0 ? 'reconnecting' : 'connecting',
      this.#lastError,
    );
    let stream: ModbusByteStream;
    try {
      stream = await this.#deps.openByteStream(this.settings.endpoint);
    } catch (err) {
      const error = isCodedError(err)
        ? err
        : new CodedError(
            'DEVICE_UNREACHABLE',
            `${describeEndpoint(this.settings.endpoint)}: ${String(err)}`,
            {
              cause: err,
            },
          );
      this.#connectFailures++;
      if (this.#isClosed()) return;
      this.scheduler.detach(error);
      this.#lastError = error;
      this.#setState('reconnecting', error);
      this.#scheduleRetry();
      return;
    }
    if (this.#isClosed()) {
      await stream.close();
      return;
    }
    const transport: ModbusTransport = createTransport(
      stream,
      this.settings,
      (error) => this.#onBroken(transport, error),
      this.#deps.clock,
    );
    this.#transport = transport;
    if (this.#everConnected) this.#reconnects++;
    this.#everConnected = true;
    this.#repliesAtConnect = this.scheduler.replies;
    this.#connectedAt = Date.now();
    this.#lastError = undefined;
    this.scheduler.attach(transport);
    this.#deps.logger.debug({ link: this.settings.key }, 'Modbus link connected');
    this.#setState('connected');
  }

  #onBroken(transport: ModbusTransport, error: CodedError): void {
    if (this.#transport !== transport || this.#state === 'closed') return;
    this.#transport = undefined;
    void transport.close(error);
    this.scheduler.detach(error);
    const answered = this.scheduler.replies > this.#repliesAtConnect;
    if (answered || Date.now() - this.#connectedAt >= this.settings.reconnect.maxMs) this.#backoff.reset();
    this.#lastError = error;
    this.#deps.logger.warn(
      { link: this.settings.key, code: error.code },
      `Modbus link lost: ${error.message}`,
    );
    this.#setState('reconnecting', error);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const wait = this.#backoff.next();
    this.#deps.logger.debug({ link: this.settings.key, waitMs: wait }, 'Modbus link reconnect scheduled');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, wait);
  }

  /** Re-reads the state after an await (a close may have happened meanwhile). */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #setState(state: LinkState, error?: CodedError): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener(state, error);
  }
}
