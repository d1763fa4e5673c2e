/**
 * A small unordered collection in one array that never shrinks: once it has held its peak number
 * of items, adding and removing allocate nothing. For collections that fill and empty all the
 * time (the requests outstanding on a link): a `Set` or `Map` that empties reallocates its hash
 * table, and when the collection itself is old, V8 allocates the new table in the old generation,
 * where it is garbage by the next request (issue 16: two tables per Modbus request, ~80 KB/s of
 * old-generation garbage at 300 requests/s). Lookups scan: meant for tens of items, not thousands.
 */
export class SlotList<T> {
  readonly #slots: (T | undefined)[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(item: T): void {
    this.#slots[this.#size++] = item;
  }

  /** Removes `item` (by identity); the last item takes its place. False when it was not there. */
  delete(item: T): boolean {
    for (let i = 0; i < this.#size; i++) {
      if (this.#slots[i] === item) {
        this.#removeAt(i);
        return true;
      }
    }
    return false;
  }

  /** The first item `matches` accepts, or undefined. */
  find(matches: (item: T) => boolean): T | undefined {
    for (let i = 0; i < this.#size; i++) {
      const item = this.#slots[i] as T;
      if (matches(item)) return item;
    }
    return undefined;
  }

  /** The items, in no particular order (a copy: removing while going through it is safe). */
  toArray(): T[] {
    return this.#slots.slice(0, this.#size) as T[];
  }

  clear(): void {
    this.#slots.fill(undefined, 0, this.#size);
    this.#size = 0;
  }

  #removeAt(index: number): void {
    const last = --this.#size;
    this.#slots[index] = this.#slots[last];
    // the slot stays (the array keeps its length): no item is held, nothing is reallocated
    this.#slots[last] = undefined;
  }
}
