import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, TimestampedPathNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { DecodeContext, DecodeLimits, EncodeContext, NodeCodec } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { asCodecError, checkPayloadSize, resolveLimits } from '../limits.js';
import { assertAllUnder, type GroupContext, nodeAt, recordNode } from '../senml/senml-grouping.js';
import { type ResolvedRecord, resolveRecords } from '../senml/senml-resolver.js';
import { parseLwm2mJson } from './lwm2m-json-records.js';

const FORMAT = 'LwM2M JSON';

/**
 * LwM2M JSON (Content-Format 11543, LwM2M 1.0), decode only: a 1.1+ client must not send it, a
 * server still accepts it from 1.0 clients. Entries are read as SenML records (sv, v, bv, ov, t
 * with the object's bn and bt) and grouped like SenML. Encoding throws CODEC_UNSUPPORTED_FORMAT.
 */
export class Lwm2mJsonCodec implements NodeCodec {
  readonly contentFormat: number = ContentFormat.LWM2M_JSON;

  canEncode(_node: LwM2mNode): boolean {
    return false;
  }

  encode(_node: LwM2mNode, _path: LwM2mPath, _context: EncodeContext): Uint8Array {
    throw new CodedError(
      'CODEC_UNSUPPORTED_FORMAT',
      'LwM2M JSON (11543) is decode-only: LwM2M 1.1 clients must not send it; use SenML JSON (110)',
    );
  }

  decode(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): LwM2mNode {
    return this.#decoding(payload, path, context, (entries, ctx) => {
      if (path.level === 'root') {
        throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `${FORMAT}: no single node sits at the root path`);
      }
      assertAllUnder(path, entries, ctx);
      return nodeAt(path, entries, ctx);
    });
  }

  /**
   * A timestamped notification of a 1.0 client: one node per entry at its own path, with its time
   * (bt + t; times below 2^28 s are relative to now). Every entry must lie at or below `path`.
   */
  decodeTimestamped(payload: Uint8Array, path: LwM2mPath, context: DecodeContext): TimestampedPathNode[] {
    return this.#decoding(payload, path, context, (entries, ctx) => {
      assertAllUnder(path, entries, ctx);
      return entries.map((entry) => ({
        path: entry.path,
        node: recordNode(entry, ctx),
        timestamp: entry.time,
      }));
    });
  }

  #decoding<T>(
    payload: Uint8Array,
    path: LwM2mPath,
    context: DecodeContext,
    run: (entries: ResolvedRecord[], ctx: GroupContext) => T,
  ): T {
    const limits: DecodeLimits = resolveLimits(context.limits);
    checkPayloadSize(payload, limits, FORMAT);
    return asCodecError(FORMAT, () => {
      // Without "bn", names are relative to the request path ("/" stays "/").
      const text = path.toString();
      const baseName = text === '/' ? text : `${text}/`;
      const records = parseLwm2mJson(payload, baseName, limits);
      const entries = resolveRecords(records, { format: FORMAT, mode: 'values' });
      return run(entries, { model: context.model, format: FORMAT, wholeNumbersAreIntegers: true });
    });
  }
}
