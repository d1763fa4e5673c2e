import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import type { DevicePlacement } from '../topology/host-topology.js';
import { mappingAttributes } from './device-objects.js';

/**
 * Whether a reporting-only change of a device (`MappingDiff.retuned`) can be applied in place: its
 * mapping attributes (pmin, pmax, st from the deadband) may be added or changed, but attributes
 * the new mapping drops cannot be told apart from those a server wrote; such a change restarts
 * the device instead.
 */
export function retunableInPlace(before: CompiledDevice, after: CompiledDevice): boolean {
  const next = new Map(mappingAttributes(after).map(({ path, attributes }) => [path.toString(), attributes]));
  return mappingAttributes(before).every(({ path, attributes }) => {
    const kept = next.get(path.toString());
    return kept !== undefined && Object.keys(attributes).every((name) => Object.hasOwn(kept, name));
  });
}

/**
 * Applies a reporting-only change to a running device: new poll intervals to its runner, new
 * mapping attributes to its endpoint (under its gateway prefix). The registration, the
 * observations and the session stay.
 */
export function retunePlacement(placement: DevicePlacement, device: CompiledDevice): void {
  placement.runner.retune(device);
  for (const { path, attributes } of mappingAttributes(device)) {
    placement.endpoint.client.attachAttributes(path.withPrefix(placement.prefix), attributes);
  }
}
