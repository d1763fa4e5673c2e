import type { Clock } from '@lwm2m-adapters/kit';
import {
  type DeviceInfo,
  deviceInstance,
  type InstanceDeclaration,
  type ObjectDeclaration,
  type ObservationAttributes,
} from '@lwm2m-adapters/lwm2m-client';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';

const DEVICE_OBJECT = 3;

/** What the host's own /3 says about a mapped device when the mapping maps no /3 resource. */
export function mappedDeviceInfo(device: CompiledDevice, hostVersion: string): DeviceInfo {
  return {
    manufacturer: 'lwm2m-adapters',
    modelNumber: `${device.adapter.name} device`,
    serialNumber: device.id,
    firmwareVersion: `${device.adapter.name} adapter ${device.adapter.version}`,
    softwareVersion: `adapter-host ${hostVersion}`,
    supportedBindings: 'U',
  };
}

/**
 * The device's objects with a /3 Device instance 0: the host's one (`info`), with whatever /3
 * resources the mapping maps taking precedence. LwM2M requires /3 on every client and, under the
 * Gateway function, on every end device.
 */
export function withDeviceObject(
  objects: ReadonlyMap<number, ObjectDeclaration>,
  info: DeviceInfo,
  clock: Clock,
): Map<number, ObjectDeclaration> {
  const result = new Map(objects);
  const mapped = objects.get(DEVICE_OBJECT);
  const base = new Map(asEntries(deviceInstance(info, clock)));
  const mappedInstances = mapped?.instances === undefined ? [] : asEntries(mapped.instances);
  const mappedZero = mappedInstances.find(([id]) => id === 0)?.[1];
  if (mappedZero !== undefined) for (const [id, resource] of asEntries(mappedZero)) base.set(id, resource);
  const instances = new Map<number, InstanceDeclaration>(mappedInstances);
  instances.set(0, base);
  result.set(DEVICE_OBJECT, { ...mapped, instances });
  return result;
}

function asEntries<T>(input: Readonly<Record<number, T>> | ReadonlyMap<number, T>): [number, T][] {
  return input instanceof Map
    ? [...(input as ReadonlyMap<number, T>)]
    : Object.entries(input as Record<string, T>).map(([k, v]) => [Number(k), v]);
}

/** Mapped points' pmin/pmax/deadband as LwM2M attributes (deadband becomes `st` on numeric resources). */
export function mappingAttributes(
  device: CompiledDevice,
): { readonly path: string; readonly attributes: ObservationAttributes }[] {
  const result: { path: string; attributes: ObservationAttributes }[] = [];
  for (const point of device.points) {
    if (point.kind !== 'bound' || !point.access.read) continue;
    const { pminMs, pmaxMs, deadband } = point.reporting;
    const numeric =
      point.resourceType === 'float' || point.resourceType === 'integer' || point.resourceType === 'unsigned';
    const attributes: { pmin?: number; pmax?: number; st?: number } = {};
    if (pminMs !== undefined) attributes.pmin = Math.floor(pminMs / 1000);
    if (pmaxMs !== undefined) attributes.pmax = Math.max(1, Math.ceil(pmaxMs / 1000));
    if (deadband !== undefined && deadband > 0 && numeric) attributes.st = deadband;
    if (Object.keys(attributes).length > 0) result.push({ path: point.id, attributes });
  }
  return result;
}
