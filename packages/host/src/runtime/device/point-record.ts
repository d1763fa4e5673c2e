import type { CodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint, PointValue } from '@lwm2m-adapters/mapping';
import type { RawValue } from '@lwm2m-adapters/sdk';
import { type CacheEntry, type PointQuality, valueSnapshot } from './point-cache.js';
import type { PathedPoint } from './poll-intervals.js';

/** What a record knows of the device value behind its value (PointRecord.holdsRaw). */
const RAW_NONE = 0;
const RAW_NUMBER = 1;
const RAW_TRUE = 2;
const RAW_FALSE = 3;

/**
 * A point whose value changed, as a change listener gets it: its path (with the report prefix) and
 * its value are made when first asked for, so a change nobody observes or sends makes neither
 * (issue 16); its prefix and object id say whether an observation may concern it.
 */
export interface ChangedPoint {
  /** The prefix of `reportedPath` (a gateway's end device), if any. */
  readonly reportPrefix: string | undefined;
  readonly objectId: number;
  readonly reportedPath: LwM2mPath;
  /**
   * The point's value now, as a copy no later reading changes: made when asked for, so a change
   * that nothing sends costs no value object (issue 16).
   */
  currentValue(): PointValue;
}

/**
 * Everything a device runner keeps about one bound point, in one object: the compiled point, its
 * LwM2M path (and the path its changes are reported under), the last reading (a point-cache
 * entry, updated in place) and its background read interval. One record per point and one map
 * from point id to record per device: the runner's points, cache and poll intervals used to be
 * four maps and three objects per point (issue 16: ~150 bytes per point of hash tables alone).
 */
export class PointRecord implements PathedPoint, CacheEntry, ChangedPoint {
  #point: CompiledBoundPoint;
  /** The prefix of the path changes are reported under (a gateway's end device), if any. */
  readonly #prefix: string | undefined;
  /**
   * The path changes are reported under, made when a change is first observed or sent (the
   * engine finds observers by its identity).
   */
  #reported: LwM2mPath | undefined;
  value: PointValue | undefined = undefined;
  valueAt = 0;
  quality: PointQuality = 'bad';
  error: CodedError | undefined = undefined;
  readAt = 0;
  /** Background read interval in ms; 0 when the point is not polled. */
  pollMs = 0;
  /**
   * The device value `value` was last converted from, when it is a number or a boolean (see
   * `holdsRaw`): the kind (RAW_NONE, RAW_NUMBER, RAW_TRUE, RAW_FALSE) and, for a number, the number.
   * Both start as numbers, so V8 keeps them in place: remembering a value allocates nothing.
   */
  #rawKind = RAW_NONE;
  #rawNumber = Number.NaN;

  constructor(point: CompiledBoundPoint, reportPrefix?: string) {
    this.#point = point;
    this.#prefix = reportPrefix;
  }

  /** The compiled point; `retune` replaces it (reporting settings only, same id and path). */
  get point(): CompiledBoundPoint {
    return this.#point;
  }

  set point(point: CompiledBoundPoint) {
    this.#point = point;
    this.#rawKind = RAW_NONE; // a new point may convert differently: no value is known to be current
  }

  /**
   * Whether `raw` is the device value the current good value was converted from: then converting
   * it again gives the same value, and a poll that reads it has nothing to convert, compare or
   * report (issue 16: most polled values do not change). Numbers and booleans only; NaN never is.
   */
  holdsRaw(raw: RawValue): boolean {
    if (this.quality !== 'good') return false;
    switch (typeof raw) {
      case 'number':
        return this.#rawKind === RAW_NUMBER && raw === this.#rawNumber;
      case 'boolean':
        return this.#rawKind === (raw ? RAW_TRUE : RAW_FALSE);
      default:
        return false;
    }
  }

  /** Remembers the device value the good value just recorded was converted from (see `holdsRaw`). */
  rememberRaw(raw: RawValue): void {
    switch (typeof raw) {
      case 'number':
        this.#rawKind = RAW_NUMBER;
        this.#rawNumber = raw;
        return;
      case 'boolean':
        this.#rawKind = raw ? RAW_TRUE : RAW_FALSE;
        return;
      default:
        this.#rawKind = RAW_NONE;
    }
  }

  get reportPrefix(): string | undefined {
    return this.#prefix;
  }

  get objectId(): number {
    return this.#point.objectId;
  }

  /** The path changes of this point are reported under: one object for the record's life. */
  get reportedPath(): LwM2mPath {
    if (this.#reported === undefined) {
      const own = LwM2mPath.parse(this.#point.id);
      this.#reported = this.#prefix === undefined ? own : own.withPrefix(this.#prefix);
    }
    return this.#reported;
  }

  currentValue(): PointValue {
    const value = valueSnapshot(this);
    if (value === undefined) throw new Error(`point ${this.#point.id} has no value yet`);
    return value;
  }

  /**
   * The point's own LwM2M path (no prefix). With a report prefix it is parsed again on each call:
   * only planning (poll intervals, subscriptions) asks for it, and a record keeps one path, not two.
   */
  get path(): LwM2mPath {
    return this.#prefix === undefined ? this.reportedPath : LwM2mPath.parse(this.#point.id);
  }
}
