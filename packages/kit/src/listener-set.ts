/**
 * Listeners of one kind of event. A listener that throws is reported to `onListenerError` and
 * never breaks the emitter or the other listeners.
 */
export class ListenerSet<T> {
  readonly #listeners = new Set<(event: T) => void>();
  /** The listeners as an emit sees them (taken at its start), made again only after a change. */
  #snapshot: readonly ((event: T) => void)[] | undefined;
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  add(listener: (event: T) => void): () => void {
    // Wrapped so the same function may be added twice and removed independently.
    const entry = (event: T) => listener(event);
    this.#listeners.add(entry);
    this.#snapshot = undefined;
    return () => {
      if (this.#listeners.delete(entry)) this.#snapshot = undefined;
    };
  }

  emit(event: T): void {
    this.#snapshot ??= [...this.#listeners];
    for (const listener of this.#snapshot) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
    this.#snapshot = undefined;
  }
}
