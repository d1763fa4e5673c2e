import {
  type CompiledMapping,
  devicePointSpecs,
  formatMappingHint,
  type MappingHint,
  mappingHints,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, AdapterPlan } from '@lwm2m-adapters/sdk';

/** A device's read plan as its adapter describes it (undefined when the adapter prints none). */
export function devicePlan(
  device: CompiledMapping['devices'][number],
  adapter: AdapterDefinition | undefined,
): AdapterPlan | undefined {
  if (adapter?.plan === undefined) return undefined;
  const points = devicePointSpecs(device).map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) }));
  return adapter.plan(adapter.connectionSchema.parse(device.connection), points);
}

/**
 * Every hint about a mapping that compiles: the mapping's own (points never read) and each
 * adapter's (from its plan: Modicon-style addresses, requests a setting would save), located at
 * the point, or at the device for hints about its connection.
 */
export function mappingAdvice(
  mapping: CompiledMapping,
  adapters: ReadonlyMap<string, AdapterDefinition>,
): MappingHint[] {
  const hints = mappingHints(mapping);
  for (const device of mapping.devices) {
    for (const hint of devicePlan(device, adapters.get(device.adapter.name))?.hints ?? []) {
      const point = device.points.find((p) => p.id === hint.pointId);
      hints.push({
        deviceId: device.id,
        path: point?.path,
        location: point?.location ?? device.location,
        message: point === undefined ? `${device.id}: ${hint.message}` : `${point.path}: ${hint.message}`,
      });
    }
  }
  return hints.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}

/** The hints as printed lines (`file:line:column: hint: message`). */
export function adviceLines(hints: readonly MappingHint[]): string[] {
  return hints.map(formatMappingHint);
}
