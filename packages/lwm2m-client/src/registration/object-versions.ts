import type { ObjectModel } from '@lwm2m-adapters/lwm2m-core';

/**
 * Object versions an LwM2M 1.1 server assumes when a Register link carries no `ver` (Core TS 1.1
 * §6.2.1.2; the table Leshan uses). Any other object is assumed to be 1.0.
 */
export const LWM2M_1_1_CORE_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0, '1.1'],
  [1, '1.1'],
  [2, '1.0'],
  [3, '1.1'],
  [4, '1.2'],
  [5, '1.0'],
  [6, '1.0'],
  [7, '1.0'],
  [21, '1.0'],
]);

/** The version a server assumes for `objectId` when no `ver` is given. */
export function assumedObjectVersion(objectId: number): string {
  return LWM2M_1_1_CORE_VERSIONS.get(objectId) ?? '1.0';
}

/** `ver` to announce in Register/Update and /25/x/3: the version when it differs from the assumed one. */
export function announcedVersion(objectId: number, version: string): string | undefined {
  return version === assumedObjectVersion(objectId) ? undefined : version;
}

/**
 * The version a client uses when the host names none: the 1.1 core default when the model has it
 * (the registry's latest /3 is 1.2, which a 1.1 client would have to announce), else the model's
 * default. Undefined when the model does not know the object.
 */
export function defaultClientVersion(model: ObjectModel, objectId: number): string | undefined {
  const core = LWM2M_1_1_CORE_VERSIONS.get(objectId);
  if (core !== undefined && model.getObject(objectId, core) !== undefined) return core;
  return model.getObject(objectId)?.version;
}
