import { CodedError } from '@lwm2m-adapters/errors';
import { assertWellFormedText } from '@lwm2m-adapters/kit';
import type { ObjectLink, ResourceType, ResourceValue } from '../../model/resource-type.js';
import {
  checkedInt64,
  checkedObjectLink,
  checkedUint64,
  formatObjectLink,
  timeToSeconds,
} from '../../model/value.js';
import { decodeBase64Strict, encodeBase64 } from '../base64-padded.js';
import { formatTextFloat, parseTextFloat } from './text-float.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Largest |seconds| a JS Date can hold. */
const MAX_DATE_SECONDS = 8_640_000_000_000;
const SIGNED_RE = /^-?\d+$/;
const UNSIGNED_RE = /^\d+$/;
const OBJLNK_RE = /^(\d{1,5}):(\d{1,5})$/;

function nodeInvalid(type: ResourceType): CodedError {
  return new CodedError('NODE_INVALID', `value does not match its declared LwM2M type ${type}`);
}

/** The text/plain form of a value (LwM2M Core Appendix C). Throws VALUE_OUT_OF_RANGE / NODE_INVALID. */
export function formatTextValue(v: ResourceValue): string {
  const { type } = v;
  switch (v.type) {
    case 'string':
    case 'corelnk':
      if (typeof v.value !== 'string') throw nodeInvalid(type);
      assertWellFormedText(v.value, v.type === 'string' ? 'String' : 'Corelnk');
      return v.value;
    case 'integer':
      return typeof v.value === 'number' && Number.isSafeInteger(v.value)
        ? String(v.value)
        : checkedInt64(v.value).toString();
    case 'unsigned':
      return typeof v.value === 'number' && Number.isSafeInteger(v.value) && v.value >= 0
        ? String(v.value)
        : checkedUint64(v.value).toString();
    case 'float':
      return formatTextFloat(v.value);
    case 'boolean':
      if (typeof v.value !== 'boolean') throw nodeInvalid(type);
      return v.value ? '1' : '0';
    case 'opaque':
      if (!(v.value instanceof Uint8Array)) throw nodeInvalid(type);
      return encodeBase64(v.value);
    case 'time':
      if (!(v.value instanceof Date)) throw nodeInvalid(type);
      return String(timeToSeconds(v.value));
    case 'objlnk':
      if (typeof v.value !== 'object' || v.value === null) throw nodeInvalid(type);
      return formatObjectLink(checkedObjectLink(v.value));
    case 'none':
      if (v.value !== null) throw nodeInvalid(type);
      return '';
  }
}

function mismatch(type: ResourceType, text: string, why: string): CodedError {
  return new CodedError(
    'CODEC_TYPE_MISMATCH',
    `text ${JSON.stringify(text.slice(0, 40))} is not a valid ${type}: ${why}`,
    { details: { type } },
  );
}

/**
 * Parses a decimal integer within [min, max]. Leading zeros are accepted; the digit count is
 * bounded before any BigInt conversion, so a huge payload cannot cost quadratic time.
 */
function parseDecimal(text: string, type: ResourceType, min: bigint, max: bigint): number | bigint {
  if (!(min < 0n ? SIGNED_RE : UNSIGNED_RE).test(text)) throw mismatch(type, text, 'expected decimal digits');
  const negative = text.charCodeAt(0) === 0x2d;
  let start = negative ? 1 : 0;
  while (start < text.length - 1 && text.charCodeAt(start) === 0x30) start++;
  const digits = text.length - start;
  if (digits <= 15) {
    const n = Number(text);
    return n === 0 ? 0 : n; // "-0" -> 0
  }
  if (digits > 20) throw mismatch(type, text, 'out of range');
  const big = BigInt(text);
  if (big < min || big > max) throw mismatch(type, text, 'out of range');
  return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
}

function parseObjlnk(text: string): ObjectLink {
  const m = OBJLNK_RE.exec(text);
  const objectId = Number(m?.[1]);
  const instanceId = Number(m?.[2]);
  if (m === null || objectId > 65535 || instanceId > 65535) {
    throw mismatch('objlnk', text, 'expected "oid:iid" with ids 0..65535');
  }
  return { objectId, instanceId };
}

/** Parses the text/plain form of a value of `type` strictly. Throws CODEC_TYPE_MISMATCH. */
export function parseTextValue(text: string, type: ResourceType): ResourceValue {
  switch (type) {
    case 'string':
    case 'corelnk':
      return { type, value: text };
    case 'integer':
      return { type, value: parseDecimal(text, type, INT64_MIN, INT64_MAX) };
    case 'unsigned':
      return { type, value: parseDecimal(text, type, 0n, UINT64_MAX) };
    case 'float':
      return { type, value: parseTextFloat(text) };
    case 'boolean':
      if (text === '1') return { type, value: true };
      if (text === '0') return { type, value: false };
      throw mismatch(type, text, 'expected "0" or "1"');
    case 'opaque':
      return { type, value: decodeBase64Strict(text) };
    case 'time': {
      const seconds = Number(parseDecimal(text, type, INT64_MIN, INT64_MAX));
      if (Math.abs(seconds) > MAX_DATE_SECONDS) throw mismatch(type, text, 'outside the Date range');
      return { type, value: new Date(seconds * 1000) };
    }
    case 'objlnk':
      return { type, value: parseObjlnk(text) };
    case 'none':
      if (text !== '') throw mismatch(type, text, 'a resource of type none carries no value');
      return { type, value: null };
  }
}
