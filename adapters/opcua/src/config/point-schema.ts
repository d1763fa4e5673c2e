import type { RawValueKind, RawValueShape } from '@lwm2m-adapters/sdk';
import { z } from 'zod';
import { parseBrowsePathText, parseNodeIdText } from './node-id-text.js';

/** The OPC UA built-in data types a variable point may have, and the raw value each gives. */
export const OPCUA_DATA_TYPES = [
  'Boolean',
  'SByte',
  'Byte',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
  'Float',
  'Double',
  'String',
  'DateTime',
  'ByteString',
] as const;
export type OpcuaDataType = (typeof OPCUA_DATA_TYPES)[number];

const KIND_BY_TYPE: Readonly<Record<OpcuaDataType, RawValueKind>> = {
  Boolean: 'boolean',
  SByte: 'integer',
  Byte: 'integer',
  Int16: 'integer',
  UInt16: 'integer',
  Int32: 'integer',
  UInt32: 'integer',
  Int64: 'integer',
  UInt64: 'integer',
  Float: 'number',
  Double: 'number',
  String: 'string',
  DateTime: 'time',
  ByteString: 'bytes',
};

/** Integer ranges of the integer types (bigint: Int64/UInt64 are exact beyond 2^53). */
export const OPCUA_INTEGER_RANGES: Readonly<Partial<Record<OpcuaDataType, readonly [bigint, bigint]>>> = {
  SByte: [-128n, 127n],
  Byte: [0n, 255n],
  Int16: [-32768n, 32767n],
  UInt16: [0n, 65535n],
  Int32: [-2147483648n, 2147483647n],
  UInt32: [0n, 4294967295n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  UInt64: [0n, 2n ** 64n - 1n],
};

/**
 * A node reference: a NodeId in any of its four forms (`ns=2;i=5`, `ns=2;s=Boiler1.Temperature`,
 * `ns=2;g=<GUID>`, `ns=2;b=<base64>`, or `nsu=<URI>;…`) or a browse path from the Objects folder
 * starting with `/` (`/2:Boiler1/2:Temperature`). Browse paths and namespace URIs are resolved
 * when the session starts.
 */
export const nodeReferenceSchema = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const parsed = text.startsWith('/') ? parseBrowsePathText(text) : parseNodeIdText(text);
    if ('error' in parsed)
      ctx.addIssue({
        code: 'custom',
        message: text.startsWith('/')
          ? parsed.error
          : `${parsed.error}, or a browse path such as "/2:Boiler1/2:Temperature"`,
      });
  })
  .describe(
    'A NodeId ("ns=2;i=5", "ns=2;s=Boiler1.Temperature", "ns=2;g=<GUID>", "ns=2;b=<base64>", "nsu=<URI>;s=...") or a browse path from the Objects folder ("/2:Boiler1/2:Temperature")',
  );

const variablePointSchema = z
  .object({
    node: nodeReferenceSchema,
    type: z
      .enum(OPCUA_DATA_TYPES)
      .describe(
        "The variable's data type: Boolean, SByte, Byte, Int16, UInt16, Int32, UInt32, Int64, UInt64 (integers, exact to 64 bits), Float, Double, String, DateTime or ByteString. An enumeration variable is Int32 with the mapping's enum. Checked against the server at start and by validate --online",
      ),
    array: z
      .boolean()
      .default(false)
      .describe(
        'The variable holds a one-dimensional array: bind it to a multiple-instance resource (element i is instance i)',
      ),
    samplingIntervalMs: z
      .int()
      .min(0)
      .max(3_600_000)
      .optional()
      .describe(
        'Sampling interval of the monitored item (0: the fastest the server offers). Default: from the observation (pmin/epmin) or the mapping poll',
      ),
    queueSize: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Monitored item queue size on the server (1: only the latest value between publishes)'),
  })
  .strict();

const methodPointSchema = z
  .object({
    object: nodeReferenceSchema.describe(
      'The object the method is called on (its parent), as a NodeId or browse path',
    ),
    method: nodeReferenceSchema.describe('The method, as a NodeId or browse path'),
  })
  .strict();

/**
 * Where one point lives on an OPC UA server: a variable (`node` and `type`) for reads, writes and
 * observations, or a method (`object` and `method`) for an LwM2M Execute, whose arguments
 * (`0='a',1='2'`) map onto the method's input arguments by index and declared type.
 */
export const opcuaPointSchema = z.union([variablePointSchema, methodPointSchema]);

export type OpcuaVariablePoint = z.output<typeof variablePointSchema>;
export type OpcuaMethodPoint = z.output<typeof methodPointSchema>;
export type OpcuaPoint = OpcuaVariablePoint | OpcuaMethodPoint;

export function isMethodPoint(point: OpcuaPoint): point is OpcuaMethodPoint {
  return 'method' in point;
}

/** The raw value kind a point yields (a method point yields none: it is only executed). */
export function opcuaPointValueKind(point: OpcuaPoint): RawValueKind {
  return isMethodPoint(point) ? 'string' : KIND_BY_TYPE[point.type];
}

export function opcuaPointValueShape(point: OpcuaPoint): RawValueShape {
  return !isMethodPoint(point) && point.array ? 'array' : 'scalar';
}

/** Width in bits of an integer type, for the mapping's `bit: N`. */
export function opcuaPointValueBits(point: OpcuaPoint): number | undefined {
  if (isMethodPoint(point)) return undefined;
  const bits: Partial<Record<OpcuaDataType, number>> = {
    SByte: 8,
    Byte: 8,
    Int16: 16,
    UInt16: 16,
    Int32: 32,
    UInt32: 32,
    Int64: 64,
    UInt64: 64,
  };
  return bits[point.type];
}
