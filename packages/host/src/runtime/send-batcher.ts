import type { LwM2mClient, LwM2mPath, SendResult } from '@lwm2m-adapters/lwm2m';
import type { Logger } from 'pino';

export interface SendBatcherOptions {
  readonly client: LwM2mClient;
  /** How long changes are gathered before one Send. */
  readonly intervalMs: number;
  /** Values per batch; a full batch is sent at once. The engine splits messages further. */
  readonly maxValues: number;
  readonly logger: Logger;
}

export interface SendBatcherStats {
  readonly messages: number;
  readonly values: number;
  readonly failures: number;
  /** Changes not sent because the batch could not go (muted, not registered, rejected). */
  readonly dropped: number;
  readonly pending: number;
}

/**
 * Gathers changed paths and reports them with Send (POST /dp) in SenML batches: many values per
 * CoAP message, which is what lifts a registration above the ~265 confirmable messages/s its
 * message IDs allow. A path changed twice within one interval is sent once, with its latest value.
 * Bounded: at most `maxValues` paths wait; a full batch is sent at once.
 */
export class SendBatcher {
  readonly #options: SendBatcherOptions;
  #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #closed = false;
  readonly #stats = { messages: 0, values: 0, failures: 0, dropped: 0 };

  constructor(options: SendBatcherOptions) {
    this.#options = options;
  }

  add(path: LwM2mPath): void {
    if (this.#closed) return;
    this.#pending.add(path.toString());
    if (this.#pending.size >= this.#options.maxValues) {
      void this.flush();
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#options.intervalMs);
      this.#timer.unref?.();
    }
  }

  /** Sends what is pending now (after any Send in flight). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    if (this.#pending.size === 0) return;
    const paths = [...this.#pending];
    this.#pending = new Set();
    this.#inFlight = this.#send(paths);
    await this.#inFlight;
    this.#inFlight = undefined;
  }

  stats(): SendBatcherStats {
    return { ...this.#stats, pending: this.#pending.size };
  }

  /** Sends what is pending, then stops taking changes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
  }

  async #send(paths: readonly string[]): Promise<void> {
    let result: SendResult;
    try {
      result = await this.#options.client.send(paths.map((path) => ({ path })));
    } catch (error) {
      this.#stats.failures++;
      this.#stats.dropped += paths.length;
      this.#options.logger.warn({ err: error, values: paths.length }, 'Send failed');
      return;
    }
    this.#stats.messages += result.messages;
    if (result.status === 'sent') {
      this.#stats.values += paths.length;
      return;
    }
    this.#stats.dropped += paths.length;
    if (result.status !== 'muted' && result.status !== 'not-registered') {
      this.#stats.failures++;
      this.#options.logger.warn(
        { status: result.status, code: result.code, values: paths.length, err: result.error },
        'Send not accepted',
      );
    }
  }
}
