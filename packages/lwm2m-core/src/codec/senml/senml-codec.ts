import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, PathNode, TimestampedPathNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { ResourceValue } from '../../model/resource-type.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import type { DecodeContext, DecodeLimits, EncodeContext, MultiNodeCodec } from '../codec-types.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import {
  assertAllUnder,
  type GroupContext,
  groupByPaths,
  groupByRecord,
  nodeAt,
  recordNode,
} from './senml-grouping.js';
import { pathRecords, SenmlRecordWriter } from './senml-nodes.js';
import type { SenmlRecord } from './senml-record.js';
import {
  type ResolvedRecord,
  type ResolveMode,
  resolveRecords,
  SENML_RELATIVE_TIME_LIMIT,
} from './senml-resolver.js';

/** Whether any value in the tree satisfies `test`. */
export function someValue(node: LwM2mNode, test: (v: ResourceValue) => boolean): boolean {
  switch (node.kind) {
    case 'object':
      return node.instances.some((i) => someValue(i, test));
    case 'instance':
      return node.resources.some((r) => someValue(r, test));
    case 'multiple-resource':
      return node.instances.some((ri) => test(ri.value));
    default:
      return test(node.value);
  }
}

/** SenML `bt` of a timestamp: Unix seconds, fractional for sub-second Dates. */
function timestampSeconds(timestamp: Date): number {
  const ms = timestamp.getTime();
  if (Number.isNaN(ms)) throw new CodedError('VALUE_OUT_OF_RANGE', 'timestamp is an invalid Date');
  const seconds = ms / 1000;
  if (seconds < SENML_RELATIVE_TIME_LIMIT) {
    throw new CodedError(
      'VALUE_OUT_OF_RANGE',
      `timestamp ${timestamp.toISOString()} is before 1978-07-04: SenML reads times below 2^28 s as relative to now (use undefined for "now")`,
      { details: { timestamp: timestamp.toISOString() } },
    );
  }
  return seconds;
}

/**
 * SenML JSON and SenML CBOR (RFC 8428 + LwM2M 1.1 §7.4.4/§7.4.5): everything but the record
 * syntax, which subclasses provide.
 *
 * - `decode(payload, path)`: every record must lie at or below `path` (else CODEC_PATH_MISMATCH);
 *   times are ignored.
 * - `decodeNodes(payload, paths)`: with paths (Read-Composite responses), records are grouped under
 *   the first request path that contains them, one node per path with records. Without paths
 *   (Write-Composite requests, Send), every record becomes a node at its own path: a single
 *   resource or a resource instance. Records are not merged into instance or multiple-resource
 *   nodes, because in Write-Composite a resource-instance record updates that one instance, while
 *   a multiple-resource node would replace them all.
 * - `decodeTimestampedNodes`: likewise one node per record, with its resolved time (bt + t).
 * - `encodeTimestampedNodes`: nodes without a timestamp go first (a `bt` cannot be unset), then
 *   the others in order, `bt` written whenever the time changes.
 */
export abstract class SenmlCodec implements MultiNodeCodec {
  abstract readonly contentFormat: number;
  /** Format name in messages ("SenML JSON"). */
  protected abstract readonly format: string;
  /** Type guess for unknown resources: JSON reads a whole number as an Integer. */
  protected abstract readonly wholeNumbersAreIntegers: boolean;
  protected abstract parseRecords(payload: Uint8Array, limits: DecodeLimits): SenmlRecord[];
  protected abstract serializeRecords(records: readonly SenmlRecord[]): Uint8Array;

  /** Every value but `none` (an Execute-only resource has nothing to carry). */
  canEncode(node: LwM2mNode): boolean {
    return !someValue(node, (v) => v.type === 'none');
  }

  encode(node: LwM2mNode, path: LwM2mPath, context: EncodeContext): Uint8Array {
    const writer = new SenmlRecordWriter(context.model, this.format);
    writer.addNode(node, path);
    return this.serializeRecords(writer.records);
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    return this.#decoding(payload, context.limits, (limits) => {
      const entries = this.#resolve(payload, limits, 'values');
      const ctx = this.#groupContext(context.model);
      if (path.level === 'root') {
        throw new CodedError(
          'CODEC_UNSUPPORTED_FORMAT',
          `${this.format}: no single node sits at the root path`,
        );
      }
      assertAllUnder(path, entries, ctx);
      return nodeAt(path, entries, ctx);
    });
  }

  encodeNodes(nodes: readonly PathNode[], context: EncodeContext): Uint8Array {
    const writer = new SenmlRecordWriter(context.model, this.format);
    for (const { path, node } of nodes) writer.addNode(node, path);
    return this.serializeRecords(writer.records);
  }

  decodeNodes(
    payload: Uint8Array,
    paths: readonly LwM2mPath[] | undefined,
    context: DecodeContext,
  ): PathNode[] {
    return this.#decoding(payload, context.limits, (limits) => {
      const entries = this.#resolve(payload, limits, 'values');
      const ctx = this.#groupContext(context.model);
      return paths === undefined ? groupByRecord(entries, ctx) : groupByPaths(entries, paths, ctx);
    });
  }

  encodeTimestampedNodes(nodes: readonly TimestampedPathNode[], context: EncodeContext): Uint8Array {
    const writer = new SenmlRecordWriter(context.model, this.format);
    const ordered = [
      ...nodes.filter((n) => n.timestamp === undefined),
      ...nodes.filter((n) => n.timestamp !== undefined),
    ];
    for (const { path, node, timestamp } of ordered) {
      writer.setTime(timestamp === undefined ? undefined : timestampSeconds(timestamp));
      writer.addNode(node, path);
    }
    return this.serializeRecords(writer.records);
  }

  decodeTimestampedNodes(payload: Uint8Array, context: DecodeContext): TimestampedPathNode[] {
    return this.#decoding(payload, context.limits, (limits) => {
      const entries = this.#resolve(payload, limits, 'values');
      const ctx = this.#groupContext(context.model);
      return entries.map((entry) => ({
        path: entry.path,
        node: recordNode(entry, ctx),
        timestamp: entry.time,
      }));
    });
  }

  encodePaths(paths: readonly LwM2mPath[]): Uint8Array {
    return this.serializeRecords(pathRecords(paths));
  }

  decodePaths(payload: Uint8Array, limits?: Partial<DecodeLimits>): LwM2mPath[] {
    return this.#decoding(payload, limits, (resolved) =>
      this.#resolve(payload, resolved, 'paths').map((entry) => entry.path),
    );
  }

  #decoding<T>(
    payload: Uint8Array,
    limits: Partial<DecodeLimits> | undefined,
    run: (limits: DecodeLimits) => T,
  ): T {
    const resolved = resolveLimits(limits);
    checkPayloadSize(payload, resolved, this.format);
    return asCodecError(this.format, () => run(resolved));
  }

  #resolve(payload: Uint8Array, limits: DecodeLimits, mode: ResolveMode): ResolvedRecord[] {
    return resolveRecords(this.parseRecords(payload, limits), { format: this.format, mode });
  }

  #groupContext(model: ObjectModel): GroupContext {
    return { model, format: this.format, wholeNumbersAreIntegers: this.wholeNumbersAreIntegers };
  }
}
