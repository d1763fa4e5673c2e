import type { RawScalar, RawValue } from '@lwm2m-adapters/sdk';
import type { OpcuaDataType, OpcuaVariablePoint } from '../config/point-schema.js';
import { bigIntToWords, isInt64Words, wordsToBigInt } from './int64.js';

/** What a variant holds, as node-opcua gives it (no node-opcua import: plain shape). */
export interface VariantLike {
  /** Built-in DataType id (node-opcua's `DataType`). */
  readonly dataType: number;
  /** 0 scalar, 1 array, 2 matrix (node-opcua's `VariantArrayType`). */
  readonly arrayType: number;
  readonly value: unknown;
}

export type Converted =
  | { readonly ok: true; readonly value: RawValue }
  | { readonly ok: false; readonly reason: string };

/** One element as node-opcua decodes it → the raw scalar of the shared value mapping. */
export function scalarFromOpcua(type: OpcuaDataType, value: unknown): RawScalar | undefined {
  switch (type) {
    case 'Int64':
    case 'UInt64':
      if (isInt64Words(value)) return wordsToBigInt(value, type === 'Int64');
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      return undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'String':
      // a null String (no value) reads as the empty string
      return typeof value === 'string' ? value : value === null ? '' : undefined;
    case 'DateTime':
      return value instanceof Date ? new Date(value.getTime()) : undefined;
    case 'ByteString':
      if (value === null) return new Uint8Array(0);
      return value instanceof Uint8Array ? new Uint8Array(value) : undefined;
    default:
      return typeof value === 'number' ? value : undefined;
  }
}

/**
 * A variant read from the server → the point's raw value: Float/Double and SByte..UInt32 numbers,
 * Int64/UInt64 bigints (exact), Boolean, String, DateTime a Date, ByteString a Uint8Array, arrays
 * plain arrays of those. A variant of another type or shape than the point declares is refused
 * with the reason (the node's type changed since start, or a Null value).
 */
export function valueFromVariant(point: OpcuaVariablePoint, variant: VariantLike, typeId: number): Converted {
  if (variant.dataType !== typeId) {
    return {
      ok: false,
      reason: `the server sent a value of DataType ${variant.dataType}${variant.dataType === 0 ? ' (Null: no value)' : ''}, expected ${point.type} (${typeId})`,
    };
  }
  const isArray = variant.arrayType !== 0;
  if (isArray !== point.array) {
    return {
      ok: false,
      reason: point.array
        ? `the server sent one ${point.type}, the point expects an array`
        : `the server sent an array of ${point.type}, the point expects one value`,
    };
  }
  if (!isArray) {
    const scalar = scalarFromOpcua(point.type, variant.value);
    return scalar === undefined
      ? { ok: false, reason: `a ${point.type} value could not be decoded` }
      : { ok: true, value: scalar };
  }
  const source = variant.value as ArrayLike<unknown> | null;
  const out: RawScalar[] = [];
  for (let i = 0; i < (source?.length ?? 0); i++) {
    const scalar = scalarFromOpcua(point.type, (source as ArrayLike<unknown>)[i]);
    if (scalar === undefined) return { ok: false, reason: `element ${i} is not a ${point.type}` };
    out.push(scalar);
  }
  return { ok: true, value: out };
}

/** One validated raw scalar → what node-opcua's Variant takes for the type. */
export function scalarToOpcua(type: OpcuaDataType, value: RawScalar): unknown {
  switch (type) {
    case 'Int64':
    case 'UInt64':
      return bigIntToWords(typeof value === 'bigint' ? value : BigInt(value as number));
    case 'ByteString':
      return Buffer.from(value as Uint8Array);
    case 'Float':
    case 'Double':
    case 'SByte':
    case 'Byte':
    case 'Int16':
    case 'UInt16':
    case 'Int32':
    case 'UInt32':
      return Number(value);
    default:
      return value;
  }
}

/** The variant fields (value and array shape) to write a validated raw value to a point. */
export function variantFieldsOf(
  point: OpcuaVariablePoint,
  value: RawValue,
): { readonly arrayType: 0 | 1; readonly value: unknown } {
  if (Array.isArray(value))
    return { arrayType: 1, value: value.map((v: RawScalar) => scalarToOpcua(point.type, v)) };
  return { arrayType: 0, value: scalarToOpcua(point.type, value as RawScalar) };
}
