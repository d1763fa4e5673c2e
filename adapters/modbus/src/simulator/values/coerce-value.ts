/** Conversions of configured and generated values into the value a point's type stores. */
import { dataTypeValueKind, integerRange } from '../../data/data-types.js';
import type { DataType, TypedValue } from './typed-value.js';

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * A configured value as its type wants it, without changing its meaning: decimal strings become
 * bigint for integer types, 0/1 become booleans for bool. Range checks happen when it is encoded.
 */
export function configuredValue(type: DataType, value: TypedValue): TypedValue {
  if (
    dataTypeValueKind(type) === 'integer' &&
    typeof value === 'string' &&
    DECIMAL_INTEGER.test(value.trim())
  ) {
    return BigInt(value.trim());
  }
  if (type === 'bool' && (value === 0 || value === 1)) return value === 1;
  return value;
}

/**
 * A generated value forced into the type: integers are rounded and clamped to the type's range,
 * bools are "non-zero", strings are the text of the value. Signals never fail on their output.
 */
export function coerceValue(type: DataType, value: TypedValue): TypedValue {
  if (type === 'string') return String(value);
  if (type === 'bool')
    return typeof value === 'string' ? value.length > 0 : value !== 0 && value !== 0n && value !== false;
  const numeric = configuredValue(type, value);
  if (type === 'float32' || type === 'float64') {
    if (typeof numeric === 'number') return numeric;
    if (typeof numeric === 'bigint') return Number(numeric);
    if (typeof numeric === 'boolean') return numeric ? 1 : 0;
    const parsed = Number(numeric);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  const [min, max] = integerRange(type)!;
  let integer: bigint;
  if (typeof numeric === 'bigint') integer = numeric;
  else if (typeof numeric === 'boolean') integer = numeric ? 1n : 0n;
  else {
    const parsed = typeof numeric === 'number' ? numeric : Number(numeric);
    integer = Number.isFinite(parsed) ? BigInt(Math.round(parsed)) : 0n;
  }
  if (integer < min) integer = min;
  if (integer > max) integer = max;
  return type === 'int64' || type === 'uint64' ? integer : Number(integer);
}

/** Largest value of a numeric type, as a number (the default wrap point of counters). */
export function typeMaximum(type: DataType): number {
  const range = integerRange(type);
  return range === undefined ? Number.MAX_SAFE_INTEGER : Math.min(Number(range[1]), Number.MAX_SAFE_INTEGER);
}
