/**
 * Listeners of one kind of event. A listener that throws is reported to `onListenerError` and
 * never breaks the emitter or the other listeners.
 */
export class ListenerSet<T> {
  readonly #listeners = new Set<(event: T) => void>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  add(listener: (event: T) => void): () => void {
    // Wrapped so the same function may be added twice and removed independently.
    const entry = (event: T) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: T): void {
    for (const listener of [...this.#listeners]) {
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
  }
}
