import type { CompiledDevice, CompiledMapping } from './compiled-mapping.js';

/** Which devices a reload adds, removes, changes or keeps (by device id). */
export interface MappingDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  /** Custom object definitions differ (the host may need a fresh registry). */
  readonly objectDefinitionsChanged: boolean;
}

/** What the host runs for a device; source locations do not count (moving lines changes nothing). */
function behaviour(device: CompiledDevice): string {
  const points = device.points.map(({ location: _location, ...point }) => point);
  const { location: _location, ...rest } = device;
  return JSON.stringify({ ...rest, points });
}

/** Compares two compiled mappings device by device, for a hot reload. */
export function diffCompiledMappings(previous: CompiledMapping, next: CompiledMapping): MappingDiff {
  const before = new Map(previous.devices.map((device) => [device.id, behaviour(device)]));
  const after = new Map(next.devices.map((device) => [device.id, behaviour(device)]));
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [id, text] of after) {
    const old = before.get(id);
    if (old === undefined) added.push(id);
    else if (old === text) unchanged.push(id);
    else changed.push(id);
  }
  const removed = [...before.keys()].filter((id) => !after.has(id));
  return {
    added,
    removed,
    changed,
    unchanged,
    objectDefinitionsChanged:
      JSON.stringify(previous.objectDefinitions) !== JSON.stringify(next.objectDefinitions),
  };
}
