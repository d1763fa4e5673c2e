/** An entry of a DueQueue: the queue keeps its position to remove it in O(log n). */
export interface DueEntry {
  dueAt: number;
  /** Ties on `dueAt` go in insertion order. */
  seq: number;
  /** Position in the heap; -1 when not queued. */
  heapIndex: number;
}

/**
 * A min-heap of entries by due time (then insertion order) with removal by entry. The endpoint
 * keeps one clock timer for the earliest entry instead of a timer per CON message: a server with
 * thousands of requests in flight a second would otherwise create and clear a timer for each.
 */
export class DueQueue<T extends DueEntry> {
  readonly #heap: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  peek(): T | undefined {
    return this.#heap[0];
  }

  push(entry: T): void {
    entry.seq = this.#seq++;
    entry.heapIndex = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.heapIndex);
  }

  /** Removes `entry` if queued; false when it was not. */
  remove(entry: T): boolean {
    const index = entry.heapIndex;
    if (index < 0 || this.#heap[index] !== entry) return false;
    const last = this.#heap.pop()!;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.#heap[index] = last;
      last.heapIndex = index;
      this.#down(index);
      this.#up(last.heapIndex);
    }
    return true;
  }

  /** Removes and returns the earliest entry whose due time is at most `now`. */
  popDue(now: number): T | undefined {
    const top = this.#heap[0];
    if (top === undefined || top.dueAt > now) return undefined;
    this.remove(top);
    return top;
  }

  clear(): void {
    for (const entry of this.#heap) entry.heapIndex = -1;
    this.#heap.length = 0;
  }

  #before(a: T, b: T): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    b.heapIndex = i;
    a.heapIndex = j;
  }

  #up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#heap[i]!, this.#heap[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(index: number): void {
    const heap = this.#heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && this.#before(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && this.#before(heap[right]!, heap[first]!)) first = right;
      if (first === i) return;
      this.#swap(i, first);
      i = first;
    }
  }
}
