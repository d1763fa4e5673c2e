import { decodeUtf8, encodeUtf8 } from '@lwm2m-adapters/kit';
import type { LwM2mNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext, EncodeContext, NodeCodec } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import {
  isSingleValueNode,
  singleValueNode,
  singleValueToEncode,
  singleValueType,
} from '../single-value-node.js';
import { formatTextValue, parseTextValue } from './text-value.js';

/**
 * text/plain (Content-Format 0): one single resource or resource instance, in the text forms of
 * LwM2M Core Appendix C. The resource type comes from the object model; an unknown resource is
 * decoded as a String and encoded from whatever value type it holds.
 */
export class TextCodec implements NodeCodec {
  readonly contentFormat: number = ContentFormat.TEXT;

  canEncode(node: LwM2mNode): boolean {
    return isSingleValueNode(node);
  }

  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array {
    const value = singleValueToEncode(node, path, context.model, 'text/plain');
    return encodeUtf8(formatTextValue(value), 'text/plain value');
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    checkPayloadSize(payload, resolveLimits(context.limits), 'text/plain');
    return asCodecError('text/plain', () => {
      const type = singleValueType(path, context.model, 'text/plain') ?? 'string';
      const text = decodeUtf8(payload, 'text/plain payload');
      return singleValueNode(path, parseTextValue(text, type));
    });
  }
}
