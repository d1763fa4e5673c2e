import {
  type ObjectDefinition,
  type ResourceRange,
  type ResourceType,
  resourceTypes,
} from '@lwm2m-adapters/lwm2m-core';
import type { PointAccess, RawValueKind } from '@lwm2m-adapters/sdk';
import { z } from 'zod';
import type { JsonValue } from './json-value.js';

/** Version of the CompiledMapping data format; bumped on incompatible changes. */
export const COMPILED_MAPPING_VERSION = 1;

/** Where something is written in the mapping file (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Raw value ↔ LwM2M value conversion of a bound point. At most one of scale/offset, bit, enum. */
export interface PointConversion {
  /** LwM2M value = raw * scale + offset. */
  readonly scale?: number;
  readonly offset?: number;
  /** The LwM2M value is this bit (0 = least significant) of an integer raw value. Read-only. */
  readonly bit?: number;
  /** Raw value ↔ LwM2M value pairs. */
  readonly enum?: readonly EnumEntry[];
  readonly units?: string;
}

export interface EnumEntry {
  readonly raw: string | number | boolean;
  readonly value: string | number | boolean;
}

/** Reporting settings, with mapping/template/device defaults already applied. */
export interface PointReporting {
  /** Background read interval; absent: read only when asked or observed. */
  readonly pollMs?: number;
  /**
   * The point or its device sets `poll` (not only the mapping's `defaults`): polled even where the
   * adapter could subscribe. A mapping-wide default `poll` paces the reads of polled adapters and
   * leaves a subscribing adapter's observed points to subscriptions.
   */
  readonly pollRequested?: true;
  readonly pminMs?: number;
  readonly pmaxMs?: number;
  /** Smallest change reported, in LwM2M units. */
  readonly deadband?: number;
}

interface CompiledPointBase {
  /** Unique within the device: the LwM2M path without prefix (`/3303/0/5700`). */
  readonly id: string;
  readonly path: string;
  readonly objectId: number;
  readonly instanceId: number;
  readonly resourceId: number;
  readonly resourceInstanceId?: number;
  readonly resourceType: ResourceType;
  /** The resource's range from its object definition, for write checks. */
  readonly range?: ResourceRange;
  readonly access: PointAccess;
  readonly location: SourceLocation;
}

/** A value the host answers itself. */
export interface CompiledConstantPoint extends CompiledPointBase {
  readonly kind: 'constant';
  /**
   * JSON form of the value by resource type: string/corelnk text; integer/unsigned a number (a
   * decimal string beyond 2^53); float a number; boolean; opaque base64; time Unix seconds;
   * objlnk "objectId:instanceId". Decode with `constantValue`.
   */
  readonly constant: JsonValue;
  readonly units?: string;
}

/** A point read from / written to / executed on the device through the adapter. */
export interface CompiledBoundPoint extends CompiledPointBase {
  readonly kind: 'bound';
  /** The adapter's point binding, as its point schema returned it. */
  readonly source: JsonValue;
  /** What the adapter yields for this point (its `pointValueKind`); of each element for an array. */
  readonly rawKind: RawValueKind;
  /**
   * 'array' when the adapter yields an array for this point (`pointValueShape`): the point is a
   * whole multiple-instance resource, element i ↔ resource instance i. Absent: one scalar.
   */
  readonly shape?: 'array';
  readonly conversion: PointConversion;
  readonly reporting: PointReporting;
}

export type CompiledPoint = CompiledConstantPoint | CompiledBoundPoint;

export interface CompiledObject {
  readonly objectId: number;
  readonly version: string;
  readonly instances: readonly number[];
}

export interface CompiledDevice {
  readonly id: string;
  /** LwM2M Gateway prefix. */
  readonly prefix: string;
  /** LwM2M endpoint name when the device registers on its own. */
  readonly endpoint: string;
  readonly adapter: { readonly name: string; readonly version: string };
  /** The adapter's connection settings, as its connection schema returned them. May hold secrets. */
  readonly connection: JsonValue;
  /** JSON pointers (relative to this device) of secret values, redacted when printed. */
  readonly secretPaths: readonly string[];
  readonly objects: readonly CompiledObject[];
  /** Sorted by object, instance, resource, resource instance. */
  readonly points: readonly CompiledPoint[];
  readonly location: SourceLocation;
}

/** The compiled mapping: plain, JSON-safe, deterministic data that the host executes. */
export interface CompiledMapping {
  readonly mappingVersion: typeof COMPILED_MAPPING_VERSION;
  readonly source: { readonly file: string; readonly sha256: string };
  /** Custom object definitions loaded from the mapping's `objects:` DDF files. */
  readonly objectDefinitions: readonly ObjectDefinition[];
  /** In file order (instances in expansion order). */
  readonly devices: readonly CompiledDevice[];
}

const jsonValueSchema: z.ZodType<JsonValue> = z.json();

const locationSchema = z.strictObject({ file: z.string(), line: z.int().min(1), column: z.int().min(1) });

const rangeSchema: z.ZodType<ResourceRange> = z.union([
  z.strictObject({ kind: z.literal('numeric'), min: z.number(), max: z.number() }),
  z.strictObject({ kind: z.literal('length'), min: z.number(), max: z.number() }),
  z.strictObject({ kind: z.literal('enumeration'), values: z.array(z.union([z.number(), z.string()])) }),
]);

const accessSchema = z.strictObject({ read: z.boolean(), write: z.boolean(), execute: z.boolean() });

const pointBaseShape = {
  id: z.string(),
  path: z.string(),
  objectId: z.int().min(0).max(65534),
  instanceId: z.int().min(0).max(65534),
  resourceId: z.int().min(0).max(65534),
  resourceInstanceId: z.int().min(0).max(65534).exactOptional(),
  resourceType: z.enum(resourceTypes),
  range: rangeSchema.exactOptional(),
  access: accessSchema,
  location: locationSchema,
};

const enumEntrySchema = z.strictObject({
  raw: z.union([z.string(), z.number(), z.boolean()]),
  value: z.union([z.string(), z.number(), z.boolean()]),
});

const compiledPointSchema: z.ZodType<CompiledPoint> = z.discriminatedUnion('kind', [
  z.strictObject({
    ...pointBaseShape,
    kind: z.literal('constant'),
    constant: jsonValueSchema,
    units: z.string().exactOptional(),
  }),
  z.strictObject({
    ...pointBaseShape,
    kind: z.literal('bound'),
    source: jsonValueSchema,
    rawKind: z.enum(['number', 'integer', 'boolean', 'string', 'bytes', 'time']),
    shape: z.literal('array').exactOptional(),
    conversion: z.strictObject({
      scale: z.number().exactOptional(),
      offset: z.number().exactOptional(),
      bit: z.int().min(0).max(63).exactOptional(),
      enum: z.array(enumEntrySchema).exactOptional(),
      units: z.string().exactOptional(),
    }),
    reporting: z.strictObject({
      pollMs: z.int().min(0).exactOptional(),
      pollRequested: z.literal(true).exactOptional(),
      pminMs: z.int().min(0).exactOptional(),
      pmaxMs: z.int().min(0).exactOptional(),
      deadband: z.number().min(0).exactOptional(),
    }),
  }),
]);

const resourceDefinitionSchema = z.strictObject({
  id: z.int(),
  name: z.string(),
  operations: z.enum(['', 'R', 'W', 'RW', 'E']),
  multiple: z.boolean(),
  mandatory: z.boolean(),
  type: z.enum(resourceTypes),
  rangeText: z.string(),
  range: rangeSchema.optional(),
  units: z.string(),
  description: z.string(),
});

const objectDefinitionSchema: z.ZodType<ObjectDefinition> = z
  .strictObject({
    id: z.int(),
    name: z.string(),
    description: z.string(),
    version: z.string(),
    lwm2mVersion: z.string(),
    urn: z.string(),
    multiple: z.boolean(),
    mandatory: z.boolean(),
    resources: z.array(resourceDefinitionSchema),
  })
  .transform((definition) => ({
    ...definition,
    resources: definition.resources.map((resource) => ({ ...resource, range: resource.range })),
  }));

const compiledDeviceSchema: z.ZodType<CompiledDevice> = z.strictObject({
  id: z.string(),
  prefix: z.string(),
  endpoint: z.string(),
  adapter: z.strictObject({ name: z.string(), version: z.string() }),
  connection: jsonValueSchema,
  secretPaths: z.array(z.string()),
  objects: z.array(z.strictObject({ objectId: z.int(), version: z.string(), instances: z.array(z.int()) })),
  points: z.array(compiledPointSchema),
  location: locationSchema,
});

/** Validates a CompiledMapping read back from JSON (e.g. a file written by `adapter-host compile`). */
export const compiledMappingSchema: z.ZodType<CompiledMapping> = z.strictObject({
  mappingVersion: z.literal(COMPILED_MAPPING_VERSION),
  source: z.strictObject({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  objectDefinitions: z.array(objectDefinitionSchema),
  devices: z.array(compiledDeviceSchema),
});
