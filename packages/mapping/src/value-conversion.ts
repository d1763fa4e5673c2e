import { CodedError } from '@lwm2m-adapters/errors';
import {
  normalizeInteger,
  parseObjectLink,
  type ResourceValue,
  secondsToTime,
  timeToSeconds,
} from '@lwm2m-adapters/lwm2m-core';
import type { RawScalar, RawValue } from '@lwm2m-adapters/sdk';
import type { CompiledBoundPoint, EnumEntry } from './compiled-mapping.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Relative tolerance when an inverse scale must give a whole raw number (absorbs float noise). */
const WHOLE_TOLERANCE = 1e-9;

function readFailure(point: CompiledBoundPoint, message: string): CodedError {
  return new CodedError('DEVICE_RESPONSE_INVALID', `${point.path}: ${message}`, {
    retriable: false,
    details: { path: point.path },
  });
}

function writeFailure(point: CompiledBoundPoint, message: string): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', `${point.path}: ${message}`, {
    details: { path: point.path },
  });
}

/** Decimal places past which the float noise of a scaled value is not dropped. */
const MAX_PLACES = 15;

/**
 * Decimal places of a number's shortest text form (`0.1` → 1, `1e-7` → 7), found without text:
 * the fewest places p for which x rounded to p places is x again. That is the shortest form's
 * count (a form with p places that gives x back is as short as x's own text gets). Above
 * MAX_PLACES it gives MAX_PLACES + 1, "too many to round to", as the text form would.
 */
export function decimalPlaces(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return 0;
  let power = 1;
  for (let places = 0; places <= MAX_PLACES; places++) {
    if (Math.round(value * power) / power === value) return places;
    power *= 10;
  }
  return MAX_PLACES + 1;
}

/** Below this a scaled value times 10^places is an exact integer double when it is one. */
const EXACT_INTEGER_LIMIT = 2 ** 52;

/**
 * `Number(value.toFixed(places))` without making its text: a whole raw value scaled is within
 * float noise of an integer count of 10^-places, far from a rounding tie, so rounding the value
 * times 10^places and dividing gives the same double (both are the double nearest that count
 * over 10^places). Beyond exact integers, the text form.
 */
export function roundToPlaces(value: number, places: number): number {
  const power = 10 ** places;
  const units = value * power;
  if (Math.abs(units) < EXACT_INTEGER_LIMIT) return Math.round(units) / power;
  return Number(value.toFixed(places));
}

function sameRaw(a: RawScalar, b: EnumEntry['raw']): boolean {
  if (typeof a === 'bigint') return typeof b === 'number' && BigInt(b) === a;
  return a === b;
}

function numberOf(raw: RawScalar): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  return undefined;
}

/**
 * The LwM2M value of a raw device value: bit, enum or scale/offset applied, then shaped as the
 * resource type. Throws DEVICE_RESPONSE_INVALID (not retriable) when the device value cannot be
 * represented (not in the enum, fractional for an integer resource, wrong kind...).
 */
export function toLwm2mValue(point: CompiledBoundPoint, raw: RawValue): ResourceValue {
  if (Array.isArray(raw)) {
    throw readFailure(point, `the device gave an array of ${raw.length} values for a single value`);
  }
  return scalarToLwm2m(point, raw as RawScalar);
}

/** One scalar (of a scalar point, or one element of an array point) as its LwM2M value. */
export function scalarToLwm2m(point: CompiledBoundPoint, raw: RawScalar): ResourceValue {
  const { conversion } = point;
  let value: RawScalar = raw;
  if (conversion.bit !== undefined) {
    if (typeof raw !== 'bigint' && !(typeof raw === 'number' && Number.isInteger(raw))) {
      throw readFailure(point, `bit ${conversion.bit} needs an integer, the device gave ${typeof raw}`);
    }
    value = ((BigInt(raw) >> BigInt(conversion.bit)) & 1n) === 1n;
  } else if (conversion.enum !== undefined) {
    const entry = conversion.enum.find((candidate) => sameRaw(raw, candidate.raw));
    if (entry === undefined) {
      const known = conversion.enum.map((candidate) => String(candidate.raw)).join(', ');
      throw readFailure(point, `the device value ${String(raw)} is not in the enum (${known})`);
    }
    value = entry.value;
  } else if (conversion.scale !== undefined || conversion.offset !== undefined) {
    const number = numberOf(raw);
    if (number === undefined)
      throw readFailure(point, `scale/offset need a number, the device gave ${typeof raw}`);
    value = scaledNumber(conversion.scale ?? 1, conversion.offset ?? 0, number);
  }
  return shape(point, value);
}

/** raw × scale + offset; a whole raw value's result without its float noise. */
function scaledNumber(scale: number, offset: number, number: number): number {
  const scaled = number * scale + offset;
  const places = Math.max(decimalPlaces(scale), decimalPlaces(offset));
  // A whole raw value has at most `places` decimals once scaled; drop the float noise (0.1 * 3).
  return Number.isInteger(number) && places <= MAX_PLACES ? roundToPlaces(scaled, places) : scaled;
}

/** Where `plainLwm2mNumber` puts its number: an object with a number field, written in place. */
export interface NumberSlot {
  value: number;
}

/**
 * The LwM2M number a raw number gives, when it is a plain number: a scalar point of a float
 * resource, or of an integer or unsigned one when the result is a safe integer in its range, with
 * no enum or bit (scale and offset applied). Puts exactly `toLwm2mValue(point, raw).value` in
 * `slot.value` then and says true; says false for every other point or value, which
 * `toLwm2mValue` converts (or refuses). Nothing is allocated: a poll of changing values converts
 * them in place (issue 16). The number goes into a slot, not out as the result, because a double
 * returned from a call is a new heap number each time.
 */
export function plainLwm2mNumber(point: CompiledBoundPoint, raw: number, slot: NumberSlot): boolean {
  const { conversion } = point;
  if (point.shape === 'array' || conversion.bit !== undefined || conversion.enum !== undefined) return false;
  const type = point.resourceType;
  if (type !== 'float' && type !== 'integer' && type !== 'unsigned') return false;
  // straight into the slot: a local that is either the raw number or a computed one would be
  // boxed into a new heap number
  if (conversion.scale === undefined && conversion.offset === undefined) slot.value = raw;
  else slot.value = scaledNumber(conversion.scale ?? 1, conversion.offset ?? 0, raw);
  if (type === 'float') return true;
  return Number.isSafeInteger(slot.value) && (type === 'integer' || slot.value >= 0);
}

function wrongType(point: CompiledBoundPoint, value: RawScalar): CodedError {
  return readFailure(point, `a ${typeof value} value does not fit the resource type ${point.resourceType}`);
}

/** A read value as the resource's type (called per value: nothing allocated but the result). */
function shape(point: CompiledBoundPoint, value: RawScalar): ResourceValue {
  switch (point.resourceType) {
    case 'float': {
      if (typeof value === 'number') return { type: 'float', value };
      if (typeof value === 'bigint') return { type: 'float', value: Number(value) };
      throw wrongType(point, value);
    }
    case 'integer':
    case 'unsigned': {
      // the common case, a safe integer number, needs no bigint on the way
      if (typeof value === 'number' && Number.isSafeInteger(value)) {
        if (point.resourceType === 'unsigned' && value < 0) {
          throw readFailure(point, `${value} is out of range for unsigned`);
        }
        return { type: point.resourceType, value };
      }
      const integer = integerOf(value);
      if (integer === undefined) throw readFailure(point, `${String(value)} is not a whole number`);
      const outOfRange =
        point.resourceType === 'integer'
          ? integer < INT64_MIN || integer > INT64_MAX
          : integer < 0n || integer > UINT64_MAX;
      if (outOfRange) throw readFailure(point, `${integer} is out of range for ${point.resourceType}`);
      return { type: point.resourceType, value: normalizeInteger(integer) };
    }
    case 'time': {
      // LwM2M time has whole seconds: a device date is truncated, so sub-second changes are none
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw readFailure(point, 'the device gave an invalid date');
        return { type: 'time', value: secondsToTime(timeToSeconds(value)) };
      }
      const integer = integerOf(value);
      if (integer === undefined) throw wrongType(point, value);
      return { type: 'time', value: secondsToTime(integer) };
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(point, value);
      return { type: 'boolean', value };
    case 'string':
    case 'corelnk':
      if (typeof value !== 'string') throw wrongType(point, value);
      return { type: point.resourceType, value };
    case 'objlnk':
      if (typeof value !== 'string') throw wrongType(point, value);
      return { type: 'objlnk', value: parseObjectLink(value) };
    case 'opaque':
      if (!(value instanceof Uint8Array)) throw wrongType(point, value);
      return { type: 'opaque', value };
    case 'none':
      throw readFailure(point, 'an executable resource has no value');
  }
}

function integerOf(value: RawScalar): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? BigInt(value) : BigInt(Math.trunc(value));
  }
  return undefined;
}

/**
 * The raw value to write for an LwM2M value: checks the point is writable, the value's type and
 * the resource's range, then applies the inverse of enum or scale/offset. Throws
 * OPERATION_NOT_ALLOWED for points that are not writable, including mapping-level `bit` points
 * (a bit write needs a read-modify-write the mapping cannot do; use the adapter's own bit source
 * type when it has one), and WRITE_VALUE_INVALID for values that do not fit.
 */
export function fromLwm2mValue(point: CompiledBoundPoint, value: ResourceValue): RawScalar {
  if (!point.access.write) {
    throw new CodedError('OPERATION_NOT_ALLOWED', `${point.path} is not writable in the mapping`, {
      details: { path: point.path },
    });
  }
  if (point.conversion.bit !== undefined) {
    throw new CodedError(
      'OPERATION_NOT_ALLOWED',
      `${point.path} reads bit ${point.conversion.bit} of a register and cannot be written (use the adapter's own bit source type to write single bits)`,
      { details: { path: point.path } },
    );
  }
  if (value.type !== point.resourceType) {
    throw writeFailure(point, `the value is ${value.type}, but the resource is ${point.resourceType}`);
  }
  checkRange(point, value);
  if (value.type === 'time' && point.rawKind === 'time') return new Date(value.value.getTime());
  const plain = plainValue(value);
  const { conversion } = point;
  if (conversion.enum !== undefined) {
    const entry = conversion.enum.find(
      (candidate) =>
        candidate.value === plain ||
        (typeof plain === 'bigint' &&
          typeof candidate.value === 'number' &&
          BigInt(candidate.value) === plain),
    );
    if (entry === undefined) {
      const allowed = conversion.enum.map((candidate) => String(candidate.value)).join(', ');
      throw writeFailure(point, `${String(plain)} is not one of the enum values (${allowed})`);
    }
    return entry.raw;
  }
  if (conversion.scale !== undefined || conversion.offset !== undefined) {
    const number = typeof plain === 'number' ? plain : typeof plain === 'bigint' ? Number(plain) : undefined;
    if (number === undefined) throw writeFailure(point, 'scale/offset need a number');
    const raw = (number - (conversion.offset ?? 0)) / (conversion.scale ?? 1);
    return point.rawKind === 'integer' ? wholeRaw(point, raw, number) : raw;
  }
  if (point.rawKind === 'integer') {
    if (typeof plain === 'bigint') return plain;
    if (typeof plain === 'number') {
      if (!Number.isInteger(plain)) throw writeFailure(point, `${plain} is not a whole number`);
      return plain;
    }
  }
  return plain;
}

function wholeRaw(point: CompiledBoundPoint, raw: number, written: number): number {
  const rounded = Math.round(raw);
  if (Math.abs(raw - rounded) > WHOLE_TOLERANCE * Math.max(1, Math.abs(raw))) {
    const step = point.conversion.scale ?? 1;
    throw writeFailure(
      point,
      `${written} is not a multiple of the scale ${step} (the device stores whole numbers)`,
    );
  }
  if (!Number.isSafeInteger(rounded)) throw writeFailure(point, `${written} is too large for the device`);
  return rounded;
}

function plainValue(value: ResourceValue): RawScalar {
  switch (value.type) {
    case 'time':
      return timeToSeconds(value.value);
    case 'objlnk':
      return `${value.value.objectId}:${value.value.instanceId}`;
    case 'none':
      return '';
    default:
      return value.value;
  }
}

function checkRange(point: CompiledBoundPoint, value: ResourceValue): void {
  const range = point.range;
  if (range === undefined) return;
  if (
    range.kind === 'numeric' &&
    (value.type === 'integer' || value.type === 'unsigned' || value.type === 'float')
  ) {
    const number = Number(value.value);
    if (number < range.min || number > range.max) {
      throw writeFailure(
        point,
        `${String(value.value)} is outside the resource's range ${range.min}..${range.max}`,
      );
    }
  } else if (range.kind === 'length' && (value.type === 'string' || value.type === 'opaque')) {
    const length = value.type === 'string' ? Buffer.byteLength(value.value, 'utf8') : value.value.length;
    if (length < range.min || length > range.max) {
      throw writeFailure(
        point,
        `${length} bytes is outside the resource's length range ${range.min}..${range.max}`,
      );
    }
  } else if (
    range.kind === 'enumeration' &&
    (value.type === 'string' ||
      value.type === 'integer' ||
      value.type === 'unsigned' ||
      value.type === 'float')
  ) {
    const given = value.type === 'string' ? value.value : Number(value.value);
    if (!range.values.includes(given)) {
      throw writeFailure(
        point,
        `${String(value.value)} is not one of the resource's values (${range.values.join(', ')})`,
      );
    }
  }
}
