import { CodedError } from '@lwm2m-adapters/errors';
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

/**
 * application/octet-stream (Content-Format 42): the raw bytes of one Opaque single resource or
 * resource instance (firmware images, certificates). Unknown resources are taken as Opaque.
 * Payloads and values are copied, never aliased.
 */
export class OpaqueCodec implements NodeCodec {
  readonly contentFormat: number = ContentFormat.OPAQUE;

  canEncode(node: LwM2mNode): boolean {
    return isSingleValueNode(node) && node.value.type === 'opaque';
  }

  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array {
    const value = singleValueToEncode(node, path, context.model, 'opaque');
    if (value.type !== 'opaque') {
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `opaque cannot carry a ${value.type} value`, {
        details: { path: path.toString(), type: value.type },
      });
    }
    if (!(value.value instanceof Uint8Array)) {
      throw new CodedError('NODE_INVALID', 'value does not match its declared LwM2M type opaque');
    }
    return new Uint8Array(value.value);
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    checkPayloadSize(payload, resolveLimits(context.limits), 'opaque');
    return asCodecError('opaque', () => {
      const type = singleValueType(path, context.model, 'opaque') ?? 'opaque';
      if (type !== 'opaque') {
        throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `opaque cannot carry ${path}, a ${type} resource`, {
          details: { path: path.toString(), type },
        });
      }
      return singleValueNode(path, { type: 'opaque', value: new Uint8Array(payload) });
    });
  }
}
