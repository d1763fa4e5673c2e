import type { IssueCollector } from './issue-collector.js';
import { type LocatedEntry, type LocatedMap, type LocatedNode, makeMap } from './located-node.js';
import { canonicalPointPath } from './point-target.js';

/** Keys of a template that merge deeply into the device's (device values win). */
const DEEP_MERGED = new Set(['connection', 'defaults']);

/**
 * A device entry merged over its template: `connection` and `defaults` deep-merge, `points` merge
 * per LwM2M path (a device point replaces the template's whole point; `null` removes it), other
 * keys are replaced. Every merged node keeps its own origin, so an error points at the device's
 * text when the device set the value, else at the template's.
 */
export function mergeDeviceOverTemplate(
  template: LocatedMap | undefined,
  device: LocatedMap,
  issues: IssueCollector,
  deviceId: string,
): LocatedMap {
  const entries = new Map<string, LocatedEntry>();
  const templatePoints = template?.entries.get('points');
  const devicePoints = device.entries.get('points');
  if (template !== undefined) {
    for (const [key, entry] of template.entries) if (key !== 'description') entries.set(key, entry);
  }
  for (const [key, entry] of device.entries) {
    const inherited = entries.get(key);
    entries.set(
      key,
      inherited !== undefined && DEEP_MERGED.has(key)
        ? { ...entry, value: deepMerge(inherited.value, entry.value) }
        : entry,
    );
  }
  if (templatePoints !== undefined || devicePoints !== undefined) {
    const merged = mergePoints(templatePoints, devicePoints, issues, deviceId);
    if (merged !== undefined) entries.set('points', merged);
  }
  return makeMap(device.origin, entries);
}

function deepMerge(base: LocatedNode, override: LocatedNode): LocatedNode {
  if (base.kind !== 'map' || override.kind !== 'map') return override;
  const entries = new Map(base.entries);
  for (const [key, entry] of override.entries) {
    const inherited = entries.get(key);
    entries.set(
      key,
      inherited === undefined ? entry : { ...entry, value: deepMerge(inherited.value, entry.value) },
    );
  }
  return makeMap(override.origin, entries);
}

function mergePoints(
  templatePoints: LocatedEntry | undefined,
  devicePoints: LocatedEntry | undefined,
  issues: IssueCollector,
  deviceId: string,
): LocatedEntry | undefined {
  const base =
    templatePoints?.value.kind === 'map'
      ? canonicalPoints(templatePoints.value, issues, deviceId)
      : undefined;
  const own =
    devicePoints?.value.kind === 'map' ? canonicalPoints(devicePoints.value, issues, deviceId) : undefined;
  if (own === undefined || base === undefined) {
    // Not both maps: keep what is there so the shape check reports it.
    const chosen = devicePoints ?? templatePoints;
    if (chosen === undefined) return undefined;
    const canonical = own ?? base;
    return canonical === undefined ? chosen : { ...chosen, value: makeMap(chosen.value.origin, canonical) };
  }
  const entries = new Map(base);
  for (const [key, entry] of own) {
    if (entry.value.kind === 'scalar' && entry.value.value === null) {
      if (!entries.delete(key)) {
        issues.add({
          origin: entry.keyOrigin,
          message: `${key}: null removes a template point, but the template has none at this path`,
          expected: 'a point, or no entry',
          device: deviceId,
        });
      }
      continue;
    }
    entries.set(key, entry);
  }
  const chosen = devicePoints ?? templatePoints;
  return chosen === undefined ? undefined : { ...chosen, value: makeMap(chosen.value.origin, entries) };
}

/** Point entries keyed by canonical LwM2M path; two keys naming the same path are reported. */
function canonicalPoints(
  points: LocatedMap,
  issues: IssueCollector,
  deviceId: string,
): Map<string, LocatedEntry> {
  const out = new Map<string, LocatedEntry>();
  for (const entry of points.entries.values()) {
    const canonical = canonicalPointPath(entry.key) ?? entry.key;
    const previous = out.get(canonical);
    if (previous !== undefined) {
      issues.add({
        origin: entry.keyOrigin,
        message: `${entry.key} is the same path as ${previous.key}, which is already mapped`,
        expected: 'each LwM2M path once per device',
        device: deviceId,
      });
      continue;
    }
    out.set(canonical, canonical === entry.key ? entry : { ...entry, key: canonical });
  }
  return out;
}
