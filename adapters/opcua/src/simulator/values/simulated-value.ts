/**
 * Values as the simulator holds them, in node-opcua's Variant form: numbers, booleans, strings,
 * Dates, Buffers, and `[high, low]` 32-bit word pairs for Int64/UInt64 (exact; two's complement
 * for negative Int64). Configuration values and signal samples are coerced into that form here.
 */
import { OPCUA_INTEGER_RANGES, type OpcuaDataType } from '../../config/point-schema.js';

/** One element as node-opcua's Variant carries it. */
export type VariantScalar = number | boolean | string | Date | Buffer | readonly [number, number];
export type VariantValue = VariantScalar | readonly VariantScalar[];

/** What may be coerced: config values, signal samples, method arguments, client-facing values. */
export type LooseScalar = number | bigint | boolean | string | Date | Uint8Array | readonly [number, number];

const MASK64 = (1n << 64n) - 1n;

export function bigintToWords(value: bigint): readonly [number, number] {
  const unsigned = value < 0n ? (value + (1n << 64n)) & MASK64 : value & MASK64;
  return [Number(unsigned >> 32n), Number(unsigned & 0xffff_ffffn)];
}

export function wordsToBigint(words: readonly [number, number], signed: boolean): bigint {
  const unsigned = (BigInt(words[0] >>> 0) << 32n) | BigInt(words[1] >>> 0);
  return signed && unsigned >= 1n << 63n ? unsigned - (1n << 64n) : unsigned;
}

function isWords(value: unknown): value is readonly [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number');
}

function toBigint(value: LooseScalar): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return BigInt(Math.round(Number.isFinite(value) ? value : 0));
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^[-+]?\d+$/.test(text)) return BigInt(text);
    const n = Number(text);
    return Number.isFinite(n) ? BigInt(Math.round(n)) : 0n;
  }
  if (value instanceof Date) return BigInt(value.getTime());
  if (isWords(value)) return wordsToBigint(value, true);
  return 0n;
}

function clamp(value: bigint, type: OpcuaDataType): bigint {
  const range = OPCUA_INTEGER_RANGES[type];
  if (range === undefined) return value;
  return value < range[0] ? range[0] : value > range[1] ? range[1] : value;
}

/** Coerces one value to the element form of `type` (integers clamp to the type's range). */
export function coerceScalar(type: OpcuaDataType, value: LooseScalar): VariantScalar {
  switch (type) {
    case 'Boolean':
      if (typeof value === 'string') return value.trim() === 'true' || value.trim() === '1';
      return typeof value === 'boolean' ? value : toBigint(value) !== 0n;
    case 'Float':
    case 'Double': {
      const n =
        typeof value === 'bigint'
          ? Number(value)
          : typeof value === 'boolean'
            ? value
              ? 1
              : 0
            : Number(value);
      return type === 'Float' ? Math.fround(Number.isFinite(n) ? n : 0) : Number.isFinite(n) ? n : 0;
    }
    case 'Int64':
    case 'UInt64':
      if (isWords(value)) return [value[0] >>> 0, value[1] >>> 0];
      return bigintToWords(clamp(toBigint(value), type));
    case 'String':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
      return value instanceof Date ? value.toISOString() : String(value);
    case 'DateTime':
      if (value instanceof Date) return value;
      if (typeof value === 'string' && !/^[-+]?\d+$/.test(value.trim())) return new Date(value);
      return new Date(Number(toBigint(value)));
    case 'ByteString':
      if (value instanceof Uint8Array) return Buffer.from(value);
      return Buffer.from(String(value), 'base64');
    default:
      return Number(clamp(toBigint(value), type));
  }
}

/** Coerces a scalar or an array to the Variant form of a variable of `type` (and array-ness). */
export function coerceVariantValue(
  type: OpcuaDataType,
  array: boolean,
  value: LooseScalar | readonly LooseScalar[],
): VariantValue {
  const list =
    Array.isArray(value) && !(isWords(value) && !array) ? (value as readonly LooseScalar[]) : undefined;
  if (array) return (list ?? [value as LooseScalar]).map((v) => coerceScalar(type, v));
  return coerceScalar(type, list === undefined ? (value as LooseScalar) : (list[0] ?? defaultScalar(type)));
}

export function defaultScalar(type: OpcuaDataType): VariantScalar {
  return coerceScalar(type, type === 'String' || type === 'ByteString' ? '' : 0);
}

/** A held value in the adapter's raw form (bigint for 64-bit integers, Uint8Array for ByteString). */
export type PlainScalar = number | bigint | boolean | string | Date | Uint8Array;

export function toPlain(type: OpcuaDataType, value: VariantValue): PlainScalar | PlainScalar[] {
  const one = (v: VariantScalar): PlainScalar => {
    if (isWords(v)) return wordsToBigint(v, type === 'Int64');
    if (Buffer.isBuffer(v)) return new Uint8Array(v);
    return v as PlainScalar;
  };
  if (Array.isArray(value) && !isWords(value)) return (value as readonly VariantScalar[]).map(one);
  return one(value as VariantScalar);
}
