import type { Clock } from '@lwm2m-adapters/kit';
import { FifoMap } from '@lwm2m-adapters/kit';

/** A message already received from a peer, and what the endpoint answered to it. */
export interface ReceivedExchange {
  readonly key: string;
  readonly expiresAt: number;
  /** The reply datagram (piggy-backed response, empty ACK or RST), re-sent for a duplicate CON. */
  reply: Uint8Array | undefined;
}

export interface ExchangeDeduplicatorOptions {
  readonly clock: Clock;
  /** Most exchanges remembered; beyond it the oldest is forgotten early (and counted). */
  readonly capacity: number;
}

/**
 * Remembers CON and NON messages by (peer, message ID) for EXCHANGE_LIFETIME / NON_LIFETIME so a
 * retransmission is recognised (RFC 7252 §4.5): the handler is not called again and a CON gets the
 * same reply. Bounded: at capacity the oldest entry is evicted early, which `evicted` counts.
 */
export class ExchangeDeduplicator {
  readonly #clock: Clock;
  readonly #capacity: number;
  /** Insertion order = arrival order, so the oldest entry is first. */
  readonly #entries = new FifoMap<ReceivedExchange>();
  #evicted = 0;
  #replyBytes = 0;

  constructor(options: ExchangeDeduplicatorOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError('deduplication capacity must be a positive integer');
    }
    this.#clock = options.clock;
    this.#capacity = options.capacity;
  }

  /** The earlier exchange with this message ID, if it is still within its lifetime. */
  find(peerKey: string, messageId: number): ReceivedExchange | undefined {
    const key = `${peerKey}#${messageId}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#delete(key, entry);
      return undefined;
    }
    return entry;
  }

  /** Records a new exchange (call after `find` returned undefined). */
  remember(peerKey: string, messageId: number, lifetimeMs: number): ReceivedExchange {
    const key = `${peerKey}#${messageId}`;
    const existing = this.#entries.get(key);
    if (existing !== undefined) this.#delete(key, existing);
    this.sweep();
    while (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.oldest();
      if (oldest === undefined) break;
      this.#delete(oldest[0], oldest[1]);
      this.#evicted++;
    }
    const entry: ReceivedExchange = { key, expiresAt: this.#clock.now() + lifetimeMs, reply: undefined };
    this.#entries.set(key, entry);
    return entry;
  }

  /** Stores the reply sent for an exchange. */
  answer(entry: ReceivedExchange, reply: Uint8Array): void {
    if (this.#entries.get(entry.key) !== entry) return; // evicted meanwhile
    this.#replyBytes += reply.length - (entry.reply?.length ?? 0);
    entry.reply = reply;
  }

  /** Drops expired entries from the front (the oldest); later ones expire lazily in `find`. */
  sweep(): void {
    const now = this.#clock.now();
    for (let oldest = this.#entries.oldest(); oldest !== undefined; oldest = this.#entries.oldest()) {
      if (oldest[1].expiresAt > now) break;
      this.#delete(oldest[0], oldest[1]);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#replyBytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of stored replies. */
  get replyBytes(): number {
    return this.#replyBytes;
  }

  get evicted(): number {
    return this.#evicted;
  }

  #delete(key: string, entry: ReceivedExchange): void {
    this.#entries.delete(key);
    this.#replyBytes -= entry.reply?.length ?? 0;
    entry.reply = undefined;
  }
}
