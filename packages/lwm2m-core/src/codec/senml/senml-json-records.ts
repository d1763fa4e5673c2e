import { CodedError } from '@lwm2m-adapters/errors';
import { decodeUtf8 } from '@lwm2m-adapters/kit';
import type { DecodeLimits } from '../codec-types.js';
import { encodeBase64Url } from './base64url.js';
import { exactJsonInteger } from './json-integer.js';
import {
  assertRecordArray,
  assignLabel,
  type LabelContext,
  type MutableSenmlRecord,
  type SenmlRecord,
} from './senml-record.js';

const FORMAT = 'SenML JSON';
const encoder = new TextEncoder();

/** JSON.parse, mapping SyntaxError to CODEC_TRUNCATED (the text ends too early) or CODEC_MALFORMED. */
export function parseJsonText<T>(
  text: string,
  format: string,
  reviver?: (key: string, value: unknown, context?: { source?: string }) => unknown,
): T {
  try {
    return JSON.parse(text, reviver) as T;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 reports where parsing stopped; stopping at the very end means the text was cut short.
    const position = /at position (\d+)/.exec(message)?.[1];
    const truncated =
      /end of JSON input/.test(message) || (position !== undefined && Number(position) >= text.length);
    throw new CodedError(
      truncated ? 'CODEC_TRUNCATED' : 'CODEC_MALFORMED',
      `${format} payload is not JSON: ${message.slice(0, 120)}`,
      {
        cause: err,
      },
    );
  }
}

/** A `v` that JSON.parse may have rounded: a whole number beyond 2^53. */
export function isRoundedInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
}

/**
 * JSON.parse reviver (Node 21+ passes the source text of primitives) that re-reads the value
 * labels named in `labels` exactly when they are integers beyond 2^53.
 */
export function exactIntegerReviver(
  labels: ReadonlySet<string>,
): (key: string, value: unknown, context?: { source?: string }) => unknown {
  return (key, value, context) => {
    if (!labels.has(key) || !isRoundedInteger(value) || context?.source === undefined) return value;
    return exactJsonInteger(context.source) ?? value;
  };
}

function recordsOf(parsed: unknown, limits: DecodeLimits): { records: SenmlRecord[]; rounded: boolean } {
  assertRecordArray(parsed, limits.maxEntries, FORMAT);
  let rounded = false;
  const records = parsed.map((item: unknown, index): SenmlRecord => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new CodedError('CODEC_MALFORMED', `${FORMAT} record ${index} is not an object`, {
        details: { record: index },
      });
    }
    const ctx: LabelContext = { format: FORMAT, index, binaryData: false };
    const record: MutableSenmlRecord = {};
    for (const [label, value] of Object.entries(item)) assignLabel(record, label, value, ctx);
    if (isRoundedInteger(record.v)) rounded = true;
    return record;
  });
  return { records, rounded };
}

const V_LABEL = new Set(['v']);

/**
 * Parses a SenML JSON pack (UTF-8, RFC 8428 §5) into records, checking every known label's type.
 * Integers beyond 2^53 in `v` are read exactly (a second parse with the source-text reviver runs
 * only when the first one saw such a number). Duplicate member names cannot be detected: as in
 * JSON.parse, the last one wins.
 */
export function parseSenmlJson(payload: Uint8Array, limits: DecodeLimits): SenmlRecord[] {
  const text = decodeUtf8(payload, `${FORMAT} payload`);
  const first = recordsOf(parseJsonText(text, FORMAT), limits);
  if (!first.rounded) return first.records;
  return recordsOf(parseJsonText(text, FORMAT, exactIntegerReviver(V_LABEL)), limits).records;
}

function jsonNumber(value: number | bigint, label: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) {
    throw new CodedError(
      'CODEC_UNSUPPORTED_FORMAT',
      `${FORMAT} cannot carry ${value} in "${label}" (JSON has no NaN or Infinity; use SenML CBOR)`,
    );
  }
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * Writes records as compact SenML JSON, members in the order bn, bt, n, t, value: the order
 * order-sensitive decoders (Zephyr's generated SenML decoders) expect. Numbers are written exactly
 * (bigints in full, -0 kept); `vd` as base64url without padding.
 */
export function serializeSenmlJson(records: readonly SenmlRecord[]): Uint8Array {
  let out = '[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let body = '';
    if (r.bn !== undefined) body += `,"bn":${JSON.stringify(r.bn)}`;
    if (r.bt !== undefined) body += `,"bt":${jsonNumber(r.bt, 'bt')}`;
    if (r.n !== undefined) body += `,"n":${JSON.stringify(r.n)}`;
    if (r.t !== undefined) body += `,"t":${jsonNumber(r.t, 't')}`;
    if (r.v !== undefined) body += `,"v":${jsonNumber(r.v, 'v')}`;
    else if (r.vs !== undefined) body += `,"vs":${JSON.stringify(r.vs)}`;
    else if (r.vb !== undefined) body += `,"vb":${r.vb}`;
    else if (r.vd !== undefined) body += `,"vd":"${encodeBase64Url(r.vd)}"`;
    else if (r.vlo !== undefined) body += `,"vlo":${JSON.stringify(r.vlo)}`;
    out += `${i === 0 ? '' : ','}{${body.slice(1)}}`;
  }
  return encoder.encode(`${out}]`);
}
