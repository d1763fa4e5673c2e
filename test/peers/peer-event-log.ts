/**
 * The events a peer reported, in arrival order, for tests to wait on: a wait looks at the events
 * from an index on (those already received count), resolves with the first match, and rejects
 * after a timeout (listing what was seen) or as soon as the peer's event source fails.
 */
export class PeerEventLog<E> {
  readonly events: E[] = [];
  readonly #waiters = new Set<() => void>();
  #failure: Error | undefined;

  /** What the events are, for timeout messages ("Leshan event"). */
  readonly #name: string;
  /** One event in a timeout message. */
  readonly #label: (event: E) => string;

  constructor(name: string, label: (event: E) => string) {
    this.#name = name;
    this.#label = label;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Index the next event will get. */
  cursor(): number {
    return this.events.length;
  }

  push(event: E): void {
    this.events.push(event);
    this.#notify();
  }

  /** The event source failed: pending and later waits reject with `error` (the first one kept). */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#notify();
  }

  /** The source works again (a reconnected stream): waits no longer reject for the old failure. */
  recover(): void {
    this.#failure = undefined;
  }

  waitFor<T extends E>(
    predicate: (event: E) => event is T,
    timeoutMs: number,
    options?: { after?: number },
  ): Promise<T>;
  waitFor(predicate: (event: E) => boolean, timeoutMs: number, options?: { after?: number }): Promise<E>;
  waitFor(
    predicate: (event: E) => boolean,
    timeoutMs: number,
    { after = 0 }: { after?: number } = {},
  ): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      let next = after;
      const check = () => {
        for (; next < this.events.length; next++) {
          const candidate = this.events[next];
          if (candidate !== undefined && predicate(candidate)) {
            cleanup();
            resolve(candidate);
            return;
          }
        }
        if (this.#failure !== undefined) {
          cleanup();
          reject(this.#failure);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.events.slice(after).map(this.#label).join(', ');
        reject(
          new Error(`no matching ${this.#name} within ${timeoutMs} ms; seen since #${after}: [${seen}]`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
