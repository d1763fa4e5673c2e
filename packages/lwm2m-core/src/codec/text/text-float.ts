import { CodedError } from '@lwm2m-adapters/errors';

/**
 * Formats a Float for text/plain: the shortest digits that round-trip (as `String(v)` picks them),
 * written as plain decimal without an exponent (1e21 -> "1000000000000000000000",
 * 5e-7 -> "0.0000005"), because not every LwM2M peer parses exponents. -0 is written "-0".
 * Infinity and NaN have no LwM2M text form: VALUE_OUT_OF_RANGE.
 */
export function formatTextFloat(v: number): string {
  if (typeof v !== 'number') throw new CodedError('NODE_INVALID', 'Float value must be a number');
  if (!Number.isFinite(v)) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `Float ${v} has no text/plain representation`);
  }
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

const FLOAT_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a text/plain Float: optional "-", decimal digits with optional fraction and exponent
 * ("22.5", "-0.5", "1.0E21", "22."). No "+", whitespace, hex, Infinity or NaN; a value beyond the
 * float64 range throws CODEC_TYPE_MISMATCH.
 */
export function parseTextFloat(text: string): number {
  if (!FLOAT_RE.test(text)) {
    throw new CodedError(
      'CODEC_TYPE_MISMATCH',
      `Float text ${JSON.stringify(text.slice(0, 40))} is not a decimal number`,
    );
  }
  const v = Number(text);
  if (!Number.isFinite(v)) {
    throw new CodedError(
      'CODEC_TYPE_MISMATCH',
      `Float text ${JSON.stringify(text.slice(0, 40))} is outside the float64 range`,
    );
  }
  return v;
}
