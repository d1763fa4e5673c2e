import type { CodedError } from '@lwm2m-adapters/errors';
import type { ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { isInstanceValues, type NumberSlot, type PointValue } from '@lwm2m-adapters/mapping';

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

/**
 * The stored form: updated in place by `recordValue`; never handed out (see `exposed`). A device
 * runner's per-point records are entries themselves (`PointRecord`), so a point's reading lives in
 * the object that holds its mapping and path rather than in a map of its own.
 */
export type CacheEntry = { -readonly [K in keyof CachedPoint]: CachedPoint[K] };

/** A scalar value the cache owns and overwrites in place. */
type HeldScalar = { -readonly [K in keyof ResourceValue]: ResourceValue[K] };

/**
 * A number the cache owns: a class of its own, so its `value` field only ever holds numbers and
 * V8 keeps it as a double field, written in place. In a plain `{ type, value }` (one object shape
 * for every such literal in the process, strings and booleans included) the field is generic, and
 * each new float went into a new heap number that lived until the next change: promoted to the
 * old generation at every poll, 160 KB/s of garbage there at 10,000 changing points (issue 16).
 */
class HeldNumber {
  // Initialised here, not only in the constructor: a field emitted without a value starts out
  // undefined, and V8 then keeps it generic (a new heap number per store) instead of double.
  type: 'integer' | 'unsigned' | 'float' = 'float';
  value = 0;

  constructor(type: 'integer' | 'unsigned' | 'float', value: number) {
    this.type = type;
    this.value = value;
  }
}

/** A plain copy of a scalar, for readers (it has the shape of every other value they see). */
function copied(value: ResourceValue): ResourceValue {
  return { type: value.type, value: value.value } as ResourceValue;
}

/** The cache's own copy of a value: a number in a `HeldNumber`, another scalar copied, an array point's as given. */
function held(value: PointValue): PointValue {
  if (isInstanceValues(value)) return value;
  return typeof value.value === 'number'
    ? new HeldNumber(value.type as HeldNumber['type'], value.value)
    : copied(value);
}

/**
 * The value `next` written over the held one, in place when the kind allows: a poll that changes
 * a value then allocates nothing that lives on. (Keeping each new value object instead meant
 * 10,000 objects per second promoted to the old generation at 10,000 points, every one garbage a
 * second later: the largest share of the host's GC time, issue 16.)
 */
function overwrite(current: PointValue | undefined, next: PointValue): PointValue {
  if (current === undefined || isInstanceValues(current) || isInstanceValues(next)) return held(next);
  if (typeof next.value === 'number') {
    if (!(current instanceof HeldNumber)) return held(next);
    current.type = next.type as HeldNumber['type'];
    current.value = next.value;
    return current;
  }
  if (current instanceof HeldNumber) return held(next);
  const target = current as HeldScalar;
  target.type = next.type;
  target.value = next.value;
  return current;
}

/** A new entry for a good reading. */
function goodEntry(value: PointValue, at: number, readAt: number): CacheEntry {
  return { value: held(value), valueAt: at, quality: 'good', error: undefined, readAt };
}

/** The entry's value as a reader gets it: a copy no later reading changes. */
export function valueSnapshot(entry: CacheEntry): PointValue | undefined {
  const { value } = entry;
  return value === undefined || isInstanceValues(value) ? value : copied(value);
}

/** What a reader gets: a snapshot, whose value no later reading changes. */
function exposed(entry: CacheEntry): CachedPoint {
  return {
    value: valueSnapshot(entry),
    valueAt: entry.valueAt,
    quality: entry.quality,
    error: entry.error,
    readAt: entry.readAt,
  };
}

/** The entry read good: the reading's stamp and the host's time of it. */
function markGood(entry: CacheEntry, at: number, readAt: number): void {
  entry.valueAt = at;
  entry.quality = 'good';
  entry.error = undefined;
  entry.readAt = readAt;
}

/**
 * Records a good reading in `entry`, in place: nothing is allocated, and `value` is copied, not
 * kept (the caller may hand it on). True when the value differs from the last good one (by
 * `equal`), or there was none, or the last read failed: a change to report.
 */
export function recordGoodReading(
  entry: CacheEntry,
  value: PointValue,
  at: number,
  readAt: number,
  equal: (a: PointValue, b: PointValue) => boolean,
): boolean {
  const changed = entry.quality === 'bad' || entry.value === undefined || !equal(entry.value, value);
  if (changed) entry.value = overwrite(entry.value, value);
  markGood(entry, at, readAt);
  return changed;
}

/**
 * Records a good reading of a number of the given resource type (in `number.value`: see
 * `plainLwm2mNumber`), in place as `recordGoodReading` does but without a value object: the same
 * outcome as `recordGoodReading(entry, { type, value: number.value }, ...)`.
 */
export function recordGoodNumber(
  entry: CacheEntry,
  type: 'float' | 'integer' | 'unsigned',
  number: NumberSlot,
  at: number,
  readAt: number,
): boolean {
  const held = entry.value;
  let changed = true;
  if (held instanceof HeldNumber) {
    // valuesEqual for numbers of one type: the same value, zero of either sign, or (floats) both NaN
    changed =
      entry.quality === 'bad' ||
      held.type !== type ||
      !(
        held.value === number.value ||
        (type === 'float' && Number.isNaN(held.value) && Number.isNaN(number.value))
      );
    if (changed) {
      held.type = type;
      held.value = number.value;
    }
  } else {
    entry.value = new HeldNumber(type, number.value);
  }
  markGood(entry, at, readAt);
  return changed;
}

/**
 * Records a failed reading in `entry`, keeping the last good value. True when the point was good
 * or not read since it was written or created: a new failure, not a repeat.
 */
export function recordFailedReading(entry: CacheEntry, error: CodedError, readAt: number): boolean {
  const first = entry.quality === 'good' || entry.readAt === 0;
  entry.quality = 'bad';
  entry.error = error;
  entry.readAt = readAt;
  return first;
}

/** Whether the entry's last read completed at most `maxAgeMs` before `now`. */
export function isFresh(entry: CacheEntry, now: number, maxAgeMs: number): boolean {
  return entry.readAt !== 0 && now - entry.readAt <= maxAgeMs;
}

/**
 * The last reading of each point of one device, with timestamp and quality. A failed read keeps
 * the last good value (marked bad) so a recovery can be told from a change.
 */
export class PointCache {
  readonly #entries = new Map<string, CacheEntry>();

  /** The point's last reading (a snapshot: later readings do not change it). */
  get(pointId: string): CachedPoint {
    const entry = this.#entries.get(pointId);
    return entry === undefined ? EMPTY : exposed(entry);
  }

  /**
   * Records a good reading taken at `at` (the adapter's stamp) and recorded at `readAt` (the host's
   * clock, which freshness is measured on); returns the previous entry.
   */
  setValue(pointId: string, value: PointValue, at: number, readAt = at): CachedPoint {
    const previous = this.get(pointId);
    this.#entries.set(pointId, goodEntry(value, at, readAt));
    return previous;
  }

  /**
   * Records a good reading the way a poll does, in place: nothing is allocated once the point has
   * an entry, and `value` is copied, not kept (the caller may hand it on). True when the value
   * differs from the last good one (by `equal`), or there was none, or the last read failed: a
   * change to report.
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
      this.#entries.set(pointId, goodEntry(value, at, readAt));
      return true;
    }
    return recordGoodReading(entry, value, at, readAt, equal);
  }

  /** Records a failed reading recorded at `readAt`, keeping the last good value; returns the previous entry. */
  setError(pointId: string, error: CodedError, readAt: number): CachedPoint {
    const entry = this.#entries.get(pointId);
    if (entry !== undefined) {
      const previous = exposed(entry);
      recordFailedReading(entry, error, readAt);
      return previous;
    }
    this.#entries.set(pointId, { ...EMPTY, quality: 'bad', error, readAt });
    return EMPTY;
  }

  /** The entry when its last read completed at most `maxAgeMs` before `now`, else undefined. */
  fresh(pointId: string, now: number, maxAgeMs: number): CachedPoint | undefined {
    const entry = this.#entries.get(pointId);
    return entry !== undefined && isFresh(entry, now, maxAgeMs) ? exposed(entry) : undefined;
  }

  /** Forgets when the point was read (after a write): the next read goes to the device. */
  invalidate(pointId: string): void {
    const entry = this.#entries.get(pointId);
    if (entry !== undefined) entry.readAt = 0;
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
