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

export function uintOption(number: number, value: number): CoapOption {
  return { number, value: encodeUintOption(value) };
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

export function stringOption(number: number, value: string): CoapOption {
  return { number, value: optionBytes(value) };
}

export function stringOptions(number: number, values: readonly string[]): CoapOption[] {
  return values.map((value) => stringOption(number, value));
}
