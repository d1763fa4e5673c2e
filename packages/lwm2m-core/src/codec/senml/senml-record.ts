import { CodedError } from '@lwm2m-adapters/errors';
import { decodeBase64Url } from './base64url.js';

/** A decoded SenML pack is an array of at most `maxEntries` records (CODEC_MALFORMED, CODEC_LIMIT_EXCEEDED). */
export function assertRecordArray(
  parsed: unknown,
  maxEntries: number,
  format: string,
): asserts parsed is unknown[] {
  if (!Array.isArray(parsed)) {
    throw new CodedError('CODEC_MALFORMED', `${format} payload must be an array of records`);
  }
  if (parsed.length > maxEntries) {
    throw new CodedError(
      'CODEC_LIMIT_EXCEEDED',
      `${format} payload has ${parsed.length} records, more than the limit of ${maxEntries}`,
      { details: { count: parsed.length, limit: maxEntries } },
    );
  }
}

/**
 * One SenML record (RFC 8428 §4) with the LwM2M `vlo` extension, independent of its JSON or CBOR
 * form. Only the labels LwM2M uses are kept; `bver`, `u`, `s` (and `bu`, `bs`, `ut`) are checked
 * for their type and otherwise ignored; `bv` (base value) is applied by the resolver.
 */
export interface SenmlRecord {
  readonly bn?: string | undefined;
  /** Base time, seconds (may be fractional). */
  readonly bt?: number | undefined;
  /** Base value, added to `v` of this and later records. */
  readonly bv?: number | undefined;
  readonly bver?: number | undefined;
  readonly n?: string | undefined;
  readonly u?: string | undefined;
  /**
   * Numeric value. A bigint is an integer that must stay exact: a CBOR integer item, or a JSON
   * integer beyond 2^53 read from its source text.
   */
  readonly v?: number | bigint | undefined;
  /** Encoding hint only: `v` holds an LwM2M Float (SenML CBOR then always writes a CBOR float). */
  readonly vIsFloat?: boolean | undefined;
  readonly vs?: string | undefined;
  readonly vb?: boolean | undefined;
  readonly vd?: Uint8Array | undefined;
  /** LwM2M Objlnk value, "oid:iid". */
  readonly vlo?: string | undefined;
  readonly s?: number | undefined;
  /** Time, seconds relative to the base time (may be fractional). */
  readonly t?: number | undefined;
}

export type MutableSenmlRecord = { -readonly [K in keyof SenmlRecord]: SenmlRecord[K] };

/** The value labels; a value record carries exactly one of them. */
export const SENML_VALUE_LABELS = ['v', 'vs', 'vb', 'vd', 'vlo'] as const;

/** Newest SenML version this codec understands (RFC 8428 §4.4: version 10). */
export const SENML_VERSION = 10;

export interface LabelContext {
  /** Format name for messages ("SenML JSON"). */
  readonly format: string;
  /** Index of the record in the pack, for messages. */
  readonly index: number;
  /** True for CBOR (`vd` is a byte string), false for JSON (`vd` is base64url text). */
  readonly binaryData: boolean;
}

function malformed(ctx: LabelContext, label: string, expected: string): CodedError {
  return new CodedError(
    'CODEC_MALFORMED',
    `${ctx.format} record ${ctx.index}: "${label}" must be ${expected}`,
    { details: { record: ctx.index, label } },
  );
}

function text(value: unknown, ctx: LabelContext, label: string): string {
  if (typeof value !== 'string') throw malformed(ctx, label, 'a string');
  return value;
}

/** A number label other than `v`: finite; a CBOR integer (bigint) is read as a number. */
function finiteNumber(value: unknown, ctx: LabelContext, label: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw malformed(ctx, label, 'a finite number');
  return n;
}

/**
 * Stores one label of a decoded record after checking its type. Known labels of the wrong type
 * throw CODEC_MALFORMED; unknown labels ending in "_" are must-understand (RFC 8428 §4.4) and
 * throw; other unknown labels are ignored.
 */
export function assignLabel(
  record: MutableSenmlRecord,
  label: string,
  value: unknown,
  ctx: LabelContext,
): void {
  switch (label) {
    case 'bn':
      record.bn = text(value, ctx, label);
      return;
    case 'n':
      record.n = text(value, ctx, label);
      return;
    case 'vs':
      record.vs = text(value, ctx, label);
      return;
    case 'vlo':
      record.vlo = text(value, ctx, label);
      return;
    case 'u':
      record.u = text(value, ctx, label);
      return;
    case 'bu':
      text(value, ctx, label);
      return;
    case 'bt':
      record.bt = finiteNumber(value, ctx, label);
      return;
    case 't':
      record.t = finiteNumber(value, ctx, label);
      return;
    case 'bv':
      record.bv = finiteNumber(value, ctx, label);
      return;
    case 's':
      record.s = finiteNumber(value, ctx, label);
      return;
    case 'bs':
    case 'ut':
      finiteNumber(value, ctx, label);
      return;
    case 'bver': {
      const n = finiteNumber(value, ctx, label);
      if (!Number.isInteger(n) || n < 1) throw malformed(ctx, label, 'a positive integer');
      record.bver = n;
      return;
    }
    case 'v':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw malformed(ctx, label, 'a number');
      record.v = value;
      return;
    case 'vb':
      if (typeof value !== 'boolean') throw malformed(ctx, label, 'a boolean');
      record.vb = value;
      return;
    case 'vd':
      if (ctx.binaryData) {
        if (!(value instanceof Uint8Array)) throw malformed(ctx, label, 'a byte string');
        record.vd = value;
      } else {
        record.vd = decodeBase64Url(text(value, ctx, label), `${ctx.format} record ${ctx.index} "vd"`);
      }
      return;
    default:
      if (label.endsWith('_')) {
        throw new CodedError(
          'CODEC_MALFORMED',
          `${ctx.format} record ${ctx.index}: must-understand label "${label.slice(0, 40)}" is not supported`,
          { details: { record: ctx.index, label: label.slice(0, 40) } },
        );
      }
  }
}
