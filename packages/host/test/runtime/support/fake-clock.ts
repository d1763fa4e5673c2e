import type { HostClock } from '../../../src/runtime/host-clock.js';

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Lets pending promise chains run (a few real event-loop turns; nothing here waits on real time). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A manual HostClock: time moves only with `advance`; timers fire in due order; callbacks asked
 * for the end of the turn run on `endTurn` (and before every `advance`).
 */
export class FakeClock implements HostClock {
  #now: number;
  #nextId = 0;
  readonly #timers = new Map<number, FakeTimer>();
  #turn: (() => void)[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  monotonicNow(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, delayMs), callback });
    return () => {
      this.#timers.delete(id);
    };
  }

  afterTurn(callback: () => void): void {
    this.#turn.push(callback);
  }

  /** Callbacks waiting for the end of the turn. */
  get queuedTurnCallbacks(): number {
    return this.#turn.length;
  }

  /** Due times (ms from now) of the pending timers, ascending. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Ends the turn: runs what waits for it (and what that queues), settling promises in between. */
  async endTurn(): Promise<void> {
    await settle();
    while (this.#turn.length > 0) {
      const callbacks = this.#turn;
      this.#turn = [];
      for (const callback of callbacks) callback();
      await settle();
    }
  }

  /** Moves time forward by `ms`, firing due timers in order; every turn in between ends. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await this.endTurn();
    for (;;) {
      const next = [...this.#timers.values()]
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = next.at;
      next.callback();
      await this.endTurn();
    }
    this.#now = end;
    await this.endTurn();
  }
}
