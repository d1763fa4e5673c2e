import { CodedError } from '@lwm2m-adapters/errors';
import type { ObjectLink, ResourceType, ResourceValue } from './resource-type.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Largest |seconds| a JS Date can hold. */
const MAX_DATE_SECONDS = 8_640_000_000_000;

/** Returns a number when the bigint is a safe integer, the bigint otherwise. */
export function normalizeInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function integerOf(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isInteger(value)) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `${what} must be a whole number, got ${value}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new CodedError(
      'VALUE_OUT_OF_RANGE',
      `${what} ${value} is not exactly representable; pass a bigint`,
    );
  }
  return BigInt(value);
}

export function checkedInt64(value: number | bigint): bigint {
  const v = integerOf(value, 'Integer');
  if (v < INT64_MIN || v > INT64_MAX) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `Integer ${v} is outside the signed 64-bit range`);
  }
  return v;
}

export function checkedUint64(value: number | bigint): bigint {
  const v = integerOf(value, 'Unsigned Integer');
  if (v < 0n || v > UINT64_MAX) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `Unsigned Integer ${v} is outside 0..2^64-1`);
  }
  return v;
}

/** LwM2M Time (signed Unix seconds) of a Date; sub-second parts are truncated toward -inf. */
export function timeToSeconds(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new CodedError('VALUE_OUT_OF_RANGE', 'Time value is an invalid Date');
  return Math.floor(ms / 1000);
}

export function secondsToTime(seconds: number | bigint): Date {
  const s = typeof seconds === 'bigint' ? seconds : BigInt(Math.trunc(seconds));
  if (s < BigInt(-MAX_DATE_SECONDS) || s > BigInt(MAX_DATE_SECONDS)) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `Time ${s} s is outside the representable date range`);
  }
  return new Date(Number(s) * 1000);
}

export function checkedObjectLink(link: ObjectLink): ObjectLink {
  for (const [k, v] of [
    ['objectId', link.objectId],
    ['instanceId', link.instanceId],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 65535) {
      throw new CodedError('VALUE_OUT_OF_RANGE', `Objlnk ${k} must be 0..65535, got ${v}`);
    }
  }
  return link;
}

export function formatObjectLink(link: ObjectLink): string {
  return `${link.objectId}:${link.instanceId}`;
}

const OBJLNK_RE = /^(\d{1,5}):(\d{1,5})$/;

export function parseObjectLink(text: string): ObjectLink {
  const m = OBJLNK_RE.exec(text);
  if (!m)
    throw new CodedError(
      'CODEC_TYPE_MISMATCH',
      `Objlnk must look like "oid:iid", got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return checkedObjectLink({ objectId: Number(m[1]), instanceId: Number(m[2]) });
}

/** Structural equality of two values (used by round-trip tests and change detection). */
export function valuesEqual(a: ResourceValue, b: ResourceValue): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'opaque': {
      const bv = b.value as Uint8Array;
      return a.value.length === bv.length && a.value.every((x, i) => x === bv[i]);
    }
    case 'time':
      return a.value.getTime() === (b.value as Date).getTime();
    case 'objlnk': {
      const bv = b.value as ObjectLink;
      return a.value.objectId === bv.objectId && a.value.instanceId === bv.instanceId;
    }
    case 'float':
      return Object.is(a.value, b.value) || a.value === b.value;
    case 'integer':
    case 'unsigned': {
      // a number and a bigint of one value are equal; two of a kind compare as they are, with no
      // BigInt made per comparison (change detection runs this per polled value, issue 16)
      const bv = b.value as number | bigint;
      if (typeof a.value === typeof bv) return a.value === bv;
      return BigInt(a.value) === BigInt(bv);
    }
    default:
      return a.value === b.value;
  }
}

/** Throws VALUE_OUT_OF_RANGE / NODE_INVALID when a value is not a valid instance of its type. */
export function assertValidValue(v: ResourceValue): void {
  const type = v.type;
  switch (v.type) {
    case 'string':
    case 'corelnk':
      if (typeof v.value !== 'string') throw invalid(type);
      return;
    case 'integer':
      checkedInt64(v.value);
      return;
    case 'unsigned':
      checkedUint64(v.value);
      return;
    case 'float':
      if (typeof v.value !== 'number') throw invalid(type);
      return;
    case 'boolean':
      if (typeof v.value !== 'boolean') throw invalid(type);
      return;
    case 'opaque':
      if (!(v.value instanceof Uint8Array)) throw invalid(type);
      return;
    case 'time':
      if (!(v.value instanceof Date)) throw invalid(type);
      timeToSeconds(v.value);
      return;
    case 'objlnk':
      checkedObjectLink(v.value);
      return;
    case 'none':
      if (v.value !== null) throw invalid(type);
      return;
  }
}

function invalid(type: ResourceType): CodedError {
  return new CodedError('NODE_INVALID', `value does not match its declared LwM2M type ${type}`);
}

/** Convenience constructors: `value.float(22.5)`, `value.string('Cel')`, ... */
export const value = {
  string: (v: string): ResourceValue => ({ type: 'string', value: v }),
  integer: (v: number | bigint): ResourceValue => ({ type: 'integer', value: v }),
  unsigned: (v: number | bigint): ResourceValue => ({ type: 'unsigned', value: v }),
  float: (v: number): ResourceValue => ({ type: 'float', value: v }),
  boolean: (v: boolean): ResourceValue => ({ type: 'boolean', value: v }),
  opaque: (v: Uint8Array): ResourceValue => ({ type: 'opaque', value: v }),
  time: (v: Date): ResourceValue => ({ type: 'time', value: v }),
  objlnk: (objectId: number, instanceId: number): ResourceValue => ({
    type: 'objlnk',
    value: { objectId, instanceId },
  }),
  corelnk: (v: string): ResourceValue => ({ type: 'corelnk', value: v }),
  none: (): ResourceValue => ({ type: 'none', value: null }),
} as const;
