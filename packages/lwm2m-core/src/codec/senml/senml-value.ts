import { CodedError } from '@lwm2m-adapters/errors';
import { assertWellFormedText } from '@lwm2m-adapters/kit';
import type { LwM2mPath } from '../../model/path.js';
import type { ResourceType, ResourceValue } from '../../model/resource-type.js';
import {
  checkedInt64,
  checkedUint64,
  formatObjectLink,
  normalizeInteger,
  parseObjectLink,
  secondsToTime,
  timeToSeconds,
} from '../../model/value.js';
import type { MutableSenmlRecord } from './senml-record.js';

/** The one value field of a decoded record. */
export type SenmlValue =
  | { readonly label: 'v'; readonly value: number | bigint }
  | { readonly label: 'vs'; readonly value: string }
  | { readonly label: 'vb'; readonly value: boolean }
  | { readonly label: 'vd'; readonly value: Uint8Array }
  | { readonly label: 'vlo'; readonly value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Puts a typed value into the field LwM2M assigns it (Core TS 1.1 §7.4.4, App. C):
 * v: Integer, Unsigned, Float, Time (Unix seconds); vs: String, Corelnk; vb: Boolean;
 * vd: Opaque; vlo: Objlnk "oid:iid". The value must already be valid (assertValidNode).
 * A `none` value has no SenML form: CODEC_UNSUPPORTED_FORMAT.
 */
export function putValue(record: MutableSenmlRecord, value: ResourceValue, format: string): void {
  switch (value.type) {
    case 'string':
    case 'corelnk':
      assertWellFormedText(value.value, `${value.type} value`);
      record.vs = value.value;
      return;
    case 'integer':
    case 'unsigned':
      record.v = value.value;
      return;
    case 'float':
      record.v = value.value;
      record.vIsFloat = true;
      return;
    case 'boolean':
      record.vb = value.value;
      return;
    case 'opaque':
      record.vd = value.value;
      return;
    case 'time':
      record.v = timeToSeconds(value.value);
      return;
    case 'objlnk':
      record.vlo = formatObjectLink(value.value);
      return;
    case 'none':
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `${format} cannot carry a value of type none`);
  }
}

function mismatch(value: SenmlValue, type: ResourceType, where: LwM2mPath, cause?: unknown): CodedError {
  return new CodedError(
    'CODEC_TYPE_MISMATCH',
    `${where}: "${value.label}" cannot hold a ${type} value${cause instanceof Error ? ` (${cause.message})` : ''}`,
    { cause, details: { path: where.toString(), expected: type, label: value.label } },
  );
}

/** Whole-number check for `v`: a bigint, or a number without fraction. */
function integerOf(v: number | bigint): number | bigint | undefined {
  return typeof v === 'bigint' || Number.isInteger(v) ? v : undefined;
}

/**
 * The typed value of a record for a resource of `type` (from the model). Integer and Unsigned need
 * a whole `v` in range (a CBOR float such as 5.0 is accepted; JSON cannot tell them apart); Time
 * takes `v` seconds, a fraction is dropped toward -inf; Float takes any `v`.
 */
export function typedValue(value: SenmlValue, type: ResourceType, where: LwM2mPath): ResourceValue {
  try {
    switch (type) {
      case 'string':
      case 'corelnk':
        if (value.label === 'vs') return { type, value: value.value };
        break;
      case 'integer':
      case 'unsigned': {
        const whole = value.label === 'v' ? integerOf(value.value) : undefined;
        if (whole === undefined) break;
        const exact = type === 'integer' ? checkedInt64(whole) : checkedUint64(whole);
        return { type, value: normalizeInteger(exact) };
      }
      case 'float':
        if (value.label === 'v') return { type, value: Number(value.value) };
        break;
      case 'time':
        if (value.label === 'v') {
          const s = value.value;
          return { type, value: secondsToTime(typeof s === 'bigint' ? s : Math.floor(s)) };
        }
        break;
      case 'boolean':
        if (value.label === 'vb') return { type, value: value.value };
        break;
      case 'opaque':
        if (value.label === 'vd') return { type, value: value.value };
        break;
      case 'objlnk':
        if (value.label === 'vlo') return { type, value: parseObjectLink(value.value) };
        break;
      case 'none':
        break;
    }
  } catch (err) {
    throw mismatch(value, type, where, err);
  }
  throw mismatch(value, type, where);
}

/**
 * The type of a resource the model does not know, from its value field. A bigint `v` (a CBOR
 * integer item, or an exact JSON integer beyond 2^53) is an Integer, an Unsigned above 2^63-1, a
 * Float beyond 64 bits. A number `v` is a Float, except a whole number when `wholeNumbersAreIntegers`
 * (SenML JSON, which cannot tell 5 from 5.0); SenML CBOR passes false: its integers arrive as bigints.
 */
export function guessType(value: SenmlValue, wholeNumbersAreIntegers: boolean): ResourceType {
  switch (value.label) {
    case 'v': {
      const v = value.value;
      if (typeof v === 'bigint') {
        if (v >= INT64_MIN && v <= INT64_MAX) return 'integer';
        return v > INT64_MAX && v <= UINT64_MAX ? 'unsigned' : 'float';
      }
      return wholeNumbersAreIntegers && Number.isSafeInteger(v) ? 'integer' : 'float';
    }
    case 'vs':
      return 'string';
    case 'vb':
      return 'boolean';
    case 'vd':
      return 'opaque';
    case 'vlo':
      return 'objlnk';
  }
}

/** One type for the instances of an unknown multiple resource: numbers widen to Float, or to Unsigned. */
export function unifyTypes(types: readonly ResourceType[], where: LwM2mPath): ResourceType {
  const first = types[0] ?? 'string';
  if (types.every((t) => t === first)) return first;
  if (types.every((t) => t === 'integer' || t === 'unsigned' || t === 'float')) {
    return types.includes('float') ? 'float' : 'unsigned';
  }
  throw new CodedError(
    'CODEC_TYPE_MISMATCH',
    `${where}: instances of a resource unknown to the model have different kinds of value`,
    { details: { path: where.toString(), types: [...new Set(types)] } },
  );
}
