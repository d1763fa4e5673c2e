/** What `EventRing.since` found: the events after a sequence number, and whether none were lost. */
export interface RingReplay<T> {
  readonly events: readonly T[];
  /** False when events after `seq` already left the ring, or `seq` is from the future (another run). */
  readonly complete: boolean;
}

/**
 * The last `capacity` events by sequence number, oldest first: what a reconnecting SSE consumer
 * (`Last-Event-ID`) is given again. Bounded in count and, when `maxBytes` is given, in the sizes
 * `push` is told: the oldest events leave first (the newest always stays).
 */
export class EventRing<T extends { readonly seq: number }> {
  readonly #slots: (T | undefined)[];
  readonly #sizes: number[];
  readonly #maxBytes: number;
  #next = 0;
  #size = 0;
  #bytes = 0;

  constructor(
    readonly capacity: number,
    maxBytes = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.#slots = new Array<T | undefined>(capacity);
    this.#sizes = new Array<number>(capacity).fill(0);
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#size;
  }

  /** The sizes of the events held, as told to `push`. */
  get bytes(): number {
    return this.#bytes;
  }

  push(event: T, bytes = 0): void {
    if (this.#size === this.capacity) this.#dropOldest();
    this.#slots[this.#next] = event;
    this.#sizes[this.#next] = bytes;
    this.#bytes += bytes;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size++;
    while (this.#bytes > this.#maxBytes && this.#size > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    const oldest = (this.#next - this.#size + this.capacity) % this.capacity;
    this.#bytes -= this.#sizes[oldest] as number;
    this.#slots[oldest] = undefined;
    this.#sizes[oldest] = 0;
    this.#size--;
  }

  /** Oldest first. */
  all(): T[] {
    const out: T[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) out.push(this.#slots[(start + i) % this.capacity] as T);
    return out;
  }

  /** The events with a sequence number above `seq`. */
  since(seq: number): RingReplay<T> {
    const all = this.all();
    const oldest = all[0];
    const newest = all.at(-1);
    if (oldest === undefined || newest === undefined) return { events: [], complete: seq <= 0 };
    if (seq > newest.seq) return { events: [], complete: false };
    const events = all.filter((e) => e.seq > seq);
    return { events, complete: seq >= oldest.seq - 1 };
  }
}
