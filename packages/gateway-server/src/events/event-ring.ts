/** What `EventRing.since` found: the events after a sequence number, and whether none were lost. */
export interface RingReplay<T> {
  readonly events: readonly T[];
  /** False when events after `seq` already left the ring, or `seq` is from the future (another run). */
  readonly complete: boolean;
}

/**
 * The last `capacity` events by sequence number, oldest first: what a reconnecting SSE consumer
 * (`Last-Event-ID`) is given again. Fixed memory: the oldest event is overwritten.
 */
export class EventRing<T extends { readonly seq: number }> {
  readonly #slots: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.#slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(event: T): void {
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
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
