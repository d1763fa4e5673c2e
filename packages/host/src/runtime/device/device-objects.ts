import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import {
  type DeviceInfo,
  deviceInstance,
  type ExecuteArguments,
  type InstanceDeclaration,
  type ObjectDeclaration,
  type ObservationAttributes,
  type ResourceContent,
  type ResourceDeclaration,
  type ResourceHandlers,
  type WrittenValue,
} from '@lwm2m-adapters/lwm2m-client';
import { LwM2mPath, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import {
  type CompiledBoundPoint,
  type CompiledDevice,
  constantValue,
  isInstanceValues,
  type PointValue,
} from '@lwm2m-adapters/mapping';
import { type WritePlan, WritePlans } from './write-plan.js';

/** The LwM2M Device object. */
export const DEVICE_OBJECT = 3;

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
): { readonly path: LwM2mPath; readonly attributes: ObservationAttributes }[] {
  const result: { path: LwM2mPath; attributes: ObservationAttributes }[] = [];
  for (const point of device.points) {
    if (point.kind !== 'bound' || !point.access.read) continue;
    const { pminMs, pmaxMs, deadband } = point.reporting;
    // st is for single numeric values: not a whole multiple-instance resource (an array point)
    const numeric =
      point.shape !== 'array' &&
      (point.resourceType === 'float' ||
        point.resourceType === 'integer' ||
        point.resourceType === 'unsigned');
    const attributes: { pmin?: number; pmax?: number; st?: number } = {};
    if (pminMs !== undefined) attributes.pmin = Math.floor(pminMs / 1000);
    if (pmaxMs !== undefined) attributes.pmax = Math.max(1, Math.ceil(pmaxMs / 1000));
    if (deadband !== undefined && deadband > 0 && numeric) attributes.st = deadband;
    if (Object.keys(attributes).length > 0) result.push({ path: LwM2mPath.parse(point.id), attributes });
  }
  return result;
}

/** What the declared resources of a device call: its device runner. */
export interface PointOperations {
  /** A server read of one point (an array point's: one value per resource instance). */
  read(pointId: string): Promise<PointValue>;
  /**
   * Converts and checks a written value (throws coded errors); the write gets the plan. An array
   * point gets every instance the resource has after the write.
   */
  plan(point: CompiledBoundPoint, value: ResourceValue | ReadonlyMap<number, ResourceValue>): WritePlan;
  write(plan: WritePlan): Promise<void>;
  execute(point: CompiledBoundPoint, args: ExecuteArguments): Promise<void>;
}

/**
 * The device's LwM2M objects: mapped points as resources whose handlers call `operations`,
 * constants as static values, each object at the version the mapping declares. An array point is
 * a whole multiple-instance resource: a Read gives every instance, a Write replaces the array
 * (every instance the resource has after it), a change notifies the resource. A written value is
 * planned once, in the validate handler the engine calls for the whole request before any write,
 * and its write handler gets that plan (see WritePlans); a write nobody validated is planned then.
 */
export function deviceObjectDeclarations(
  device: CompiledDevice,
  operations: PointOperations,
): Map<number, ObjectDeclaration> {
  const plans = new WritePlans();
  const byObject = new Map<number, Map<number, Map<number, ResourceDeclaration>>>();
  for (const object of device.objects) {
    byObject.set(object.objectId, new Map(object.instances.map((id) => [id, new Map()])));
  }
  const multiple = new Map<string, CompiledBoundPoint[]>();
  /**
   * Per instance, the constant resources the server may not write: every constant unless the
   * mapping says writable (one writable instance of a multiple resource makes it writable).
   */
  const readOnlyIds = new Map<Map<number, ResourceDeclaration>, Set<number>>();
  for (const point of device.points) {
    const instances = byObject.get(point.objectId) ?? new Map<number, Map<number, ResourceDeclaration>>();
    byObject.set(point.objectId, instances);
    const resources = instances.get(point.instanceId) ?? new Map<number, ResourceDeclaration>();
    instances.set(point.instanceId, resources);
    if (point.kind === 'constant') {
      const ids = readOnlyIds.get(resources) ?? new Set<number>();
      readOnlyIds.set(resources, ids);
      if (point.access.write) ids.delete(point.resourceId);
      else if (!resources.has(point.resourceId)) ids.add(point.resourceId);
      if (point.resourceInstanceId === undefined) resources.set(point.resourceId, constantValue(point));
      else {
        const existing = resources.get(point.resourceId);
        const map =
          existing instanceof Map
            ? (existing as Map<number, ResourceValue>)
            : new Map<number, ResourceValue>();
        map.set(point.resourceInstanceId, constantValue(point));
        resources.set(point.resourceId, map);
      }
      continue;
    }
    if (point.shape === 'array') {
      resources.set(point.resourceId, arrayResource(point, operations, plans));
    } else if (point.resourceInstanceId === undefined) {
      resources.set(point.resourceId, singleResource(point, operations, plans));
    } else {
      const key = `${point.objectId}/${point.instanceId}/${point.resourceId}`;
      const group = multiple.get(key) ?? [];
      group.push(point);
      multiple.set(key, group);
      resources.set(point.resourceId, multipleResource(group, operations, plans));
    }
  }
  // a static value is one the server may overwrite: a read-only constant is a read handler instead
  for (const [resources, ids] of readOnlyIds) {
    for (const id of ids) {
      const value = resources.get(id) as ResourceContent;
      resources.set(id, { read: () => value });
    }
  }
  const objects = new Map<number, ObjectDeclaration>();
  for (const [objectId, instances] of byObject) {
    const version = device.objects.find((o) => o.objectId === objectId)?.version;
    const declared: [number, InstanceDeclaration][] = [...instances].map(([id, resources]) => [
      id,
      resources,
    ]);
    objects.set(objectId, {
      ...(version === undefined ? {} : { version }),
      instances: new Map(declared),
    });
  }
  return objects;
}

/** What a single point resource's handlers work on: its methods read it from `this`. */
interface PointResourceState {
  readonly point: CompiledBoundPoint;
  readonly operations: PointOperations;
  readonly plans: WritePlans;
}

const pointResourceMethods = {
  async read(this: PointResourceState): Promise<ResourceContent> {
    return scalarOf(await this.operations.read(this.point.id));
  },
  validate(this: PointResourceState, value: WrittenValue): void {
    this.plans.remember(value, [this.operations.plan(this.point, value as ResourceValue)]);
  },
  async write(this: PointResourceState, value: WrittenValue): Promise<void> {
    const [plan] = this.plans.take(value) ?? [this.operations.plan(this.point, value as ResourceValue)];
    if (plan !== undefined) await this.operations.write(plan);
  },
  execute(this: PointResourceState, args: ExecuteArguments): Promise<void> {
    return this.operations.execute(this.point, args);
  },
};

/**
 * Handler prototypes by access (bit 1 read, 2 write, 4 execute), each holding only the methods the
 * access allows: the engine tells what a resource allows by which handlers it has. Immutable
 * functions, shared by every device; a resource is one small object over its prototype (a
 * handlers object with a closure per operation cost ~180 bytes per point, issue 16).
 */
const POINT_RESOURCE_PROTOTYPES: readonly ResourceHandlers[] = Array.from({ length: 8 }, (_, mask) =>
  Object.freeze({
    ...((mask & 1) !== 0 ? { read: pointResourceMethods.read } : {}),
    ...((mask & 2) !== 0
      ? { validate: pointResourceMethods.validate, write: pointResourceMethods.write }
      : {}),
    ...((mask & 4) !== 0 ? { execute: pointResourceMethods.execute } : {}),
  } as ResourceHandlers),
);

function singleResource(
  point: CompiledBoundPoint,
  operations: PointOperations,
  plans: WritePlans,
): ResourceHandlers {
  const mask = (point.access.read ? 1 : 0) | (point.access.write ? 2 : 0) | (point.access.execute ? 4 : 0);
  const handlers = Object.create(POINT_RESOURCE_PROTOTYPES[mask]!) as ResourceHandlers & {
    -readonly [K in keyof PointResourceState]: PointResourceState[K];
  };
  handlers.point = point;
  handlers.operations = operations;
  handlers.plans = plans;
  return handlers;
}

function multipleResource(
  points: readonly CompiledBoundPoint[],
  operations: PointOperations,
  plans: WritePlans,
): ResourceHandlers {
  const readable = points.filter((p) => p.access.read);
  const writable = points.some((p) => p.access.write);
  /** One plan per written instance; an instance the mapping does not map is refused. */
  const planAll = (value: WrittenValue): WritePlan[] => {
    const byInstance =
      value instanceof Map ? (value as Map<number, ResourceValue>) : new Map([[0, value as ResourceValue]]);
    return [...byInstance].map(([id, v]) => {
      const point = points.find((p) => p.resourceInstanceId === id);
      if (point === undefined) {
        throw new CodedError('WRITE_VALUE_INVALID', `resource instance ${id} is not mapped`, {
          details: { id },
        });
      }
      return operations.plan(point, v);
    });
  };
  return {
    ...(readable.length > 0
      ? {
          read: async (): Promise<ResourceContent> => {
            const values = await Promise.all(
              readable.map(
                async (p) => [p.resourceInstanceId ?? 0, scalarOf(await operations.read(p.id))] as const,
              ),
            );
            return new Map(values);
          },
        }
      : {}),
    ...(writable
      ? {
          validate: (value: WrittenValue) => {
            plans.remember(value, planAll(value));
          },
          write: async (value: WrittenValue) => {
            for (const plan of plans.take(value) ?? planAll(value)) await operations.write(plan);
          },
        }
      : {}),
  };
}

/** A scalar point's value (an array where one value belongs is the device's fault: 5.00). */
function scalarOf(value: PointValue): ResourceValue {
  if (!isInstanceValues(value)) return value;
  throw new CodedError('DEVICE_RESPONSE_INVALID', 'the point gave resource instances for a single value');
}

/**
 * An array point: the whole multiple-instance resource. A Read gives instance i for element i; a
 * Write is validated and planned as a whole (instances 0..n-1) before anything is written.
 */
function arrayResource(
  point: CompiledBoundPoint,
  operations: PointOperations,
  plans: WritePlans,
): ResourceHandlers {
  const handlers: ResourceHandlers = {};
  if (point.access.read) {
    handlers.read = async (): Promise<ResourceContent> => {
      const value = await operations.read(point.id);
      return isInstanceValues(value) ? value : [value];
    };
  }
  if (point.access.write) {
    const plan = (value: WrittenValue): WritePlan => operations.plan(point, value);
    handlers.validate = (value) => {
      plans.remember(value, [plan(value)]);
    };
    handlers.write = async (value) => {
      const [planned] = plans.take(value) ?? [plan(value)];
      if (planned !== undefined) await operations.write(planned);
    };
  }
  return handlers;
}
