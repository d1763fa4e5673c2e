import type { CompiledDevice, CompiledMapping } from './compiled-mapping.js';

/** Which devices a reload adds, removes, changes or keeps (by device id). */
export interface MappingDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /**
   * Devices whose only change is how their points are reported (poll, pmin, pmax, deadband): a
   * host can apply it in place, without re-registering or losing observations.
   */
  readonly retuned: readonly string[];
  readonly unchanged: readonly string[];
  /** Custom object definitions differ (the host may need a fresh registry). */
  readonly objectDefinitionsChanged: boolean;
}

/**
 * What the host runs for a device; source locations do not count (moving lines changes nothing),
 * nor, with `withReporting: false`, how points are reported.
 */
function behaviour(device: CompiledDevice, withReporting = true): string {
  const points = device.points.map(({ location: _location, ...point }) => {
    if (withReporting || point.kind !== 'bound') return point;
    const { reporting: _reporting, ...rest } = point;
    return rest;
  });
  const { location: _location, ...rest } = device;
  return JSON.stringify({ ...rest, points });
}

/** Compares two compiled mappings device by device, for a hot reload. */
export function diffCompiledMappings(previous: CompiledMapping, next: CompiledMapping): MappingDiff {
  const before = new Map(previous.devices.map((device) => [device.id, device]));
  const added: string[] = [];
  const changed: string[] = [];
  const retuned: string[] = [];
  const unchanged: string[] = [];
  for (const device of next.devices) {
    const old = before.get(device.id);
    if (old === undefined) added.push(device.id);
    else if (behaviour(old) === behaviour(device)) unchanged.push(device.id);
    else if (behaviour(old, false) === behaviour(device, false)) retuned.push(device.id);
    else changed.push(device.id);
  }
  const after = new Set(next.devices.map((device) => device.id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  return {
    added,
    removed,
    changed,
    retuned,
    unchanged,
    objectDefinitionsChanged:
      JSON.stringify(previous.objectDefinitions) !== JSON.stringify(next.objectDefinitions),
  };
}
