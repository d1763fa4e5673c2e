import { CodedError } from '@lwm2m-adapters/errors';

/** Either base64 alphabet (RFC 4648 §4 or §5), then up to two pad characters. */
const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** SenML JSON `vd`: base64url (RFC 4648 §5) without padding (RFC 8428 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes `vd` leniently in the alphabet (standard or URL-safe) and padding (present or not), but
 * strictly otherwise: any other character, a misplaced pad or an impossible length throws
 * CODEC_MALFORMED.
 */
export function decodeBase64Url(text: string, what: string): Uint8Array {
  const padded = text.endsWith('=');
  const valid = BASE64_ANY.test(text) && (padded ? text.length % 4 === 0 : text.length % 4 !== 1);
  if (!valid) {
    throw new CodedError('CODEC_MALFORMED', `${what} is not base64url data`, {
      details: { length: text.length },
    });
  }
  // Node's base64 decoder accepts both alphabets and optional padding.
  return new Uint8Array(Buffer.from(text, 'base64'));
}
