import type { ResourceType } from '../model/resource-type.js';
import type { ResourceRange } from './object-definition.js';

/**
 * Understands the common forms of a DDF `<RangeEnumeration>`:
 * - numeric bounds "0..255", "-40..85", "0-100", "0.0..1.0", "0..2^32-1" (integer, unsigned, float, time);
 * - a length for string, opaque and corelnk: "1..64 bytes", "0-255 bytes", "32 bytes", or plain
 *   bounds "0..255" (for these types the range applies to the length in bytes);
 * - an enumeration: numbers for numeric types ("0;1;2", "1,2,3"), words for string ("ON;OFF").
 * Anything else (prose, "10 or 26 Bytes", mixed forms, min > max, integers beyond 2^53) gives
 * undefined; the text itself stays available as `rangeText`.
 */
export function parseRangeEnumeration(text: string, type: ResourceType): ResourceRange | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return parseLength(trimmed, type) ?? parseBounds(trimmed, type) ?? parseEnumeration(trimmed, type);
}

const NUMBER = String.raw`-?(?:\d+(?:\.\d+)?|\.\d+)|2\^\d{1,3}(?:-1)?`;
const BOUNDS_RE = new RegExp(String.raw`^(${NUMBER})\s*(?:\.\.|-)\s*(${NUMBER})$`);
const LENGTH_RE = /^(\d{1,15})\s*(?:(?:\.\.|-)\s*(\d{1,15})\s*)?(?:bytes?|B)$/i;
const DECIMAL_RE = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;
const ENUMERATION_TOKEN_RE = /^[\w.+-]+$/;

const NUMERIC_TYPES: ReadonlySet<ResourceType> = new Set(['integer', 'unsigned', 'float', 'time']);
const INTEGER_TYPES: ReadonlySet<ResourceType> = new Set(['integer', 'unsigned', 'time']);
const LENGTH_TYPES: ReadonlySet<ResourceType> = new Set(['string', 'opaque', 'corelnk']);

function toNumber(text: string): number {
  const power = /^2\^(\d+)(-1)?$/.exec(text);
  if (power !== null) return 2 ** Number(power[1]) - (power[2] === undefined ? 0 : 1);
  return Number(text);
}

function lengthRange(min: number, max: number): ResourceRange | undefined {
  return Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= 0 && min <= max
    ? { kind: 'length', min, max }
    : undefined;
}

function parseLength(text: string, type: ResourceType): ResourceRange | undefined {
  const match = LENGTH_RE.exec(text);
  if (match === null || !LENGTH_TYPES.has(type)) return undefined;
  const min = Number(match[1]);
  return lengthRange(min, match[2] === undefined ? min : Number(match[2]));
}

function parseBounds(text: string, type: ResourceType): ResourceRange | undefined {
  const match = BOUNDS_RE.exec(text);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  const min = toNumber(match[1]);
  const max = toNumber(match[2]);
  if (LENGTH_TYPES.has(type)) return lengthRange(min, max);
  if (!NUMERIC_TYPES.has(type) || !(min <= max) || !Number.isFinite(min) || !Number.isFinite(max)) {
    return undefined;
  }
  if (INTEGER_TYPES.has(type) && !(Number.isSafeInteger(min) && Number.isSafeInteger(max))) return undefined;
  return { kind: 'numeric', min, max };
}

function parseEnumeration(text: string, type: ResourceType): ResourceRange | undefined {
  if (!/[;,]/.test(text)) return undefined;
  const items = text.split(/[;,]/).map((item) => item.trim());
  if (items.some((item) => !ENUMERATION_TOKEN_RE.test(item) || item.includes('..'))) return undefined;
  if (NUMERIC_TYPES.has(type)) {
    if (!items.every((item) => DECIMAL_RE.test(item))) return undefined;
    const values = items.map(Number);
    if (INTEGER_TYPES.has(type) && !values.every(Number.isSafeInteger)) return undefined;
    return { kind: 'enumeration', values };
  }
  // For strings a list of numbers gives allowed lengths ("10,26" for WEP keys), not values.
  if (type !== 'string' || items.some((item) => DECIMAL_RE.test(item))) return undefined;
  return { kind: 'enumeration', values: items };
}
