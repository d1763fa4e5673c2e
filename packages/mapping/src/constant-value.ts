import { CodedError } from '@lwm2m-adapters/errors';
import {
  normalizeInteger,
  parseObjectLink,
  type ResourceDefinition,
  type ResourceRange,
  type ResourceType,
  type ResourceValue,
  secondsToTime,
} from '@lwm2m-adapters/lwm2m-core';
import type { CompiledConstantPoint } from './compiled-mapping.js';
import type { JsonValue } from './json-value.js';
import type { LocatedScalar } from './located-node.js';
import { describeValue } from './zod-issues.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INTEGER_TEXT_RE = /^-?\d{1,20}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const OBJLNK_RE = /^\d{1,5}:\d{1,5}$/;

export type EncodedConstant =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly problem: string; readonly expected: string };

const EXPECTED: Readonly<Record<ResourceType, string>> = {
  string: 'text',
  integer: 'a whole number',
  unsigned: 'a whole number >= 0',
  float: 'a number',
  boolean: 'true or false',
  opaque: 'base64 text or a !!binary value',
  time: 'Unix seconds or an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)',
  objlnk: 'an object link "objectId:instanceId" (e.g. "3303:0")',
  corelnk: 'CoRE link-format text (e.g. "</3303/0>")',
  none: 'a binding with access: execute (an executable resource has no value)',
};

/**
 * Checks a constant written in the mapping against the resource's type and range, and gives its
 * JSON form (see CompiledConstantPoint.constant).
 */
export function encodeConstant(resource: ResourceDefinition, node: LocatedScalar): EncodedConstant {
  const { value } = node;
  const type = resource.type;
  const wrongType = (): EncodedConstant => ({
    ok: false,
    problem: `${describeValue(value)} is not a valid ${type} value`,
    expected: EXPECTED[type],
  });
  switch (type) {
    case 'string':
    case 'corelnk': {
      if (value === null || value instanceof Uint8Array) return wrongType();
      // A plain scalar such as 0012 or 1.10 keeps its text as written.
      const text = typeof value === 'string' ? value : (node.plainText ?? String(value));
      return (
        checkRange(resource.range, text, Buffer.byteLength(text, 'utf8'), JSON.stringify(text)) ?? {
          ok: true,
          value: text,
        }
      );
    }
    case 'integer':
    case 'unsigned': {
      const integer = integerOf(value);
      if (integer === undefined) return wrongType();
      const [min, max] = type === 'integer' ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
      if (integer < min || integer > max) {
        return { ok: false, problem: `${integer} is out of range for ${type}`, expected: `${min}..${max}` };
      }
      const normalized = normalizeInteger(integer);
      const json = typeof normalized === 'bigint' ? normalized.toString() : normalized;
      return (
        checkRange(resource.range, Number(integer), undefined, String(integer)) ?? { ok: true, value: json }
      );
    }
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType();
      return checkRange(resource.range, value, undefined, String(value)) ?? { ok: true, value };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : wrongType();
    case 'opaque': {
      const bytes =
        value instanceof Uint8Array
          ? value
          : typeof value === 'string' && BASE64_RE.test(value)
            ? Buffer.from(value, 'base64')
            : undefined;
      if (bytes === undefined) return wrongType();
      return (
        checkRange(resource.range, undefined, bytes.length, `${bytes.length} bytes`) ?? {
          ok: true,
          value: Buffer.from(bytes).toString('base64'),
        }
      );
    }
    case 'time': {
      const seconds =
        typeof value === 'number' && Number.isSafeInteger(value)
          ? value
          : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))
            ? Math.floor(Date.parse(value) / 1000)
            : undefined;
      return seconds === undefined ? wrongType() : { ok: true, value: seconds };
    }
    case 'objlnk':
      return typeof value === 'string' && OBJLNK_RE.test(value) && linkInRange(value)
        ? { ok: true, value }
        : wrongType();
    case 'none':
      return {
        ok: false,
        problem: `resource ${resource.id} "${resource.name}" is executable and cannot be a constant`,
        expected: EXPECTED.none,
      };
  }
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && INTEGER_TEXT_RE.test(value)) return BigInt(value);
  return undefined;
}

function linkInRange(text: string): boolean {
  return text.split(':').every((part) => Number(part) <= 65535);
}

function checkRange(
  range: ResourceRange | undefined,
  numeric: number | string | undefined,
  length: number | undefined,
  shown: string,
): EncodedConstant | undefined {
  if (range === undefined) return undefined;
  if (
    range.kind === 'numeric' &&
    typeof numeric === 'number' &&
    (numeric < range.min || numeric > range.max)
  ) {
    return {
      ok: false,
      problem: `${shown} is outside the resource's range`,
      expected: `${range.min}..${range.max}`,
    };
  }
  if (range.kind === 'length' && length !== undefined && (length < range.min || length > range.max)) {
    return {
      ok: false,
      problem: `${shown} has ${length} bytes, outside the resource's length range`,
      expected: `${range.min}..${range.max} bytes`,
    };
  }
  if (
    range.kind === 'enumeration' &&
    numeric !== undefined &&
    !range.values.some((allowed) => allowed === numeric)
  ) {
    return {
      ok: false,
      problem: `${shown} is not one of the resource's values`,
      expected: `one of ${range.values.join(', ')}`,
    };
  }
  return undefined;
}

/** The LwM2M value of a constant point. */
export function constantValue(point: CompiledConstantPoint): ResourceValue {
  const json = point.constant;
  const bad = (): CodedError =>
    new CodedError('NODE_INVALID', `constant of ${point.path} does not match its type ${point.resourceType}`);
  switch (point.resourceType) {
    case 'string':
    case 'corelnk':
      if (typeof json !== 'string') throw bad();
      return { type: point.resourceType, value: json };
    case 'integer':
    case 'unsigned': {
      if (typeof json === 'number' && Number.isSafeInteger(json))
        return { type: point.resourceType, value: json };
      if (typeof json === 'string' && INTEGER_TEXT_RE.test(json)) {
        return { type: point.resourceType, value: normalizeInteger(BigInt(json)) };
      }
      throw bad();
    }
    case 'float':
      if (typeof json !== 'number') throw bad();
      return { type: 'float', value: json };
    case 'boolean':
      if (typeof json !== 'boolean') throw bad();
      return { type: 'boolean', value: json };
    case 'opaque':
      if (typeof json !== 'string') throw bad();
      return { type: 'opaque', value: new Uint8Array(Buffer.from(json, 'base64')) };
    case 'time':
      if (typeof json !== 'number') throw bad();
      return { type: 'time', value: secondsToTime(json) };
    case 'objlnk':
      if (typeof json !== 'string') throw bad();
      return { type: 'objlnk', value: parseObjectLink(json) };
    case 'none':
      throw bad();
  }
}
