import type { CoapOption } from '../coap-types.js';

/** Option numbers used by this endpoint (RFC 7252 §5.10, RFC 7641, RFC 7959, RFC 7967). */
export const OptionNumber = {
  IfMatch: 1,
  UriHost: 3,
  ETag: 4,
  IfNoneMatch: 5,
  Observe: 6,
  UriPort: 7,
  LocationPath: 8,
  UriPath: 11,
  ContentFormat: 12,
  MaxAge: 14,
  UriQuery: 15,
  Accept: 17,
  LocationQuery: 20,
  Block2: 23,
  Block1: 27,
  Size2: 28,
  ProxyUri: 35,
  ProxyScheme: 39,
  Size1: 60,
  NoResponse: 258,
} as const;

/** Critical options have an odd number (RFC 7252 §5.4.6). */
export function isCriticalOption(number: number): boolean {
  return (number & 1) === 1;
}

/** The shortest big-endian form of an unsigned integer option value (0 is the empty value). */
export function encodeUintOption(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`option value ${value} is not a 32-bit unsigned integer`);
  }
  if (value === 0) return new Uint8Array(0);
  const length = value > 0xffffff ? 4 : value > 0xffff ? 3 : value > 0xff ? 2 : 1;
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = rest & 0xff;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** Decodes an unsigned integer option value of at most `maxLength` bytes; undefined if longer. */
export function decodeUintOption(value: Uint8Array, maxLength: number): number | undefined {
  if (value.length > maxLength) return undefined;
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  return result;
}

export function firstOption(options: readonly CoapOption[], number: number): CoapOption | undefined {
  return options.find((option) => option.number === number);
}

export function countOption(options: readonly CoapOption[], number: number): number {
  let count = 0;
  for (const option of options) if (option.number === number) count++;
  return count;
}

/** The options whose small values (0-255) are shared: a constant table, filled on first use. */
const SHARED_UINT_NUMBERS: ReadonlySet<number> = new Set([
  OptionNumber.Observe,
  OptionNumber.ContentFormat,
  OptionNumber.MaxAge,
  OptionNumber.Accept,
  OptionNumber.Size2,
  OptionNumber.Size1,
]);
const SMALL_UINT_OPTIONS = new Map<number, CoapOption>();

/**
 * An unsigned integer option. Options are never modified, so the small values of the common
 * options are one object each (at most 6 x 256, the same for every endpoint).
 */
export function uintOption(number: number, value: number): CoapOption {
  if (!(value >= 0 && value < 256 && SHARED_UINT_NUMBERS.has(number))) {
    return { number, value: encodeUintOption(value) };
  }
  const key = number * 256 + value;
  let option = SMALL_UINT_OPTIONS.get(key);
  if (option === undefined) {
    option = { number, value: encodeUintOption(value) };
    SMALL_UINT_OPTIONS.set(key, option);
  }
  return option;
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of an option string; ASCII (Uri-Path segments, queries) without the encoder. */
function optionBytes(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit > 0x7f) return utf8.encode(value);
    bytes[i] = unit;
  }
  return bytes;
}

/** A UTF-8 string option, made afresh. */
export function stringOption(number: number, value: string): CoapOption {
  return { number, value: optionBytes(value) };
}

export function stringOptions(number: number, values: readonly string[]): CoapOption[] {
  return values.map((value) => stringOption(number, value));
}

/**
 * The string options an endpoint made recently, per option number (Uri-Path segments and queries
 * recur request after request), so each is encoded once. One per endpoint; options are never
 * modified, so they are shared between that endpoint's messages. At most `kept` per option number.
 */
export class StringOptionCache {
  readonly #byNumber = new Map<number, Map<string, CoapOption>>();
  readonly #kept: number;

  constructor(kept = 1024) {
    this.#kept = kept;
  }

  option(number: number, value: string): CoapOption {
    let byValue = this.#byNumber.get(number);
    if (byValue === undefined) {
      byValue = new Map();
      this.#byNumber.set(number, byValue);
    }
    let option = byValue.get(value);
    if (option === undefined) {
      if (byValue.size >= this.#kept) byValue.clear();
      option = stringOption(number, value);
      byValue.set(value, option);
    }
    return option;
  }
}
