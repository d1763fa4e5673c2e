import { CodedError } from '@lwm2m-adapters/errors';

/** Standard base64 (RFC 4648 §4) with padding, as LwM2M text/plain carries Opaque values. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes canonical padded base64 only: no whitespace, no URL alphabet, no missing padding and
 * no non-zero pad bits. Anything else throws CODEC_TYPE_MISMATCH.
 */
export function decodeBase64Strict(text: string): Uint8Array {
  // Node's decoder skips invalid characters; re-encoding and comparing makes it strict.
  const decoded = text.length % 4 === 0 ? Buffer.from(text, 'base64') : undefined;
  if (decoded === undefined || decoded.toString('base64') !== text) {
    throw new CodedError('CODEC_TYPE_MISMATCH', 'Opaque text value is not canonical base64 with padding', {
      details: { length: text.length },
    });
  }
  return new Uint8Array(decoded);
}
