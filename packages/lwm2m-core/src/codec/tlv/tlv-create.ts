import { CodedError } from '@lwm2m-adapters/errors';
import type { ResourceNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext } from '../codec-types.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import { plainBytes } from './tlv-entries.js';
import { TlvNodeReader } from './tlv-node-reader.js';
import { readTlvSpans } from './tlv-spans.js';

/** The body of a Create request in TLV. */
export interface TlvCreatePayload {
  /** The instance id the server chose, or undefined when the client is to assign one. */
  readonly instanceId: number | undefined;
  readonly resources: readonly ResourceNode[];
}

/**
 * Decodes a Create payload sent to an object path: either one Object Instance TLV (the server
 * names the instance id) or top-level Resource / Multiple Resource TLVs without a wrapper (the
 * client assigns the id). Several Object Instance TLVs, or a mix, throw CODEC_MALFORMED
 * (decode those with `TlvCodec.decode` at the object path).
 */
export function decodeTlvCreate(
  payload: Uint8Array,
  path: LwM2mPath,
  context: DecodeContext,
): TlvCreatePayload {
  const limits = resolveLimits(context.limits);
  checkPayloadSize(payload, limits, 'TLV');
  return asCodecError('TLV', () => {
    if (path.level !== 'object' || path.objectId === undefined) {
      throw new CodedError(
        'CODEC_UNSUPPORTED_FORMAT',
        `a Create payload is sent to an object path, not ${path}`,
        {
          details: { path: path.toString() },
        },
      );
    }
    const bytes = plainBytes(payload);
    const entries = readTlvSpans(bytes, limits);
    const reader = new TlvNodeReader(bytes, context.model, path.objectId);
    const [first] = entries;
    if (first?.kind === 'object-instance') {
      if (entries.length > 1) {
        throw new CodedError(
          'CODEC_MALFORMED',
          `TLV Create payload for ${path} must hold one Object Instance or bare resources, got ${entries.length} entries`,
          { details: { path: path.toString(), entries: entries.length } },
        );
      }
      return { instanceId: first.id, resources: reader.resources(first.children ?? []) };
    }
    return { instanceId: undefined, resources: reader.resources(entries) };
  });
}
