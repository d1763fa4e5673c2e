import type { LwM2mClient, LwM2mPath, SendResult } from '@lwm2m-adapters/lwm2m';
import type { Logger } from 'pino';

export interface SendBatcherOptions {
  /** What sends: the engine's Send (POST /dp), which reads each path's current value. */
  readonly client: Pick<LwM2mClient, 'send'>;
  /** How long changes are gathered before one Send. */
  readonly intervalMs: number;
  /** Values per Send; a full batch goes at once. The engine splits a Send into messages further. */
  readonly maxValues: number;
  readonly logger: Logger;
}

export interface SendBatcherStats {
  /** CoAP messages the Sends took. */
  readonly messages: number;
  /** Sends issued (one per batch). */
  readonly batches: number;
  readonly values: number;
  readonly failures: number;
  /** Changes not sent because the batch could not go (muted, not registered, rejected). */
  readonly dropped: number;
  readonly pending: number;
}

/**
 * Gathers changed paths and reports them with Send (POST /dp) in SenML batches: many values per
 * CoAP message, which is what lifts a registration above the ~265 confirmable messages/s its
 * message IDs allow.
 *
 * - A path changed again before it goes is sent once, with its latest value (the engine reads the
 *   value when it builds the Send), so what waits is bounded by the number of mapped paths.
 * - One Send at a time: changes arriving while one is in flight wait for it; then a full batch goes
 *   at once and a partial one after the interval.
 */
export class SendBatcher {
  readonly #options: SendBatcherOptions;
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  readonly #stats = { messages: 0, batches: 0, values: 0, failures: 0, dropped: 0 };

  constructor(options: SendBatcherOptions) {
    if (!Number.isInteger(options.maxValues) || options.maxValues < 1) {
      throw new RangeError(`maxValues must be a positive integer, got ${options.maxValues}`);
    }
    this.#options = options;
  }

  add(path: LwM2mPath): void {
    if (this.#closed) return;
    this.#pending.add(path.toString());
    if (this.#draining !== undefined) return; // the running drain looks again when its Send ends
    if (this.#pending.size >= this.#options.maxValues) void this.#drain(false);
    else this.#arm();
  }

  /** Sends everything pending now, after any Send in flight. */
  async flush(): Promise<void> {
    while (this.#draining !== undefined || this.#pending.size > 0) await this.#drain(true);
  }

  stats(): SendBatcherStats {
    return { ...this.#stats, pending: this.#pending.size };
  }

  /** Sends what is pending, then stops taking changes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#pending.size === 0 || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain(false);
    }, this.#options.intervalMs);
    this.#timer.unref?.();
  }

  /**
   * Sends batches one after another: all of them when `all`, otherwise while a full batch waits.
   * A drain already running is joined rather than doubled.
   */
  #drain(all: boolean): Promise<void> {
    if (this.#draining !== undefined) return this.#draining;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = async (): Promise<void> => {
      do {
        const batch = this.#take();
        if (batch.length === 0) break;
        await this.#send(batch);
      } while (all || this.#pending.size >= this.#options.maxValues);
    };
    const draining = run().finally(() => {
      this.#draining = undefined;
      this.#arm(); // what arrived during the last Send goes after the interval
    });
    this.#draining = draining;
    return draining;
  }

  #take(): string[] {
    const batch: string[] = [];
    for (const path of this.#pending) {
      if (batch.length === this.#options.maxValues) break;
      batch.push(path);
    }
    for (const path of batch) this.#pending.delete(path);
    return batch;
  }

  async #send(paths: readonly string[]): Promise<void> {
    this.#stats.batches++;
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
