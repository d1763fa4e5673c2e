import { CodedError } from '@lwm2m-adapters/errors';
import {
  formatObjectLink,
  parseObjectLink,
  type ResourceDefinition,
  type ResourceType,
  type ResourceValue,
  secondsToTime,
} from '@lwm2m-adapters/lwm2m-core';

/** A value as JSON carries it: what `ValueEntry.value` holds. */
export type JsonScalar = string | number | boolean | null;

/**
 * One LwM2M value in the API's JSON form: the path of a resource (or resource instance), its LwM2M
 * type, and the value as JSON keeps it exact:
 *
 * - integer, unsigned: a number when it is a safe integer (|v| <= 2^53 - 1), else a decimal string;
 * - float: a number; NaN and the infinities as the strings "NaN", "Infinity", "-Infinity";
 * - opaque: standard base64 (with padding);
 * - time: ISO-8601 UTC, whole seconds ("2026-12-05T22:03:05Z");
 * - objlnk: "objectId:instanceId" ("3:0"); corelnk and string: the text; boolean: true/false;
 * - none: null.
 */
export interface ValueEntry {
  readonly path: string;
  readonly type: ResourceType;
  readonly value: JsonScalar;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INTEGER_TEXT = /^-?\d{1,20}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** ISO-8601 date-time with a zone (Z or ±hh:mm), seconds and fraction optional. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The ISO-8601 text of a time value: UTC, whole seconds, no fraction. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The JSON form of a value (see `ValueEntry`). */
export function valueToJson(v: ResourceValue): JsonScalar {
  switch (v.type) {
    case 'integer':
    case 'unsigned':
      return typeof v.value === 'bigint' ? v.value.toString() : v.value;
    case 'float':
      return Number.isFinite(v.value) ? v.value : String(v.value);
    case 'opaque':
      return Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64');
    case 'time':
      return formatTime(v.value);
    case 'objlnk':
      return formatObjectLink(v.value);
    default:
      return v.value;
  }
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (typeof input === 'string')
    return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}...` : input)}`;
  if (typeof input === 'number' || typeof input === 'boolean') return `${typeof input} ${String(input)}`;
  return Array.isArray(input) ? 'an array' : `an ${typeof input}`;
}

function expectation(type: ResourceType, definition: ResourceDefinition | undefined): string {
  const base: Record<ResourceType, string> = {
    string: 'a string',
    integer: 'an Integer (a whole number, or a decimal string beyond 2^53; signed 64-bit)',
    unsigned: 'an Unsigned Integer (a whole number, or a decimal string beyond 2^53; 0..2^64-1)',
    float: 'a Float (a number, or "NaN", "Infinity", "-Infinity")',
    boolean: 'a Boolean (true or false)',
    opaque: 'Opaque bytes as a base64 string',
    time: 'a Time (ISO-8601 date-time with a zone, or Unix seconds)',
    objlnk: 'an Objlnk ("objectId:instanceId", e.g. "3:0")',
    corelnk: 'a Corelnk string',
    none: 'null (a resource of type none carries no value)',
  };
  const range = definition?.rangeText ? ` in ${definition.rangeText}` : '';
  return `${base[type]}${range}`;
}

/**
 * Decodes the JSON form of one value to a typed LwM2M value of `type`, checked against the
 * resource's declared range when its definition is known. Throws WRITE_VALUE_INVALID naming the
 * path, the expected type and range, and what was given.
 */
export function valueFromJson(
  input: unknown,
  type: ResourceType,
  path: string,
  definition?: ResourceDefinition,
): ResourceValue {
  const fail = (why?: string): never => {
    throw new CodedError(
      'WRITE_VALUE_INVALID',
      `${path}: expected ${expectation(type, definition)}, got ${describe(input)}${why ? ` (${why})` : ''}`,
      {
        details: {
          path,
          expected: type,
          ...(definition?.rangeText ? { range: definition.rangeText } : {}),
        },
      },
    );
  };
  const value = decode(input, type, fail);
  checkRange(value, definition, fail);
  return value;
}

function integer(input: unknown, min: bigint, max: bigint, fail: (why?: string) => never): number | bigint {
  let big: bigint;
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) fail('not a whole number');
    if (!Number.isSafeInteger(input)) fail('beyond 2^53: give it as a decimal string');
    big = BigInt(input);
  } else if (typeof input === 'string' && INTEGER_TEXT.test(input)) {
    big = BigInt(input);
  } else {
    return fail();
  }
  if (big < min || big > max) fail('out of the 64-bit range');
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function decode(input: unknown, type: ResourceType, fail: (why?: string) => never): ResourceValue {
  switch (type) {
    case 'string':
    case 'corelnk':
      return typeof input === 'string' ? { type, value: input } : fail();
    case 'integer':
      return { type, value: integer(input, INT64_MIN, INT64_MAX, fail) };
    case 'unsigned':
      return { type, value: integer(input, 0n, UINT64_MAX, fail) };
    case 'float':
      if (typeof input === 'number') return { type, value: input };
      if (input === 'NaN' || input === 'Infinity' || input === '-Infinity')
        return { type, value: Number(input) };
      return fail();
    case 'boolean':
      return typeof input === 'boolean' ? { type, value: input } : fail();
    case 'opaque':
      return typeof input === 'string' && BASE64.test(input)
        ? { type, value: new Uint8Array(Buffer.from(input, 'base64')) }
        : fail();
    case 'time': {
      let seconds: number;
      if (typeof input === 'number') {
        if (!Number.isSafeInteger(input)) fail('Unix seconds must be a whole number');
        seconds = input;
      } else if (typeof input === 'string' && ISO_TIME.test(input) && !Number.isNaN(Date.parse(input))) {
        seconds = Math.floor(Date.parse(input) / 1000);
      } else {
        return fail();
      }
      try {
        return { type, value: secondsToTime(seconds) };
      } catch {
        return fail('outside the representable date range');
      }
    }
    case 'objlnk':
      if (typeof input !== 'string') return fail();
      try {
        return { type, value: parseObjectLink(input) };
      } catch {
        return fail();
      }
    case 'none':
      return input === null ? { type, value: null } : fail();
  }
}

function checkRange(
  value: ResourceValue,
  definition: ResourceDefinition | undefined,
  fail: (why?: string) => never,
): void {
  const range = definition?.range;
  if (range === undefined) return;
  switch (range.kind) {
    case 'numeric':
      if (value.type === 'integer' || value.type === 'unsigned' || value.type === 'float') {
        const n = Number(value.value);
        if (Number.isNaN(n) || n < range.min || n > range.max)
          fail(`out of range ${range.min}..${range.max}`);
      }
      return;
    case 'length': {
      const length =
        value.type === 'opaque'
          ? value.value.length
          : value.type === 'string'
            ? Buffer.byteLength(value.value, 'utf8')
            : undefined;
      if (length !== undefined && (length < range.min || length > range.max))
        fail(`${length} bytes, allowed ${range.min}..${range.max}`);
      return;
    }
    case 'enumeration': {
      const plain = value.type === 'integer' || value.type === 'unsigned' ? Number(value.value) : value.value;
      if (typeof plain === 'number' || typeof plain === 'string') {
        if (!range.values.some((allowed) => allowed === plain || String(allowed) === String(plain)))
          fail(`not one of ${range.values.join(', ')}`);
      }
      return;
    }
  }
}
