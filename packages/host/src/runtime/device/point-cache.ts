import type { CodedError } from '@lwm2m-adapters/errors';
import type { PointValue } from '@lwm2m-adapters/mapping';

/** good: the last device read gave this value; bad: the last read failed (the value, if any, is older). */
export type PointQuality = 'good' | 'bad';

/** What the host knows of one point: the last good value and the outcome of the last read. */
export interface CachedPoint {
  /**
   * The last value read successfully, in LwM2M form (an array point's: one per resource instance;
   * undefined before the first good read).
   */
  readonly value: PointValue | undefined;
  /** When `value` was read, as the adapter stamped it (ms since the epoch); 0 before the first good read. */
  readonly valueAt: number;
  readonly quality: PointQuality;
  /** The error of the last read when quality is bad. */
  readonly error: CodedError | undefined;
  /** When the last read (good or bad) completed, on the host's clock; 0 before any (and after a write). */
  readonly readAt: number;
}

const EMPTY: CachedPoint = { value: undefined, valueAt: 0, quality: 'bad', error: undefined, readAt: 0 };

/** The stored form: updated in place by `recordValue` (readers use an entry at once, never keep it). */
type Entry = { -readonly [K in keyof CachedPoint]: CachedPoint[K] };

/**
 * The last reading of each point of one device, with timestamp and quality. A failed read keeps
 * the last good value (marked bad) so a recovery can be told from a change.
 */
export class PointCache {
  readonly #entries = new Map<string, Entry>();

  get(pointId: string): CachedPoint {
    return this.#entries.get(pointId) ?? EMPTY;
  }

  /**
   * Records a good reading taken at `at` (the adapter's stamp) and recorded at `readAt` (the host's
   * clock, which freshness is measured on); returns the previous entry.
   */
  setValue(pointId: string, value: PointValue, at: number, readAt = at): CachedPoint {
    const previous = this.get(pointId);
    this.#entries.set(pointId, { value, valueAt: at, quality: 'good', error: undefined, readAt });
    return previous;
  }

  /**
   * Records a good reading the way a poll does, in place: nothing is allocated once the point has
   * an entry. True when the value differs from the last good one (by `equal`), or there was none,
   * or the last read failed: a change to report.
   */
  recordValue(
    pointId: string,
    value: PointValue,
    at: number,
    readAt: number,
    equal: (a: PointValue, b: PointValue) => boolean,
  ): boolean {
    const entry = this.#entries.get(pointId);
    if (entry === undefined) {
      this.#entries.set(pointId, { value, valueAt: at, quality: 'good', error: undefined, readAt });
      return true;
    }
    const changed = entry.quality === 'bad' || entry.value === undefined || !equal(entry.value, value);
    if (changed) entry.value = value;
    entry.valueAt = at;
    entry.quality = 'good';
    entry.error = undefined;
    entry.readAt = readAt;
    return changed;
  }

  /** Records a failed reading recorded at `readAt`, keeping the last good value; returns the previous entry. */
  setError(pointId: string, error: CodedError, readAt: number): CachedPoint {
    const previous = this.get(pointId);
    this.#entries.set(pointId, { ...previous, quality: 'bad', error, readAt });
    return previous;
  }

  /** The entry when its last read completed at most `maxAgeMs` before `now`, else undefined. */
  fresh(pointId: string, now: number, maxAgeMs: number): CachedPoint | undefined {
    const entry = this.get(pointId);
    return entry.readAt !== 0 && now - entry.readAt <= maxAgeMs ? entry : undefined;
  }

  /** Forgets when the point was read (after a write): the next read goes to the device. */
  invalidate(pointId: string): void {
    const entry = this.#entries.get(pointId);
    if (entry !== undefined) this.#entries.set(pointId, { ...entry, readAt: 0 });
  }

  /** Points with a good reading / with a failed one. */
  counts(): { good: number; bad: number } {
    let good = 0;
    let bad = 0;
    for (const entry of this.#entries.values()) {
      if (entry.quality === 'good') good++;
      else bad++;
    }
    return { good, bad };
  }

  clear(): void {
    this.#entries.clear();
  }
}
