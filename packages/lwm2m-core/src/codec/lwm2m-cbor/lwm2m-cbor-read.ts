import { CodedError } from '@lwm2m-adapters/errors';
import { type DecodeOptions, decode } from 'cbor2';
import type { DecodeLimits } from '../codec-types.js';

/**
 * A decoded CBOR map as its key/value pairs in wire order. cbor2 builds one through `createObject`,
 * so keys of any type (integers, arrays, text) survive without JS Map identity rules.
 */
export class CborMap {
  constructor(readonly entries: readonly (readonly [key: unknown, value: unknown])[]) {}
}

function decodeOptions(limits: DecodeLimits): DecodeOptions {
  return {
    maxDepth: limits.maxDepth,
    // Integers become bigints, floats stay numbers: Integer and Float stay apart.
    preferBigInt: true,
    // Tags come back as cbor2 Tag objects; the value layer decides (Time accepts tags 0 and 1).
    ignoreGlobalTags: true,
    tags: null,
    // RFC 8949 §5.6: a map with a repeated key is not valid CBOR.
    rejectDuplicateKeys: true,
    createObject: (pairs) => new CborMap(pairs.map(([key, value]) => [key, value] as const)),
  };
}

/** cbor2 reports running out of input as a RangeError from its DataView or "Unexpected end". */
function isTruncation(err: unknown): boolean {
  return (
    err instanceof RangeError ||
    (err instanceof Error && /unexpected end|insufficient data|offset is outside/i.test(err.message))
  );
}

/**
 * Decodes one CBOR data item that must fill the whole payload. Throws CODEC_TRUNCATED when the
 * input ends early, CODEC_LIMIT_EXCEEDED when nesting is deeper than allowed and CODEC_MALFORMED
 * for anything else that is not well-formed CBOR (including trailing bytes).
 */
export function readCbor(payload: Uint8Array, limits: DecodeLimits, format: string): unknown {
  if (payload.length === 0) {
    throw new CodedError('CODEC_TRUNCATED', `${format} payload is empty`);
  }
  try {
    return decode(payload, decodeOptions(limits));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/maximum depth/i.test(message)) {
      throw new CodedError(
        'CODEC_LIMIT_EXCEEDED',
        `${format} payload nests deeper than ${limits.maxDepth} levels`,
        { cause: err, details: { limit: limits.maxDepth } },
      );
    }
    const code = isTruncation(err) ? 'CODEC_TRUNCATED' : 'CODEC_MALFORMED';
    const what = code === 'CODEC_TRUNCATED' ? 'truncated' : 'malformed';
    throw new CodedError(code, `${what} ${format} payload: ${message.slice(0, 200)}`, { cause: err });
  }
}
