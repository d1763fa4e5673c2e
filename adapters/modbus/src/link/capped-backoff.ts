/** Capped exponential backoff with "equal jitter": attempt n waits between d/2 and d, d = min(max, initial x 2^n). */
export class CappedBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(initialMs: number, maxMs: number, random: () => number = Math.random) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** The ceiling of the next wait, before jitter. */
  get ceilingMs(): number {
    return Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 40));
  }

  /** The next wait; each call doubles the ceiling until maxMs. */
  next(): number {
    const ceiling = this.ceilingMs;
    this.#attempt++;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
