import { CodedError } from '@lwm2m-adapters/errors';

const encoder = new TextEncoder();
/** Fatal: invalid UTF-8 throws instead of becoming U+FFFD. ignoreBOM keeps a leading U+FEFF as data. */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** In /u mode a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Throws VALUE_OUT_OF_RANGE when `text` holds a lone UTF-16 surrogate: it has no UTF-8 form and
 * TextEncoder would silently replace it with U+FFFD.
 */
export function assertWellFormedText(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new CodedError('VALUE_OUT_OF_RANGE', `${what} holds a lone UTF-16 surrogate and has no UTF-8 form`);
  }
}

/** UTF-8 byte length of a well-formed string (checked). */
export function utf8Length(text: string, what: string): number {
  assertWellFormedText(text, what);
  return Buffer.byteLength(text, 'utf8');
}

/** UTF-8 bytes of a well-formed string (checked). */
export function encodeUtf8(text: string, what: string): Uint8Array {
  assertWellFormedText(text, what);
  return encoder.encode(text);
}

/** Below this many bytes, ASCII is copied by hand: cheaper than a view plus a native call. */
const SHORT = 32;

/** Writes `text` (already measured with `utf8Length`) into `out` at `pos`. */
export function encodeUtf8Into(text: string, out: Uint8Array, pos: number, length: number): void {
  if (length === text.length && length <= SHORT) {
    // as many bytes as UTF-16 units: all ASCII
    for (let i = 0; i < length; i++) out[pos + i] = text.charCodeAt(i);
    return;
  }
  encoder.encodeInto(text, out.subarray(pos, pos + length));
}

function shortAscii(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > SHORT) return undefined;
  let s = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0x80;
    if (b >= 0x80) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

/** Decodes `bytes[start, end)` as UTF-8 strictly; invalid sequences throw CODEC_MALFORMED. */
export function decodeUtf8Range(bytes: Uint8Array, start: number, end: number, what: string): string {
  return shortAscii(bytes, start, end) ?? decodeUtf8(bytes.subarray(start, end), what);
}

/** Decodes UTF-8 strictly; invalid sequences throw CODEC_MALFORMED. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new CodedError('CODEC_MALFORMED', `${what} is not valid UTF-8`, { cause });
  }
}
