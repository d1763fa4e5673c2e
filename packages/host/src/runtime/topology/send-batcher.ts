import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import type { LwM2mClient, SendEntry, SendResult } from '@lwm2m-adapters/lwm2m-client';
import type { LwM2mPath, ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { Logger } from 'pino';

export interface SendBatcherOptions {
  /** What sends: the engine's Send (POST /dp), given each path with its value. */
  readonly client: Pick<LwM2mClient, 'send'>;
  /** How long changes are gathered before a partial batch goes. */
  readonly intervalMs: number;
  /** Values per Send; a full batch goes at once. The engine splits a Send into messages further. */
  readonly maxValues: number;
  /**
   * Sends outstanding at once. Default 1: CoAP asks for one outstanding interaction per server
   * (NSTART 1), and a Send larger than a datagram goes block-wise, which the engine does one at a
   * time per resource anyway. More helps only when Sends fit one datagram and the server allows it.
   */
  readonly maxInFlight?: number;
  readonly logger: Logger;
  /** Default: the system clock. */
  readonly clock?: Clock;
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
  readonly inFlight: number;
}

/**
 * Gathers changed paths and reports them with Send (POST /dp) in SenML batches: many values per
 * CoAP message, which is what lifts a registration above the ~265 confirmable messages/s its
 * message IDs allow.
 *
 * - A path changed again before it goes is sent once, with its latest value, so what waits is
 *   bounded by the number of mapped paths. The value travels with the change: building the Send
 *   reads nothing back from the data model (nor, through it, from the device).
 * - A full batch goes at once, a partial one after the interval; at most `maxInFlight` Sends are
 *   outstanding, and changes arriving meanwhile wait (and coalesce) until one completes.
 */
export class SendBatcher {
  readonly #options: SendBatcherOptions;
  readonly #maxInFlight: number;
  readonly #clock: Clock;
  /** Changed paths waiting to go, by path text, each with its latest value. */
  readonly #pending = new Map<string, SendEntry>();
  /** Cancels the interval timer, while one is armed. */
  #cancelTimer: (() => void) | undefined;
  /** The interval elapsed or a flush asked: partial batches may go until nothing is pending. */
  #due = false;
  #inFlight = 0;
  readonly #idle: Array<() => void> = [];
  #closed = false;
  readonly #stats = { messages: 0, batches: 0, values: 0, failures: 0, dropped: 0 };

  constructor(options: SendBatcherOptions) {
    if (!Number.isInteger(options.maxValues) || options.maxValues < 1) {
      throw new RangeError(`maxValues must be a positive integer, got ${options.maxValues}`);
    }
    const maxInFlight = options.maxInFlight ?? 1;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
    }
    this.#options = options;
    this.#maxInFlight = maxInFlight;
    this.#clock = options.clock ?? systemClock;
  }

  add(path: LwM2mPath, value: ResourceValue): void {
    if (this.#closed) return;
    // a path changed again keeps its place in the queue (Map order) and takes the latest value
    this.#pending.set(path.toString(), { path, value });
    this.#pump();
  }

  /** Sends everything pending now (after the Sends in flight) and resolves when all have completed. */
  flush(): Promise<void> {
    this.#due = true;
    this.#pump();
    if (this.#pending.size === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  stats(): SendBatcherStats {
    return { ...this.#stats, pending: this.#pending.size, inFlight: this.#inFlight };
  }

  /** Sends what is pending, then stops taking changes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    this.#disarm();
  }

  /** Starts the Sends that may go now; arms the interval for what has to wait. */
  #pump(): void {
    while (
      this.#inFlight < this.#maxInFlight &&
      this.#pending.size > 0 &&
      (this.#due || this.#pending.size >= this.#options.maxValues)
    ) {
      const batch = this.#take();
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
    if (this.#pending.size === 0) {
      this.#due = false;
      this.#disarm();
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    } else if (!this.#due && this.#cancelTimer === undefined) {
      this.#cancelTimer = this.#clock.setTimer(this.#options.intervalMs, () => {
        this.#cancelTimer = undefined;
        this.#due = true;
        this.#pump();
      });
    }
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #take(): SendEntry[] {
    const batch: SendEntry[] = [];
    for (const [key, entry] of this.#pending) {
      if (batch.length === this.#options.maxValues) break;
      batch.push(entry);
      this.#pending.delete(key);
    }
    return batch;
  }

  async #send(entries: readonly SendEntry[]): Promise<void> {
    this.#stats.batches++;
    let result: SendResult;
    try {
      result = await this.#options.client.send(entries);
    } catch (error) {
      this.#stats.failures++;
      this.#stats.dropped += entries.length;
      this.#options.logger.warn({ err: error, values: entries.length }, 'Send failed');
      return;
    }
    this.#stats.messages += result.messages;
    if (result.status === 'sent') {
      this.#stats.values += entries.length;
      return;
    }
    this.#stats.dropped += entries.length;
    if (result.status !== 'muted' && result.status !== 'not-registered') {
      this.#stats.failures++;
      this.#options.logger.warn(
        { status: result.status, code: result.code, values: entries.length, err: result.error },
        'Send not accepted',
      );
    }
  }
}
