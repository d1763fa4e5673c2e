import type { Clock } from '@lwm2m-adapters/kit';
import { FifoMap } from '@lwm2m-adapters/kit';

/** A large response (or notification) body kept so that later Block2 requests get the same bytes. */
export interface CachedRepresentation {
  readonly code: number;
  readonly contentFormat: number | undefined;
  readonly maxAge: number | undefined;
  readonly etag: Uint8Array;
  readonly payload: Uint8Array;
}

export interface BlockwiseResponseCacheOptions {
  readonly clock: Clock;
  /** Most representations kept. */
  readonly capacity: number;
  /** Most payload bytes kept in total. */
  readonly maxBytes: number;
  /** How long a representation is kept after its last use. */
  readonly lifetimeMs: number;
}

interface Entry {
  readonly representation: CachedRepresentation;
  expiresAt: number;
}

/**
 * Block2 bodies by (peer, request) key, so that follow-up requests (Block2 num > 0) are served
 * without calling the request handler again and without the body changing under the peer (RFC
 * 7959 §2.4). Least recently used first out; bounded by count and bytes.
 */
export class BlockwiseResponseCache {
  readonly #options: BlockwiseResponseCacheOptions;
  /** Least recently used first. */
  readonly #entries = new FifoMap<Entry>();
  #bytes = 0;
  #evicted = 0;

  constructor(options: BlockwiseResponseCacheOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError('block-wise cache capacity must be a positive integer');
    }
    this.#options = options;
  }

  get(key: string): CachedRepresentation | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#options.clock.now();
    if (entry.expiresAt <= now) {
      this.#delete(key, entry);
      return undefined;
    }
    this.#entries.set(key, entry); // most recently used goes last
    entry.expiresAt = now + this.#options.lifetimeMs;
    return entry.representation;
  }

  /** Stores a representation; false when it alone is larger than the byte budget (not stored). */
  set(key: string, representation: CachedRepresentation): boolean {
    const existing = this.#entries.get(key);
    if (existing !== undefined) this.#delete(key, existing);
    if (representation.payload.length > this.#options.maxBytes) return false;
    this.sweep();
    while (
      this.#entries.size >= this.#options.capacity ||
      this.#bytes + representation.payload.length > this.#options.maxBytes
    ) {
      const oldest = this.#entries.oldest();
      if (oldest === undefined) break;
      this.#delete(oldest[0], oldest[1]);
      this.#evicted++;
    }
    this.#entries.set(key, {
      representation,
      expiresAt: this.#options.clock.now() + this.#options.lifetimeMs,
    });
    this.#bytes += representation.payload.length;
    return true;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#delete(key, entry);
  }

  sweep(): void {
    const now = this.#options.clock.now();
    for (const [key, entry] of [...this.#entries.entries()]) {
      if (entry.expiresAt <= now) this.#delete(key, entry);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get evicted(): number {
    return this.#evicted;
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.representation.payload.length;
  }
}
