import { Fifo } from './fifo.js';

/**
 * A Map that remembers insertion order in a FIFO, so the oldest entry is found in O(1)
 * amortised. (Evicting through a JS Map's own iterator after many deletions is O(n): the
 * iterator walks over the deleted slots until the table is rehashed.) `set` moves a key to the
 * newest position. Stale FIFO slots (deleted or re-set keys) are skipped and compacted away.
 */
export class FifoMap<V> {
  readonly #map = new Map<string, { readonly value: V }>();
  #order = new Fifo<{ readonly key: string; readonly box: { readonly value: V } }>();

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    return this.#map.get(key)?.value;
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Inserts or replaces; either way the key becomes the newest. */
  set(key: string, value: V): void {
    const box = { value };
    this.#map.delete(key); // keeps the Map's own order equal to the FIFO order
    this.#map.set(key, box);
    this.#order.push({ key, box });
    if (this.#order.size > 2 * this.#map.size + 64) this.#compact();
  }

  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  /** The oldest entry, or undefined when empty. */
  oldest(): [string, V] | undefined {
    for (let head = this.#order.peek(); head !== undefined; head = this.#order.peek()) {
      if (this.#map.get(head.key) === head.box) return [head.key, head.box.value];
      this.#order.shift();
    }
    return undefined;
  }

  /** Removes and returns the oldest entry. */
  shift(): [string, V] | undefined {
    const oldest = this.oldest();
    if (oldest !== undefined) {
      this.#map.delete(oldest[0]);
      this.#order.shift();
    }
    return oldest;
  }

  /** Entries oldest first (a full scan: fine for sweeps, not for finding the oldest). */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, box] of this.#map) yield [key, box.value];
  }

  clear(): void {
    this.#map.clear();
    this.#order.clear();
  }

  #compact(): void {
    const live = new Fifo<{ readonly key: string; readonly box: { readonly value: V } }>();
    for (let entry = this.#order.shift(); entry !== undefined; entry = this.#order.shift()) {
      if (this.#map.get(entry.key) === entry.box) live.push(entry);
    }
    this.#order = live;
  }
}
