import type { CodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint, PointValue } from '@lwm2m-adapters/mapping';
import type { CacheEntry, PointQuality } from './point-cache.js';
import type { PathedPoint } from './poll-intervals.js';

/**
 * A point whose value changed, as a change listener gets it: its path (with the report prefix) is
 * made when first asked for, so a change nobody observes or sends makes no path (issue 16); its
 * prefix and object id say whether an observation may concern it.
 */
export interface ChangedPoint {
  /** The prefix of `reportedPath` (a gateway's end device), if any. */
  readonly reportPrefix: string | undefined;
  readonly objectId: number;
  readonly reportedPath: LwM2mPath;
}

/**
 * Everything a device runner keeps about one bound point, in one object: the compiled point, its
 * LwM2M path (and the path its changes are reported under), the last reading (a point-cache
 * entry, updated in place) and its background read interval. One record per point and one map
 * from point id to record per device: the runner's points, cache and poll intervals used to be
 * four maps and three objects per point (issue 16: ~150 bytes per point of hash tables alone).
 */
export class PointRecord implements PathedPoint, CacheEntry, ChangedPoint {
  /** The compiled point; `retune` replaces it (reporting settings only, same id and path). */
  point: CompiledBoundPoint;
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

  constructor(point: CompiledBoundPoint, reportPrefix?: string) {
    this.point = point;
    this.#prefix = reportPrefix;
  }

  get reportPrefix(): string | undefined {
    return this.#prefix;
  }

  get objectId(): number {
    return this.point.objectId;
  }

  /** The path changes of this point are reported under: one object for the record's life. */
  get reportedPath(): LwM2mPath {
    if (this.#reported === undefined) {
      const own = LwM2mPath.parse(this.point.id);
      this.#reported = this.#prefix === undefined ? own : own.withPrefix(this.#prefix);
    }
    return this.#reported;
  }

  /**
   * The point's own LwM2M path (no prefix). With a report prefix it is parsed again on each call:
   * only planning (poll intervals, subscriptions) asks for it, and a record keeps one path, not two.
   */
  get path(): LwM2mPath {
    return this.#prefix === undefined ? this.reportedPath : LwM2mPath.parse(this.point.id);
  }
}
