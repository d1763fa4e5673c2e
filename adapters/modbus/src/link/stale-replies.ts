/**
 * Replies a transport received that no outstanding request was waiting for (late replies to
 * abandoned requests, frames from other units, noise), in total and by the unit a frame names
 * (bytes too garbled to name one count in the total only).
 */
export class StaleReplies {
  readonly #byUnit = new Map<number, number>();
  #total = 0;

  get total(): number {
    return this.#total;
  }

  /** One stale frame, from `unit` when it could be read. */
  count(unit?: number): void {
    this.#total++;
    if (unit !== undefined) this.#byUnit.set(unit, (this.#byUnit.get(unit) ?? 0) + 1);
  }

  of(unit: number): number {
    return this.#byUnit.get(unit) ?? 0;
  }
}
