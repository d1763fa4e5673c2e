import { CodedError } from '@lwm2m-adapters/errors';
import {
  assertValidValue,
  type ObjectLink,
  parseObjectLink,
  type ResourceDefinition,
  type ResourceType,
  type ResourceValue,
} from '@lwm2m-adapters/lwm2m-core';
import type { ResourceContent, ResourceScalar } from './resource-declaration.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (input instanceof Date) return 'a Date';
  if (input instanceof Uint8Array) return `${input.length} bytes`;
  if (Array.isArray(input)) return 'an array';
  if (input instanceof Map) return 'a Map';
  if (typeof input === 'object') {
    if ('type' in input && 'value' in input) return `a ${String((input as { type: unknown }).type)} value`;
    return 'an object';
  }
  if (typeof input === 'string') return `the string ${JSON.stringify(input.slice(0, 40))}`;
  return `${typeof input} ${String(input).slice(0, 40)}`;
}

function mismatch(input: unknown, type: ResourceType, why = ''): CodedError {
  return new CodedError('NODE_INVALID', `${describe(input)} is not a valid ${type}${why ? `: ${why}` : ''}`, {
    details: { expected: type },
  });
}

function isTypedValue(input: ResourceScalar): input is ResourceValue {
  return typeof input === 'object' && input !== null && 'type' in input && 'value' in input;
}

function isObjectLink(input: ResourceScalar): input is ObjectLink {
  return typeof input === 'object' && input !== null && 'objectId' in input && 'instanceId' in input;
}

function integral(input: unknown, min: bigint, max: bigint, type: ResourceType): number | bigint {
  let big: bigint;
  if (typeof input === 'bigint') big = input;
  else if (typeof input === 'number' && Number.isInteger(input)) {
    if (!Number.isSafeInteger(input)) throw mismatch(input, type, 'not exactly representable; use a bigint');
    big = BigInt(input);
  } else throw mismatch(input, type, 'expected a whole number');
  if (big < min || big > max) throw mismatch(input, type, 'out of range');
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/** The plain JS payload of a typed value (to convert it to another numeric type). */
function plain(input: ResourceScalar): unknown {
  return isTypedValue(input) ? input.value : input;
}

/**
 * Converts a host value to a ResourceValue of `type` (see ResourceScalar for the accepted forms).
 * Throws NODE_INVALID with a message that names the value and the expected type.
 */
export function toResourceValue(input: ResourceScalar, type: ResourceType): ResourceValue {
  if (isTypedValue(input) && input.type === type) {
    assertValidValue(input);
    return input;
  }
  if (isTypedValue(input) && !['integer', 'unsigned', 'float', 'time'].includes(input.type)) {
    throw mismatch(input, type);
  }
  const raw = plain(input);
  switch (type) {
    case 'string':
    case 'corelnk':
      if (typeof raw !== 'string') throw mismatch(input, type);
      return { type, value: raw };
    case 'integer':
      return { type, value: integral(raw, INT64_MIN, INT64_MAX, type) };
    case 'unsigned':
      return { type, value: integral(raw, 0n, UINT64_MAX, type) };
    case 'float': {
      const n = typeof raw === 'bigint' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n))
        throw mismatch(input, type, 'expected a finite number');
      return { type, value: n };
    }
    case 'boolean':
      if (typeof raw !== 'boolean') throw mismatch(input, type);
      return { type, value: raw };
    case 'opaque':
      if (!(raw instanceof Uint8Array)) throw mismatch(input, type);
      return { type, value: raw };
    case 'time': {
      if (raw instanceof Date) {
        const value: ResourceValue = { type, value: new Date(timeSeconds(raw) * 1000) };
        assertValidValue(value);
        return value;
      }
      const seconds = integral(raw, INT64_MIN, INT64_MAX, type);
      const value: ResourceValue = { type, value: new Date(Number(seconds) * 1000) };
      if (Number.isNaN(value.value.getTime())) throw mismatch(input, type, 'outside the Date range');
      return value;
    }
    case 'objlnk': {
      const link = typeof raw === 'string' ? parseLink(raw) : isObjectLink(input) ? input : undefined;
      if (link === undefined) throw mismatch(input, type);
      const value: ResourceValue = { type, value: { objectId: link.objectId, instanceId: link.instanceId } };
      assertValidValue(value);
      return value;
    }
    case 'none':
      throw mismatch(input, type, 'an executable resource has no value');
  }
}

function timeSeconds(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw mismatch(date, 'time', 'invalid Date');
  return Math.floor(ms / 1000);
}

function parseLink(text: string): ObjectLink | undefined {
  try {
    return parseObjectLink(text);
  } catch {
    return undefined;
  }
}

function isInstancesInput(
  content: ResourceContent,
): content is readonly ResourceScalar[] | ReadonlyMap<number, ResourceScalar> {
  return Array.isArray(content) || content instanceof Map;
}

/** A single resource's value from a static value or a read handler's result. */
export function toSingleValue(content: ResourceContent, type: ResourceType): ResourceValue {
  if (isInstancesInput(content)) throw mismatch(content, type, 'a single resource takes one value');
  return toResourceValue(content as ResourceScalar, type);
}

/** A multiple resource's instances (sorted by id) from an array, a map, or one scalar (instance 0). */
export function toInstanceValues(content: ResourceContent, type: ResourceType): Map<number, ResourceValue> {
  const out = new Map<number, ResourceValue>();
  if (Array.isArray(content)) {
    (content as readonly ResourceScalar[]).forEach((v, i) => {
      out.set(i, toResourceValue(v, type));
    });
    return out;
  }
  if (content instanceof Map) {
    const ids = [...(content as ReadonlyMap<number, ResourceScalar>).keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id > 65534) {
        throw new CodedError('NODE_INVALID', `resource instance id ${id} is not an integer 0..65534`);
      }
      out.set(id, toResourceValue((content as ReadonlyMap<number, ResourceScalar>).get(id)!, type));
    }
    return out;
  }
  out.set(0, toResourceValue(content as ResourceScalar, type));
  return out;
}

/**
 * Why a value written by the server breaks the definition's range (numeric bounds, string/opaque
 * length, enumeration); undefined when it fits or the range is unknown.
 */
export function rangeViolation(value: ResourceValue, definition: ResourceDefinition): string | undefined {
  const range = definition.range;
  if (range === undefined) return undefined;
  switch (range.kind) {
    case 'numeric': {
      if (value.type !== 'integer' && value.type !== 'unsigned' && value.type !== 'float') return undefined;
      const n = Number(value.value);
      return n < range.min || n > range.max ? `${n} is outside ${range.min}..${range.max}` : undefined;
    }
    case 'length': {
      const length =
        value.type === 'opaque'
          ? value.value.length
          : value.type === 'string'
            ? new TextEncoder().encode(value.value).length
            : undefined;
      if (length === undefined) return undefined;
      return length < range.min || length > range.max
        ? `length ${length} is outside ${range.min}..${range.max}`
        : undefined;
    }
    case 'enumeration': {
      if (value.type === 'string')
        return range.values.includes(value.value) ? undefined : 'not an allowed value';
      if (value.type === 'integer' || value.type === 'unsigned') {
        return range.values.includes(Number(value.value))
          ? undefined
          : `${value.value} is not an allowed value`;
      }
      return undefined;
    }
  }
}
