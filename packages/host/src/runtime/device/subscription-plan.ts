import type { SubscriptionOptions } from '@lwm2m-adapters/sdk';
import type { ObservedRange, PathedPoint, PollIntervalDefaults } from './poll-intervals.js';

/** Points subscribed together, with the options they share. */
export interface SubscriptionGroup {
  /** The options as text: groups are told apart, and kept across updates, by it. */
  readonly key: string;
  readonly options: SubscriptionOptions;
  /** Sorted. */
  readonly pointIds: readonly string[];
}

/**
 * Whether a point is read by the host in the background (polled) when its adapter can subscribe:
 * when the mapping asks for it with a `poll` on the point or on its device (or template). The
 * mapping-wide `defaults: poll` does not: it paces polled adapters in a mixed mapping. Every other
 * observed point becomes a device-side subscription.
 */
export function pollsDespiteSubscribe(point: PathedPoint): boolean {
  const { pollMs, pollRequested } = point.point.reporting;
  return pollRequested === true && pollMs !== undefined && pollMs > 0;
}

/**
 * The device-side subscriptions of the readable points that are not polled and are observed or
 * paced by the mapping's defaults (`defaults: poll`, which a subscribing adapter serves by
 * subscription: the device pushes changes sampled that often, so Send and the cache stay as fresh
 * as a poll would keep them), grouped by identical options so that a device gets few `subscribe`
 * calls:
 *
 * - samplingIntervalMs: epmin when the observation sets it, else pmin when above 0 (the device
 *   pushes changes: sampling faster than notifications may go is useless), else `observedPollMs`;
 *   never slower than epmax/pmax or the mapping's pace, never faster than `minPollMs`. Several
 *   observations of a point: the fastest.
 * - deadband: the observation's st (smallest), else the mapping's deadband, converted to raw
 *   units (divided by |scale|); none for points whose raw values are not numbers or that go
 *   through an enum or a bit.
 * - queueSize: left to the adapter and the point (an LwM2M notification carries the latest value).
 */
export function subscriptionGroups(
  points: Iterable<PathedPoint>,
  observed: readonly ObservedRange[],
  defaults: PollIntervalDefaults,
): SubscriptionGroup[] {
  const groups = new Map<string, { options: SubscriptionOptions; pointIds: string[] }>();
  for (const pathed of points) {
    if (!pathed.point.access.read || pollsDespiteSubscribe(pathed)) continue;
    const options = pointOptions(pathed, observed, defaults);
    if (options === undefined) continue;
    const key = `${options.samplingIntervalMs}/${options.deadband ?? '-'}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { options, pointIds: [] };
      groups.set(key, group);
    }
    group.pointIds.push(pathed.point.id);
  }
  return [...groups]
    .map(([key, group]) => ({ key, options: group.options, pointIds: group.pointIds.sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The options of one point; undefined when no observation covers it and the mapping does not pace it. */
function pointOptions(
  pathed: PathedPoint,
  observed: readonly ObservedRange[],
  defaults: PollIntervalDefaults,
): SubscriptionOptions | undefined {
  const { point } = pathed;
  // asked for only when there is an observation to match: a PointRecord parses it on each access
  const path = observed.length > 0 ? pathed.path : undefined;
  let sampling = Number.POSITIVE_INFINITY;
  let step: number | undefined;
  let covered = false;
  for (const range of observed) {
    if (!path!.startsWith(range.path)) continue;
    covered = true;
    let wanted =
      range.minMs ??
      (range.pminMs !== undefined && range.pminMs > 0 ? range.pminMs : defaults.observedPollMs);
    if (range.maxMs !== undefined) wanted = Math.min(wanted, range.maxMs);
    sampling = Math.min(sampling, wanted);
    if (range.step !== undefined) step = step === undefined ? range.step : Math.min(step, range.step);
  }
  const paced = point.reporting.pollMs;
  if (paced !== undefined && paced > 0) sampling = Math.min(sampling, paced);
  else if (!covered) return undefined;
  const samplingIntervalMs = Math.max(defaults.minPollMs, sampling);
  const deadband = rawDeadband(point, step ?? point.reporting.deadband);
  return deadband === undefined ? { samplingIntervalMs } : { samplingIntervalMs, deadband };
}

/** A deadband in LwM2M units as the device's raw units; undefined when it has no meaning there. */
function rawDeadband(point: PathedPoint['point'], deadband: number | undefined): number | undefined {
  if (deadband === undefined || deadband <= 0) return undefined;
  if (point.rawKind !== 'number' && point.rawKind !== 'integer') return undefined;
  const { conversion } = point;
  if (conversion.enum !== undefined || conversion.bit !== undefined) return undefined;
  const scale = Math.abs(conversion.scale ?? 1);
  return scale === 0 ? undefined : deadband / scale;
}
