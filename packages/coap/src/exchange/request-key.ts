import type { CoapIncomingRequest } from '../coap-types.js';
import { representationEtag } from '../observe/representation-etag.js';

/**
 * Identifies "the same request" across the blocks of a block-wise transfer (RFC 7959 §2.4/§2.5):
 * peer, method, URI, Accept, and for FETCH the request body. The token may differ between blocks.
 */
export function blockwiseRequestKey(
  peerKey: string,
  request: CoapIncomingRequest,
  body?: Uint8Array,
): string {
  const parts = [
    peerKey,
    request.method,
    request.uriPath.join('/'),
    request.uriQuery.join('&'),
    `${request.accept ?? ''}`,
  ];
  if (request.method === 'FETCH' && body !== undefined) {
    parts.push(Buffer.from(representationEtag(0, undefined, body)).toString('hex'));
  }
  return parts.join('\n');
}
