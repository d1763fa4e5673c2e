import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint } from '@lwm2m-adapters/mapping';

/** An observed path of one device (no gateway prefix) and how often the server wants it evaluated. */
export interface ObservedRange {
  readonly path: LwM2mPath;
  /** Sample no more often than this (epmin), when set. */
  readonly minMs: number | undefined;
  /** Sample at least this often (epmax, else pmax), when bounded. */
  readonly maxMs: number | undefined;
  /** Notify no more often than this (pmin), when set: a subscription need not sample faster. */
  readonly pminMs?: number | undefined;
  /** Smallest change notified (st), in LwM2M units, when set: a subscription's deadband. */
  readonly step?: number | undefined;
}

/** A bound point with its parsed LwM2M path (no gateway prefix). */
export interface PathedPoint {
  readonly point: CompiledBoundPoint;
  readonly path: LwM2mPath;
}

export interface PollIntervalDefaults {
  /** How often an observed point is read when neither the mapping nor the attributes say. */
  readonly observedPollMs: number;
  /** No point is read more often than this, whatever asks. */
  readonly minPollMs: number;
}

/**
 * How often each readable point is read in the background: the mapping's `poll` when it has one,
 * faster when an observation needs it. An observed point is read every `observedPollMs`, but at
 * least every epmax/pmax (so a pmax notification carries a fresh value) and no more often than
 * epmin. Points neither polled by the mapping nor observed are not read in the background.
 */
export function pointPollIntervals(
  points: readonly PathedPoint[],
  observed: readonly ObservedRange[],
  defaults: PollIntervalDefaults,
): Map<string, number> {
  const intervals = new Map<string, number>();
  for (const pathed of points) {
    const { point } = pathed;
    if (!point.access.read) continue;
    // asked for only when there is an observation to match: a PointRecord parses it on each access
    const path = observed.length > 0 ? pathed.path : undefined;
    let interval =
      point.reporting.pollMs !== undefined && point.reporting.pollMs > 0
        ? point.reporting.pollMs
        : Number.POSITIVE_INFINITY;
    for (const range of observed) {
      if (!path!.startsWith(range.path)) continue;
      let wanted = defaults.observedPollMs;
      if (range.maxMs !== undefined) wanted = Math.min(wanted, range.maxMs);
      if (range.minMs !== undefined) wanted = Math.max(wanted, range.minMs);
      interval = Math.min(interval, wanted);
    }
    if (Number.isFinite(interval)) intervals.set(point.id, Math.max(defaults.minPollMs, interval));
  }
  return intervals;
}
