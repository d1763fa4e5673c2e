import { CodedError } from '@lwm2m-adapters/errors';
import { type DecodeLimits, defaultDecodeLimits } from './codec-types.js';

export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  return limits === undefined ? defaultDecodeLimits : { ...defaultDecodeLimits, ...limits };
}

/** Throws CODEC_LIMIT_EXCEEDED when the payload is larger than allowed. */
export function checkPayloadSize(payload: Uint8Array, limits: DecodeLimits, format: string): void {
  if (!(payload instanceof Uint8Array)) {
    throw new CodedError('CODEC_MALFORMED', `${format} payload must be a Uint8Array`);
  }
  if (payload.length > limits.maxPayloadBytes) {
    throw new CodedError(
      'CODEC_LIMIT_EXCEEDED',
      `${format} payload of ${payload.length} bytes exceeds the limit of ${limits.maxPayloadBytes}`,
      { details: { size: payload.length, limit: limits.maxPayloadBytes } },
    );
  }
}

/**
 * Runs a decoder and converts any non-coded failure (a library's TypeError/RangeError...) into
 * CODEC_MALFORMED, so callers only ever see CodedError.
 */
export function asCodecError<T>(format: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof CodedError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new CodedError('CODEC_MALFORMED', `malformed ${format} payload: ${message.slice(0, 200)}`, {
      cause: err,
    });
  }
}
