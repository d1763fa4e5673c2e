import type { Clock } from './clock.js';

interface ManualTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A Clock for tests: time moves only when told to, and due timers fire in time order (then in the
 * order they were set), each one with `now()` at its due time. Timers that a callback sets fire
 * within the same `advance` when they fall due.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  /** A binary min-heap on (at, seq); cancelled timers stay until they reach the top. */
  readonly #heap: ManualTimer[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer: ManualTimer = {
      at: this.#now + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Timers set and neither fired nor cancelled. */
  get pending(): number {
    return this.#heap.filter((t) => !t.cancelled).length;
  }

  /** When the next pending timer is due, or undefined. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** How far ahead of now the pending timers are due, ascending. */
  pendingDelays(): number[] {
    return this.#heap
      .filter((t) => !t.cancelled)
      .map((t) => t.at - this.#now)
      .sort((a, b) => a - b);
  }

  /**
   * Fires the next timer if it is due at or before `until`, moving time to its due time first;
   * false when none is. Lets a caller run something (settle promises) between two timers.
   */
  fireNext(until: number): boolean {
    this.#dropCancelled();
    const next = this.#heap[0];
    if (next === undefined || next.at > until) return false;
    this.#pop();
    this.#now = next.at;
    next.callback();
    return true;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they set). */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    let fired = true;
    while (fired) fired = this.fireNext(target);
    this.#now = target;
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled) this.#pop();
  }

  #less(a: ManualTimer, b: ManualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: ManualTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.#less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.#less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
