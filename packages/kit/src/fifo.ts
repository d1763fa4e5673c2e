/** A first-in first-out queue with O(1) push and shift (an array with a moving head). */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      // drained: start over (V8 drops the backing store at length 0, so the next push allocates a
      // small one; keeping it measured no gain at 10,000 points, BENCHMARKS.md fifth pass)
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns, in queue order, every item that matches; the others keep their order. */
  removeWhere(matches: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: (T | undefined)[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i] as T;
      (matches(item) ? removed : kept).push(item);
    }
    this.#items = kept;
    this.#head = 0;
    return removed;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
