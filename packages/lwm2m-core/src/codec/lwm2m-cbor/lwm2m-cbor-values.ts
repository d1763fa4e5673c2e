import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { assertWellFormedText } from '@lwm2m-adapters/kit';
import { Tag } from 'cbor2';
import type { ResourceType, ResourceValue } from '../../model/resource-type.js';
import {
  assertValidValue,
  checkedInt64,
  checkedObjectLink,
  checkedUint64,
  formatObjectLink,
  normalizeInteger,
  parseObjectLink,
  secondsToTime,
  timeToSeconds,
} from '../../model/value.js';
import { CborFloat } from '../cbor/cbor-float.js';

/**
 * Leaf values of LwM2M CBOR (Core 1.2 App. C, "CBOR, LwM2M CBOR and SenML CBOR" column), as cbor2
 * decodes them with `preferBigInt`: every CBOR integer is a bigint, every CBOR float a number.
 *
 * | LwM2M type      | written as                         | accepted                                 |
 * |-----------------|------------------------------------|------------------------------------------|
 * | String, Corelnk | text string                        | text string                              |
 * | Integer         | major type 0/1                     | major type 0/1 within int64              |
 * | Unsigned        | major type 0                       | major type 0 within uint64               |
 * | Float           | shortest exact float (f16/f32/f64) | any float width, or an integer           |
 * | Boolean         | true / false                       | true / false                             |
 * | Opaque          | byte string                        | byte string                              |
 * | Time            | integer Unix seconds, untagged     | integer, tag 1 (int/float), tag 0 (text) |
 * | Objlnk          | text "oid:iid"                     | text "oid:iid"                           |
 * | none            | null                               | null                                     |
 */
export type CborLeaf = bigint | number | string | boolean | null | Uint8Array | Tag;

/** Whether a decoded CBOR item can be an LwM2M leaf at all (type checks come later). */
export function isCborLeaf(item: unknown): item is CborLeaf {
  return (
    item === null ||
    typeof item === 'bigint' ||
    typeof item === 'number' ||
    typeof item === 'string' ||
    typeof item === 'boolean' ||
    item instanceof Uint8Array ||
    item instanceof Tag
  );
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);

/** RFC 3339 date-time as tag 0 carries it (seconds may have a fraction; offset required). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function describe(item: CborLeaf): string {
  if (item === null) return 'null';
  if (item instanceof Uint8Array) return 'byte string';
  if (item instanceof Tag) return `tag ${String(item.tag)}`;
  switch (typeof item) {
    case 'bigint':
      return 'integer';
    case 'number':
      return 'float';
    case 'string':
      return 'text string';
    default:
      return 'boolean';
  }
}

function mismatch(item: CborLeaf, type: ResourceType, where: string): CodedError {
  return new CodedError('CODEC_TYPE_MISMATCH', `${where}: expected ${type}, got a CBOR ${describe(item)}`, {
    details: { path: where, expected: type, actual: describe(item) },
  });
}

function timeFromTag(tag: Tag, where: string): Date | undefined {
  const number = Number(tag.tag);
  const contents = tag.contents;
  if (number === 1) {
    if (typeof contents === 'bigint') return secondsToTime(contents);
    if (typeof contents === 'number' && Number.isFinite(contents)) return secondsToTime(Math.floor(contents));
    return undefined;
  }
  if (number === 0 && typeof contents === 'string') {
    const ms = RFC3339.test(contents) ? Date.parse(contents) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new CodedError('CODEC_TYPE_MISMATCH', `${where}: tag 0 holds no RFC 3339 date-time`, {
        details: { path: where },
      });
    }
    return secondsToTime(Math.floor(ms / 1000));
  }
  return undefined;
}

/** Converts range failures of the value helpers (VALUE_OUT_OF_RANGE) to the codec's own code. */
function inRange<T>(where: string, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (isCodedError(err) && !err.code.startsWith('CODEC_')) {
      throw new CodedError('CODEC_TYPE_MISMATCH', `${where}: ${err.message}`, {
        cause: err,
        details: { path: where },
      });
    }
    throw err;
  }
}

/** Decodes one leaf as the given LwM2M type; throws CODEC_TYPE_MISMATCH when it does not fit. */
export function leafToValue(item: CborLeaf, type: ResourceType, where: string): ResourceValue {
  return inRange(where, (): ResourceValue => {
    switch (type) {
      case 'string':
      case 'corelnk':
        if (typeof item === 'string') return { type, value: item };
        break;
      case 'integer':
        if (typeof item === 'bigint' && item >= INT64_MIN && item <= INT64_MAX) {
          return { type, value: normalizeInteger(item) };
        }
        break;
      case 'unsigned':
        if (typeof item === 'bigint' && item >= 0n && item <= UINT64_MAX) {
          return { type, value: normalizeInteger(item) };
        }
        break;
      case 'float':
        if (typeof item === 'number') return { type, value: item };
        if (typeof item === 'bigint') return { type, value: Number(item) };
        break;
      case 'boolean':
        if (typeof item === 'boolean') return { type, value: item };
        break;
      case 'opaque':
        if (item instanceof Uint8Array) return { type, value: item };
        break;
      case 'time': {
        if (typeof item === 'bigint') return { type, value: secondsToTime(item) };
        const date = item instanceof Tag ? timeFromTag(item, where) : undefined;
        if (date !== undefined) return { type, value: date };
        break;
      }
      case 'objlnk':
        if (typeof item === 'string') return { type, value: parseObjectLink(item) };
        break;
      case 'none':
        if (item === null) return { type, value: null };
        break;
    }
    throw mismatch(item, type, where);
  });
}

/** The type a leaf of a resource the model does not know is decoded as. */
export function guessLeafType(item: CborLeaf, where: string): ResourceType {
  if (item === null) return 'none';
  if (item instanceof Uint8Array) return 'opaque';
  if (item instanceof Tag) {
    const number = Number(item.tag);
    if (number === 0 || number === 1) return 'time';
    throw new CodedError('CODEC_TYPE_MISMATCH', `${where}: CBOR tag ${String(item.tag)} is no LwM2M value`, {
      details: { path: where },
    });
  }
  switch (typeof item) {
    case 'bigint':
      if (item >= INT64_MIN && item <= INT64_MAX) return 'integer';
      if (item >= 0n && item <= UINT64_MAX) return 'unsigned';
      throw new CodedError('CODEC_TYPE_MISMATCH', `${where}: integer ${item} fits no LwM2M type`, {
        details: { path: where },
      });
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    default:
      return 'boolean';
  }
}

/**
 * One type for the instances of a multiple resource the model does not know: their common guessed
 * type; integers of both signs widen to Integer/Unsigned, integers next to floats to Float.
 */
export function unifyGuessedTypes(types: readonly ResourceType[], where: string): ResourceType {
  const distinct = [...new Set(types)];
  if (distinct.length === 1 && distinct[0] !== undefined) return distinct[0];
  if (distinct.every((t) => t === 'integer' || t === 'unsigned' || t === 'float')) {
    if (distinct.includes('float')) return 'float';
    return 'unsigned';
  }
  throw new CodedError(
    'CODEC_TYPE_MISMATCH',
    `${where}: resource instances have different types (${distinct.join(', ')})`,
    { details: { path: where, types: distinct } },
  );
}

/** A plain Uint8Array view: cbor2 would write a Buffer (a subclass) through its toJSON. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The CBOR item cbor2 should write for a value (see the table above). Integers go out as bigints so
 * that -0 and 2^53+ stay CBOR integers; floats are boxed with cbor2's preferred float encoding so
 * that 3.0 stays a float (f9 4200) instead of collapsing to the integer 3.
 */
export function valueToItem(v: ResourceValue): unknown {
  assertValidValue(v);
  switch (v.type) {
    case 'string':
    case 'corelnk':
      assertWellFormedText(v.value, `${v.type} value`);
      return v.value;
    case 'integer':
      return checkedInt64(v.value);
    case 'unsigned':
      return checkedUint64(v.value);
    case 'float':
      return new CborFloat(v.value);
    case 'boolean':
      return v.value;
    case 'opaque':
      return plainBytes(v.value);
    case 'time':
      return BigInt(timeToSeconds(v.value));
    case 'objlnk':
      return formatObjectLink(checkedObjectLink(v.value));
    case 'none':
      return null;
  }
}
