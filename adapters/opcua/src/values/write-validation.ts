import { CodedError } from '@lwm2m-adapters/errors';
import type { RawScalar, RawValue } from '@lwm2m-adapters/sdk';
import {
  isMethodPoint,
  OPCUA_INTEGER_RANGES,
  type OpcuaDataType,
  type OpcuaPoint,
} from '../config/point-schema.js';

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** Longest string or byte string written (OPC UA encodes lengths as Int32; servers cap far lower). */
export const MAX_WRITE_LENGTH = 16 * 1024 * 1024;
/** Most array elements written at once. */
export const MAX_WRITE_ELEMENTS = 1_000_000;

function describe(value: RawScalar): string {
  if (value instanceof Date)
    return `Date ${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return `string of ${value.length} characters`;
  return `${typeof value} ${String(value)}`;
}

function invalid(message: string, type: OpcuaDataType): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', message, { details: { dataType: type } });
}

/** Why one scalar does not fit an OPC UA type, or undefined when it does. */
export function scalarProblem(type: OpcuaDataType, value: RawScalar): string | undefined {
  const range = OPCUA_INTEGER_RANGES[type];
  if (range !== undefined) {
    let n: bigint;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
    else return `${type} needs an integer, got ${describe(value)}`;
    if (n < range[0] || n > range[1]) return `${n} is outside the ${type} range ${range[0]}..${range[1]}`;
    return undefined;
  }
  switch (type) {
    case 'Float':
    case 'Double': {
      if (typeof value !== 'number' && typeof value !== 'bigint')
        return `${type} needs a number, got ${describe(value)}`;
      const n = Number(value);
      if (typeof value === 'bigint' && BigInt(n) !== value)
        return `${value} cannot be represented exactly as a ${type}`;
      if (type === 'Float' && Number.isFinite(n) && Math.abs(n) > FLOAT32_MAX)
        return `${n} is outside the Float (32-bit) range ±${FLOAT32_MAX}`;
      return undefined;
    }
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : `Boolean needs true or false, got ${describe(value)}`;
    case 'String':
      if (typeof value !== 'string') return `String needs a string, got ${describe(value)}`;
      return value.length > MAX_WRITE_LENGTH
        ? `a string longer than ${MAX_WRITE_LENGTH} characters`
        : undefined;
    case 'DateTime':
      if (!(value instanceof Date)) return `DateTime needs a Date, got ${describe(value)}`;
      return Number.isNaN(value.getTime()) ? 'DateTime needs a valid date, got Invalid Date' : undefined;
    case 'ByteString':
      if (!(value instanceof Uint8Array)) return `ByteString needs bytes, got ${describe(value)}`;
      return value.length > MAX_WRITE_LENGTH ? `more than ${MAX_WRITE_LENGTH} bytes` : undefined;
    default:
      return `unsupported type ${type}`;
  }
}

/**
 * Checks that a raw value fits a variable point's OPC UA data type before anything is sent:
 * integers within the type's range (bigint accepted, exact to 64 bits), Float within float32,
 * Boolean, String, DateTime as a valid Date, ByteString as bytes, arrays element by element for an
 * array point (a scalar for a scalar point). Throws WRITE_VALUE_INVALID; pure.
 */
export function validateOpcuaWrite(point: OpcuaPoint, value: RawValue): void {
  if (isMethodPoint(point))
    throw new CodedError('WRITE_VALUE_INVALID', 'a method point cannot be written (execute it instead)');
  const { type } = point;
  if (Array.isArray(value)) {
    if (!point.array) throw invalid(`the ${type} variable holds one value, got an array`, type);
    if (value.length > MAX_WRITE_ELEMENTS)
      throw invalid(`an array of more than ${MAX_WRITE_ELEMENTS} elements`, type);
    for (let i = 0; i < value.length; i++) {
      const problem = scalarProblem(type, value[i] as RawScalar);
      if (problem !== undefined) throw invalid(`element ${i}: ${problem}`, type);
    }
    return;
  }
  if (point.array) throw invalid(`the variable holds an array of ${type}, got one value`, type);
  const problem = scalarProblem(type, value as RawScalar);
  if (problem !== undefined) throw invalid(problem, type);
}
