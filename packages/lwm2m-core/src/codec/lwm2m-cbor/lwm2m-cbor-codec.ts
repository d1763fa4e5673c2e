import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, PathNode, TimestampedPathNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext, DecodeLimits, EncodeContext, MultiNodeCodec } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import { type CborEntry, flattenPayload } from './lwm2m-cbor-entries.js';
import { groupNodes, nodeAtPath } from './lwm2m-cbor-nodes.js';
import { readCbor } from './lwm2m-cbor-read.js';
import { writePayload } from './lwm2m-cbor-write.js';

const FORMAT = 'LwM2M CBOR';

/**
 * LwM2M CBOR (Content-Format 11544, Core TS 1.2 §7.5.4; gateway prefixes per Gateway TS 1.1 §9).
 *
 * - Payload: a map keyed by ids; a key is an id or an array of ids relative to its parent map, the
 *   first id of the top level is the object id (`{[3,0,0]: "x"}` = `{3: {0: {0: "x"}}}`). At the top
 *   level only, a text gateway prefix may stand alone or open an array key (`{["dev1",3303,0]: ...}`).
 * - Encoding: one top-level key per written path, then one map per level (see lwm2m-cbor-write.ts);
 *   Time is untagged integer seconds. Floats use RFC 8949 §4.2 preferred serialization, the
 *   shortest exact width (22.5 -> f9 4da0, not the float32 fa 41b40000 of our notes' example):
 *   App. C of Core 1.2 (as paraphrased; the original was not checked) allows any float width and
 *   every RFC 8949 decoder reads half floats. An integral Float stays a float (3.0 -> f9 4200).
 * - Decoding accepts any key layout, definite and indefinite lengths, floats of every width, Time
 *   as integer, tag 1 or tag 0; it rejects a path named twice, values where maps belong and the
 *   reverse, and content outside the request path (CODEC_PATH_MISMATCH).
 * - No timestamps exist in this format, and it carries no path lists: Read-/Observe-Composite
 *   request bodies are SenML or SenML-ETCH (Core 1.2 §6.3.8), so encodePaths/decodePaths throw
 *   CODEC_UNSUPPORTED_FORMAT.
 */
export class Lwm2mCborCodec implements MultiNodeCodec {
  readonly contentFormat: number = ContentFormat.LWM2M_CBOR;

  canEncode(_node: LwM2mNode): boolean {
    return true;
  }

  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array {
    return writePayload([{ path, node }], context.model);
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    const entries = this.#entries(payload, context.limits);
    return asCodecError(FORMAT, () => nodeAtPath(entries, path, context.model));
  }

  encodeNodes(nodes: readonly PathNode[], context: EncodeContext): Uint8Array {
    return writePayload(nodes, context.model);
  }

  decodeNodes(
    payload: Uint8Array,
    paths: readonly LwM2mPath[] | undefined,
    context: DecodeContext,
  ): PathNode[] {
    const entries = this.#entries(payload, context.limits);
    return asCodecError(FORMAT, () => groupNodes(entries, paths, context.model));
  }

  encodeTimestampedNodes(nodes: readonly TimestampedPathNode[], context: EncodeContext): Uint8Array {
    const stamped = nodes.find((n) => n.timestamp !== undefined);
    if (stamped !== undefined) {
      throw new CodedError(
        'CODEC_UNSUPPORTED_FORMAT',
        `LwM2M CBOR carries no timestamps (${stamped.path} has one); use SenML JSON or SenML CBOR`,
        { details: { path: stamped.path.toString() } },
      );
    }
    return writePayload(nodes, context.model);
  }

  decodeTimestampedNodes(payload: Uint8Array, context: DecodeContext): TimestampedPathNode[] {
    return this.decodeNodes(payload, undefined, context).map((n) => ({ ...n, timestamp: undefined }));
  }

  encodePaths(_paths: readonly LwM2mPath[]): Uint8Array {
    throw pathListUnsupported();
  }

  decodePaths(_payload: Uint8Array, _limits?: Partial<DecodeLimits>): LwM2mPath[] {
    throw pathListUnsupported();
  }

  #entries(payload: Uint8Array, limitsGiven: Partial<DecodeLimits> | undefined): CborEntry[] {
    const limits = resolveLimits(limitsGiven);
    checkPayloadSize(payload, limits, FORMAT);
    return asCodecError(FORMAT, () => flattenPayload(readCbor(payload, limits, FORMAT), limits));
  }
}

function pathListUnsupported(): CodedError {
  return new CodedError(
    'CODEC_UNSUPPORTED_FORMAT',
    'LwM2M CBOR carries no path lists: Read-Composite and Observe-Composite requests use SenML (110/112) or SenML-ETCH (320/322)',
  );
}
