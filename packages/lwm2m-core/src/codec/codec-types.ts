import type { LwM2mNode, PathNode, TimestampedPathNode } from '../model/node.js';
import type { LwM2mPath } from '../model/path.js';
import type { ObjectModel } from '../registry/object-definition.js';

/**
 * Safety limits every decoder enforces before allocating. Exceeding one throws a CodedError
 * with code CODEC_LIMIT_EXCEEDED.
 */
export interface DecodeLimits {
  /** Largest payload accepted, in bytes. Default 1 MiB. */
  readonly maxPayloadBytes: number;
  /** Largest number of nodes/records/entries in one payload. Default 65,536. */
  readonly maxEntries: number;
  /** Deepest nesting (CBOR maps/arrays, TLV levels). Default 16. */
  readonly maxDepth: number;
}

export const defaultDecodeLimits: DecodeLimits = Object.freeze({
  maxPayloadBytes: 1024 * 1024,
  maxEntries: 65_536,
  maxDepth: 16,
});

export interface DecodeContext {
  /** Resource types come from here; resources it does not know fall back to a format-specific guess. */
  readonly model: ObjectModel;
  readonly limits?: Partial<DecodeLimits>;
}

export interface EncodeContext {
  readonly model: ObjectModel;
}

/**
 * A codec for one content format that carries one node addressed by the request path
 * (text, opaque, TLV, and the single-path use of SenML / LwM2M CBOR).
 *
 * Decoders throw CodedError (CODEC_MALFORMED, CODEC_TRUNCATED, CODEC_TYPE_MISMATCH,
 * CODEC_PATH_MISMATCH, CODEC_LIMIT_EXCEEDED, CODEC_UNSUPPORTED_FORMAT) and nothing else.
 */
export interface NodeCodec {
  readonly contentFormat: number;
  /** Whether the format can carry `node` (e.g. text only carries single values). */
  canEncode(node: LwM2mNode): boolean;
  /** `path` addresses `node`: its level matches the node kind. */
  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array;
  /** Decodes the node at `path`; the returned node's kind matches the path level. */
  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode;
}

/**
 * A codec whose payloads name their paths (SenML JSON/CBOR, LwM2M CBOR): composite
 * operations, Send and timestamped notifications.
 */
export interface MultiNodeCodec extends NodeCodec {
  encodeNodes(nodes: readonly PathNode[], context: EncodeContext): Uint8Array;
  /** Groups the payload by the given request paths, or by each record's own path when none are given. */
  decodeNodes(
    payload: Uint8Array,
    paths: readonly LwM2mPath[] | undefined,
    context: DecodeContext,
  ): PathNode[];
  encodeTimestampedNodes(nodes: readonly TimestampedPathNode[], context: EncodeContext): Uint8Array;
  decodeTimestampedNodes(payload: Uint8Array, context: DecodeContext): TimestampedPathNode[];
  /** Read-Composite / Observe-Composite request bodies: a list of paths. */
  encodePaths(paths: readonly LwM2mPath[]): Uint8Array;
  decodePaths(payload: Uint8Array, limits?: Partial<DecodeLimits>): LwM2mPath[];
}
