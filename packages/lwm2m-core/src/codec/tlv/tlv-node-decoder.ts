import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext } from '../codec-types.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import { plainBytes } from './tlv-entries.js';
import { TlvNodeReader } from './tlv-node-reader.js';
import { readTlvSpans, type TlvSpan } from './tlv-spans.js';

function pathMismatch(path: LwM2mPath, what: string, id: number): CodedError {
  return new CodedError('CODEC_PATH_MISMATCH', `TLV ${what} id ${id} contradicts the request path ${path}`, {
    details: { path: path.toString(), id },
  });
}

function expectOne(entries: readonly TlvSpan[], path: LwM2mPath, what: string): TlvSpan {
  const [entry] = entries;
  if (entry === undefined || entries.length > 1) {
    throw new CodedError(
      'CODEC_MALFORMED',
      `TLV payload for ${path} must hold exactly one ${what}, got ${entries.length} entries`,
      {
        details: { path: path.toString(), entries: entries.length },
      },
    );
  }
  return entry;
}

/**
 * An Object Instance wrapper with the path's instance id is tolerated where resources are
 * expected (as Leshan does); its children are returned. A different id is CODEC_PATH_MISMATCH.
 */
function unwrapInstance(entries: readonly TlvSpan[], path: LwM2mPath): readonly TlvSpan[] {
  const [first] = entries;
  if (first?.kind !== 'object-instance') return entries;
  if (entries.length > 1) {
    throw new CodedError('CODEC_MALFORMED', `TLV payload for ${path} holds several Object Instances`, {
      details: { path: path.toString() },
    });
  }
  if (first.id !== path.instanceId) throw pathMismatch(path, 'Object Instance', first.id);
  return first.children ?? [];
}

/**
 * Decodes an OMA TLV payload addressed to `path`:
 * - object: Object Instance TLVs (none = no instances);
 * - instance: Resource / Multiple Resource TLVs, or one Object Instance TLV with the path's id;
 * - resource: one Resource TLV (single) or Multiple Resource TLV (multiple) with the path's id,
 *   optionally inside an Object Instance TLV with the path's instance id;
 * - resource instance: one Resource Instance TLV with the path's id.
 * Ids that contradict the path throw CODEC_PATH_MISMATCH.
 */
export function decodeTlvNode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
  const limits = resolveLimits(context.limits);
  checkPayloadSize(payload, limits, 'TLV');
  return asCodecError('TLV', () => {
    const { objectId, resourceId } = path;
    if (objectId === undefined) {
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', 'TLV cannot carry the root path; address an object', {
        details: { path: path.toString() },
      });
    }
    const bytes = plainBytes(payload);
    const entries = readTlvSpans(bytes, limits);
    const reader = new TlvNodeReader(bytes, context.model, objectId);
    switch (path.level) {
      case 'object':
        return { kind: 'object', id: objectId, instances: entries.map((e) => reader.instance(e)) };
      case 'instance':
        return {
          kind: 'instance',
          id: path.instanceId ?? 0,
          resources: reader.resources(unwrapInstance(entries, path)),
        };
      case 'resource': {
        const entry = expectOne(unwrapInstance(entries, path), path, 'Resource or Multiple Resource TLV');
        if (entry.kind !== 'resource-instance' && entry.id !== resourceId)
          throw pathMismatch(path, 'Resource', entry.id);
        return reader.resource(entry);
      }
      default: {
        const entry = expectOne(entries, path, 'Resource Instance TLV');
        const node = reader.resourceInstance(entry, reader.typeOf(resourceId ?? 0));
        if (node.id !== path.resourceInstanceId) throw pathMismatch(path, 'Resource Instance', node.id);
        return node;
      }
    }
  });
}
