import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint, CompiledMapping, SourceLocation } from './compiled-mapping.js';
import { mappingObjectRegistry } from './device-points.js';

/** Advice about a mapping that compiles: nothing wrong, but probably not what was meant. */
export interface MappingHint {
  readonly deviceId: string;
  /** The point's path, or undefined for the device. */
  readonly path: string | undefined;
  readonly location: SourceLocation;
  readonly message: string;
}

/**
 * Hints the mapping alone gives: a bound point of a resource servers read and observe that the
 * host will never read, because the mapping binds it for writing only (`access: w`): a Read or
 * Observe gets no value, and a `poll` on it is wasted.
 */
export function mappingHints(
  mapping: CompiledMapping,
  registry: ObjectRegistry = mappingObjectRegistry(mapping),
): MappingHint[] {
  const hints: MappingHint[] = [];
  for (const device of mapping.devices) {
    for (const point of device.points) {
      if (point.kind !== 'bound') continue;
      const readable =
        registry.getResource(point.objectId, point.resourceId)?.operations.includes('R') === true;
      const message = readable ? neverReadReason(point) : undefined;
      if (message !== undefined)
        hints.push({ deviceId: device.id, path: point.path, location: point.location, message });
    }
  }
  return hints;
}

function neverReadReason(point: CompiledBoundPoint): string | undefined {
  if (point.access.read || point.access.execute) return undefined;
  if (point.reporting.pollMs !== undefined)
    return `${point.path} is polled every ${point.reporting.pollMs} ms but written only (access: w): the reads are wasted; use access: rw`;
  return `${point.path} is never read: access: w, no poll, and a server's Read or Observe of it gets no value; use access: rw if the device can report it`;
}

/** `file:line:column: hint: message`, as validate and plan print it. */
export function formatMappingHint(hint: MappingHint): string {
  return `${hint.location.file}:${hint.location.line}:${hint.location.column}: hint: ${hint.message}`;
}
