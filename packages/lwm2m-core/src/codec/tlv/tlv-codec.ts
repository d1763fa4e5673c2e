import type { LwM2mNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext, EncodeContext, NodeCodec } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { decodeTlvNode } from './tlv-node-decoder.js';
import { encodeTlvNode } from './tlv-node-encoder.js';

/**
 * OMA TLV (Content-Format 11542), any node level. Values are typed by the object model; unknown
 * resources decode as Opaque. Floats that are exact float32 (NaN and ±Infinity included) take
 * 4 bytes, others 8. For Create payloads without an instance wrapper see `decodeTlvCreate`.
 */
export class TlvCodec implements NodeCodec {
  readonly contentFormat: number = ContentFormat.TLV;

  canEncode(_node: LwM2mNode): boolean {
    return true;
  }

  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array {
    return encodeTlvNode(node, path, context.model);
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    return decodeTlvNode(payload, path, context);
  }
}
