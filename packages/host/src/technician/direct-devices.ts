import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import {
  type CompiledBoundPoint,
  type CompiledDevice,
  type CompiledMapping,
  mappingObjectRegistry,
  type PointValue,
  toPointValue,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, AdapterSession, PointReading } from '@lwm2m-adapters/sdk';
import type { Logger } from 'pino';

/** One mapped point as the technician's commands show it. */
export interface DirectPoint {
  /** `/prefix/3303/0/5700`: the path a gateway server sees. */
  readonly path: string;
  /** The resource's name from the object registry, e.g. `Sensor Value`. */
  readonly name: string;
  readonly point: CompiledBoundPoint;
}

/** A device of the mapping with a session straight to it: no LwM2M server in between. */
export interface DirectDevice {
  readonly device: CompiledDevice;
  readonly adapter: AdapterDefinition;
  readonly session: AdapterSession;
  /** Its bound points in mapping order. */
  readonly points: readonly DirectPoint[];
}

/** What one point read gave: its LwM2M value after the mapping's conversions, or why not. */
export type DirectReading =
  | { readonly ok: true; readonly value: PointValue; readonly at: number }
  | { readonly ok: false; readonly error: CodedError; readonly at: number };

/** The gateway path of a point: `/prefix` then the point's path. */
export function gatewayPath(device: CompiledDevice, point: CompiledBoundPoint): string {
  return `/${device.prefix}${point.path}`;
}

function resourceName(registry: ObjectRegistry, point: CompiledBoundPoint): string {
  return registry.getResource(point.objectId, point.resourceId)?.name ?? '';
}

/**
 * Opens a session to each device of the mapping (or only `deviceIds`), as the host would, but for
 * one person at a terminal: readings go through the mapping's conversions and nothing registers
 * anywhere. `close` closes every session (idempotent).
 */
export async function openDirectDevices(
  mapping: CompiledMapping,
  adapters: ReadonlyMap<string, AdapterDefinition>,
  logger: Logger,
  deviceIds?: readonly string[],
): Promise<{ readonly devices: readonly DirectDevice[]; close(): Promise<void> }> {
  const registry = mappingObjectRegistry(mapping);
  const chosen =
    deviceIds === undefined ? mapping.devices : mapping.devices.filter((d) => deviceIds.includes(d.id));
  const unknown = (deviceIds ?? []).filter((id) => !mapping.devices.some((d) => d.id === id));
  if (unknown.length > 0) {
    throw new CodedError(
      'CONFIG_INVALID',
      `no device ${unknown.map((id) => JSON.stringify(id)).join(', ')} in the mapping; its devices: ${mapping.devices.map((d) => d.id).join(', ')}`,
    );
  }
  const devices: DirectDevice[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(devices.map((d) => d.session.close()));
  };
  try {
    for (const device of chosen) {
      const adapter = adapters.get(device.adapter.name);
      if (adapter === undefined)
        throw new Error(`adapter ${JSON.stringify(device.adapter.name)} of a compiled mapping is not loaded`);
      const bound = device.points.filter((p): p is CompiledBoundPoint => p.kind === 'bound');
      const session = adapter.createSession({
        deviceId: device.id,
        connection: adapter.connectionSchema.parse(device.connection),
        points: bound.map((p) => ({
          id: p.id,
          source: adapter.pointSchema.parse(p.source),
          access: p.access,
        })),
        logger: logger.child({ deviceId: device.id }),
      });
      devices.push({
        device,
        adapter,
        session,
        points: bound.map((point) => ({
          path: gatewayPath(device, point),
          name: resourceName(registry, point),
          point,
        })),
      });
    }
    await Promise.all(devices.map((d) => d.session.start()));
  } catch (error) {
    await close();
    throw error;
  }
  return { devices, close };
}

/** Reads points of one device and converts each reading as the host does. Never rejects for a device error. */
export async function readDirect(
  device: DirectDevice,
  points: readonly DirectPoint[],
): Promise<Map<string, DirectReading>> {
  const readings = new Map<string, DirectReading>();
  let raw: PointReading[];
  try {
    raw = await device.session.read(points.map((p) => p.point.id));
  } catch (cause) {
    const error = isCodedError(cause) ? cause : new CodedError('DEVICE_FAILURE', String(cause), { cause });
    for (const p of points) readings.set(p.point.id, { ok: false, error, at: Date.now() });
    return readings;
  }
  for (const reading of raw) {
    const p = points.find((candidate) => candidate.point.id === reading.pointId);
    if (p === undefined) continue;
    if (!reading.ok) {
      readings.set(reading.pointId, { ok: false, error: reading.error, at: reading.timestamp });
      continue;
    }
    try {
      readings.set(reading.pointId, {
        ok: true,
        value: toPointValue(p.point, reading.value),
        at: reading.timestamp,
      });
    } catch (error) {
      readings.set(reading.pointId, {
        ok: false,
        error: isCodedError(error) ? error : new CodedError('DEVICE_FAILURE', String(error)),
        at: reading.timestamp,
      });
    }
  }
  return readings;
}
