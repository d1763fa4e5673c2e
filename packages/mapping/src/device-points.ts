import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { PointSpec } from '@lwm2m-adapters/sdk';
import type { CompiledBoundPoint, CompiledDevice, CompiledMapping } from './compiled-mapping.js';

/** The device's bound points as the adapter session wants them (`SessionContext.points`). */
export function devicePointSpecs(device: CompiledDevice): PointSpec<unknown>[] {
  return device.points
    .filter((point): point is CompiledBoundPoint => point.kind === 'bound')
    .map((point) => ({ id: point.id, source: point.source, access: point.access }));
}

/**
 * A registry for running the mapping: `base` (default: the OMA objects) plus the custom object
 * definitions the mapping loaded from its `objects:` DDF files.
 */
export function mappingObjectRegistry(mapping: CompiledMapping, base?: ObjectRegistry): ObjectRegistry {
  const registry = new ObjectRegistry(
    base?.listAllVersions() ?? ObjectRegistry.withOmaObjects().listAllVersions(),
  );
  for (const definition of mapping.objectDefinitions)
    registry.add(definition, { source: mapping.source.file });
  return registry;
}
