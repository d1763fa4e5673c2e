import { CodedError } from '@lwm2m-adapters/errors';
import { decodeUtf8Range, encodeUtf8Into, utf8Length } from '@lwm2m-adapters/kit';
import type { ResourceType, ResourceValue } from '../../model/resource-type.js';
import { checkedObjectLink, normalizeInteger, timeToSeconds } from '../../model/value.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Largest |seconds| a JS Date can hold. */
const MAX_DATE_SECONDS = 8_640_000_000_000;

function nodeInvalid(type: ResourceType): CodedError {
  return new CodedError('NODE_INVALID', `value does not match its declared LwM2M type ${type}`);
}

function outOfRange(what: string, v: number | bigint): CodedError {
  return new CodedError('VALUE_OUT_OF_RANGE', `${what} ${v} is outside its range or not a whole number`);
}

/** Smallest of 1/2/4/8 bytes holding `v` as big-endian two's complement. */
function signedWidth(v: number | bigint, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw outOfRange(what, v);
  } else if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) {
    throw outOfRange(what, v);
  }
  if (v >= -0x80 && v <= 0x7f) return 1;
  if (v >= -0x8000 && v <= 0x7fff) return 2;
  if (v >= -0x8000_0000 && v <= 0x7fff_ffff) return 4;
  return 8;
}

/** Smallest of 1/2/4/8 bytes holding `v` unsigned. */
function unsignedWidth(v: number | bigint): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw outOfRange('Unsigned Integer', v);
  } else if (typeof v !== 'bigint' || v < 0n || v > UINT64_MAX) {
    throw outOfRange('Unsigned Integer', v);
  }
  if (v <= 0xff) return 1;
  if (v <= 0xffff) return 2;
  if (v <= 0xffff_ffff) return 4;
  return 8;
}

/** Whether a Float is written in 4 bytes: it is exactly a float32 (NaN and ±Infinity included). */
function isFloat32(v: number): boolean {
  return Number.isNaN(v) || Math.fround(v) === v;
}

/**
 * Byte length of a value in TLV, validating it (VALUE_OUT_OF_RANGE / NODE_INVALID):
 * Integer/Time smallest of 1/2/4/8 signed, Unsigned smallest of 1/2/4/8, Float 4 when exact as
 * float32 else 8, Boolean 1, Objlnk 4, String/Corelnk UTF-8, Opaque raw, none 0.
 */
export function tlvValueSize(v: ResourceValue): number {
  const { type } = v;
  switch (v.type) {
    case 'string':
    case 'corelnk':
      if (typeof v.value !== 'string') throw nodeInvalid(type);
      return utf8Length(v.value, v.type === 'string' ? 'String' : 'Corelnk');
    case 'integer':
      return signedWidth(v.value, 'Integer');
    case 'unsigned':
      return unsignedWidth(v.value);
    case 'float':
      if (typeof v.value !== 'number') throw nodeInvalid(type);
      return isFloat32(v.value) ? 4 : 8;
    case 'boolean':
      if (typeof v.value !== 'boolean') throw nodeInvalid(type);
      return 1;
    case 'opaque':
      if (!(v.value instanceof Uint8Array)) throw nodeInvalid(type);
      return v.value.length;
    case 'time':
      if (!(v.value instanceof Date)) throw nodeInvalid(type);
      return signedWidth(timeToSeconds(v.value), 'Time');
    case 'objlnk':
      if (typeof v.value !== 'object' || v.value === null) throw nodeInvalid(type);
      checkedObjectLink(v.value);
      return 4;
    case 'none':
      if (v.value !== null) throw nodeInvalid(type);
      return 0;
  }
}

function writeSigned(view: DataView, pos: number, v: number | bigint, size: number): void {
  if (size === 8) view.setBigInt64(pos, BigInt(v));
  else if (size === 4) view.setInt32(pos, Number(v));
  else if (size === 2) view.setInt16(pos, Number(v));
  else view.setInt8(pos, Number(v));
}

/** Writes a value measured by `tlvValueSize` (which returned `size`) at `pos`. */
export function writeTlvValue(
  out: Uint8Array,
  view: DataView,
  pos: number,
  v: ResourceValue,
  size: number,
): void {
  switch (v.type) {
    case 'string':
    case 'corelnk':
      encodeUtf8Into(v.value, out, pos, size);
      return;
    case 'integer':
      writeSigned(view, pos, v.value, size);
      return;
    case 'unsigned':
      if (size === 8) view.setBigUint64(pos, BigInt(v.value));
      else if (size === 4) view.setUint32(pos, Number(v.value));
      else if (size === 2) view.setUint16(pos, Number(v.value));
      else view.setUint8(pos, Number(v.value));
      return;
    case 'float':
      if (size === 4) view.setFloat32(pos, v.value);
      else view.setFloat64(pos, v.value);
      return;
    case 'boolean':
      out[pos] = v.value ? 1 : 0;
      return;
    case 'opaque':
      out.set(v.value, pos);
      return;
    case 'time':
      writeSigned(view, pos, timeToSeconds(v.value), size);
      return;
    case 'objlnk':
      view.setUint16(pos, v.value.objectId);
      view.setUint16(pos + 2, v.value.instanceId);
      return;
    case 'none':
      return;
  }
}

function badLength(type: ResourceType, length: number, allowed: string): CodedError {
  return new CodedError('CODEC_TYPE_MISMATCH', `TLV ${type} value of ${length} bytes: expected ${allowed}`, {
    details: { type, length },
  });
}

function readSigned(view: DataView, pos: number, length: number, type: ResourceType): number | bigint {
  switch (length) {
    case 1:
      return view.getInt8(pos);
    case 2:
      return view.getInt16(pos);
    case 4:
      return view.getInt32(pos);
    case 8:
      return normalizeInteger(view.getBigInt64(pos));
    default:
      throw badLength(type, length, '1, 2, 4 or 8 bytes');
  }
}

/**
 * Decodes the value bytes `[start, end)` of `bytes` as `type`. `view` spans the same bytes as
 * `bytes` (same offsets). Opaque values are copied. Throws CODEC_TYPE_MISMATCH for a length or
 * content the type does not allow, CODEC_MALFORMED for invalid UTF-8.
 */
export function readTlvValue(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  type: ResourceType,
): ResourceValue {
  const length = end - start;
  switch (type) {
    case 'string':
    case 'corelnk':
      return {
        type,
        value: decodeUtf8Range(
          bytes,
          start,
          end,
          type === 'string' ? 'TLV string value' : 'TLV corelnk value',
        ),
      };
    case 'integer':
      return { type, value: readSigned(view, start, length, type) };
    case 'unsigned':
      switch (length) {
        case 1:
          return { type, value: view.getUint8(start) };
        case 2:
          return { type, value: view.getUint16(start) };
        case 4:
          return { type, value: view.getUint32(start) };
        case 8:
          return { type, value: normalizeInteger(view.getBigUint64(start)) };
        default:
          throw badLength(type, length, '1, 2, 4 or 8 bytes');
      }
    case 'float':
      if (length === 4) return { type, value: view.getFloat32(start) };
      if (length === 8) return { type, value: view.getFloat64(start) };
      throw badLength(type, length, '4 or 8 bytes');
    case 'boolean': {
      if (length !== 1) throw badLength(type, length, '1 byte');
      const b = bytes[start];
      if (b !== 0 && b !== 1) {
        throw new CodedError('CODEC_TYPE_MISMATCH', `TLV boolean byte must be 0 or 1, got ${b}`, {
          details: { type },
        });
      }
      return { type, value: b === 1 };
    }
    case 'opaque':
      return { type, value: bytes.slice(start, end) };
    case 'time': {
      const seconds = Number(readSigned(view, start, length, type));
      if (Math.abs(seconds) > MAX_DATE_SECONDS) {
        throw new CodedError('CODEC_TYPE_MISMATCH', `TLV time ${seconds} s is outside the Date range`, {
          details: { type },
        });
      }
      return { type, value: new Date(seconds * 1000) };
    }
    case 'objlnk':
      if (length !== 4) throw badLength(type, length, '4 bytes');
      return { type, value: { objectId: view.getUint16(start), instanceId: view.getUint16(start + 2) } };
    case 'none':
      if (length !== 0) throw badLength(type, length, 'no bytes (type none)');
      return { type, value: null };
  }
}
