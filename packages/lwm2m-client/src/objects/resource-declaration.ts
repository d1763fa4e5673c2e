import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath, ObjectLink, ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { ExecuteArguments } from '../operations/execute-arguments.js';

/**
 * One value as the host gives it. Plain JS values are converted to the resource's declared type:
 * a number fits Integer, Unsigned, Float and Time (Unix seconds); a bigint fits Integer/Unsigned;
 * a string fits String, Corelnk and Objlnk ("oid:iid"); a Date fits Time; a Uint8Array fits
 * Opaque; `{ objectId, instanceId }` fits Objlnk. A typed ResourceValue is taken as is when its
 * type matches (numeric types convert when the value fits).
 */
export type ResourceScalar =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | ObjectLink
  | ResourceValue;

/** The instances of a multiple resource: an array (ids 0..n-1) or a map by instance id. */
export type ResourceInstancesInput = readonly ResourceScalar[] | ReadonlyMap<number, ResourceScalar>;

/** What a read handler returns, or a static value: a scalar, or instances for a multiple resource. */
export type ResourceContent = ResourceScalar | ResourceInstancesInput;

/** What a write handler receives: the value, typed per the object definition, or all instances. */
export type WrittenValue = ResourceValue | ReadonlyMap<number, ResourceValue>;

export interface ResourceContext {
  /** The resource path, with the gateway prefix for an end device. */
  readonly path: LwM2mPath;
}

/**
 * A resource backed by code. Errors thrown are answered with their CodedError `responseCode`
 * (DEVICE_TIMEOUT -> 5.03, DEVICE_VALUE_REJECTED -> 4.00...), anything else with 5.00.
 */
export interface ResourceHandlers {
  read?(context: ResourceContext): ResourceContent | Promise<ResourceContent>;
  /**
   * Called after the whole request was validated (exists, writable, type, range). For a multiple
   * resource the map holds every instance the resource has after the write.
   */
  write?(value: WrittenValue, context: ResourceContext): void | Promise<void>;
  /**
   * Optional check run while the request is validated, before any resource is written (so a
   * Write-Composite fails as a whole). Throw (e.g. a WRITE_VALUE_INVALID CodedError) to refuse.
   */
  validate?(value: WrittenValue, context: ResourceContext): void | Promise<void>;
  execute?(args: ExecuteArguments, context: ResourceContext): void | Promise<void>;
}

/** A resource: a static value (kept by the engine; a server Write replaces it) or handlers. */
export type ResourceDeclaration = ResourceContent | ResourceHandlers;

/** The resources of one object instance, by resource id. */
export type InstanceDeclaration =
  | Readonly<Record<number, ResourceDeclaration>>
  | ReadonlyMap<number, ResourceDeclaration>;

/** What a server's Create carries: the new instance id and the decoded, type-checked resources. */
export interface CreateRequest {
  readonly path: LwM2mPath;
  readonly instanceId: number;
  readonly values: ReadonlyMap<number, WrittenValue>;
}

export interface ObjectDeclaration {
  /** Object version "X.Y"; default: the core default for an LwM2M 1.1 client, else the registry's default. */
  readonly version?: string;
  readonly instances?:
    | Readonly<Record<number, InstanceDeclaration>>
    | ReadonlyMap<number, InstanceDeclaration>;
  /**
   * Handles a server Create. Returns the new instance's resources; `undefined` keeps the created
   * values as static resources. Without this handler Create is answered 4.05.
   */
  create?(request: CreateRequest): InstanceDeclaration | undefined | Promise<InstanceDeclaration | undefined>;
  /** Handles a server Delete of an instance. Without it Delete is answered 4.05. */
  delete?(instanceId: number, context: ResourceContext): void | Promise<void>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/** True for a handlers object (not a typed value, an Objlnk or instances). */
export function isResourceHandlers(declaration: ResourceDeclaration): declaration is ResourceHandlers {
  if (!isPlainObject(declaration)) return false;
  if ('type' in declaration && 'value' in declaration) return false;
  if ('objectId' in declaration && 'instanceId' in declaration) return false;
  return true;
}

/** Entries of an id-keyed record or map, with ids checked to be integers 0..65534. */
export function idEntries<T>(
  input: Readonly<Record<number, T>> | ReadonlyMap<number, T>,
  what: string,
): [number, T][] {
  const entries: [number, T][] =
    input instanceof Map
      ? [...(input as ReadonlyMap<number, T>)]
      : Object.entries(input as Record<string, T>).map(([k, v]) => [Number(k), v]);
  for (const [id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id > 65534) {
      throw new CodedError('CONFIG_INVALID', `${what} id ${id} is not an integer 0..65534`, {
        details: { id },
      });
    }
  }
  return entries.sort((a, b) => a[0] - b[0]);
}
