import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import {
  type DecodeOptions,
  decode,
  encode,
  type RequiredEncodeOptions,
  type ToCBOR,
  type Writer,
} from 'cbor2';
import {
  writeBigInt,
  writeFloat,
  writeInt,
  writeLength,
  writeNumber,
  writeString,
  writeUint8Array,
  writeUnknown,
} from 'cbor2/encoder';
import type { DecodeLimits } from '../codec-types.js';
import { untagNumber } from './cbor-numbers.js';
import {
  assertRecordArray,
  assignLabel,
  type LabelContext,
  type MutableSenmlRecord,
  type SenmlRecord,
} from './senml-record.js';

const FORMAT = 'SenML CBOR';

/** RFC 8428 §6 integer labels. `vlo` (LwM2M) stays a text label. */
const LABEL_BY_KEY: ReadonlyMap<number, string> = new Map([
  [-1, 'bver'],
  [-2, 'bn'],
  [-3, 'bt'],
  [-4, 'bu'],
  [-5, 'bv'],
  [-6, 'bs'],
  [0, 'n'],
  [1, 'u'],
  [2, 'v'],
  [3, 'vs'],
  [4, 'vb'],
  [5, 's'],
  [6, 't'],
  [7, 'ut'],
  [8, 'vd'],
]);

const KEY_BN = -2;
const KEY_BT = -3;
const KEY_N = 0;
const KEY_V = 2;
const KEY_VS = 3;
const KEY_VB = 4;
const KEY_T = 6;
const KEY_VD = 8;
/** RFC 8949 §3.1 major type 5 (map), for cbor2's `writeLength`. */
const MAJOR_TYPE_MAP = 5;

function mapRejectingDuplicates(
  entries: readonly (readonly [unknown, unknown, Uint8Array])[],
): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (const [key, value] of entries) {
    if (map.has(key))
      throw new CodedError('CODEC_MALFORMED', `${FORMAT} map has the label ${String(key)} twice`);
    map.set(key, value);
  }
  return map;
}

function decodeOptions(limits: DecodeLimits): DecodeOptions {
  return {
    maxDepth: limits.maxDepth,
    // Integers come back as bigints and floats as numbers, so a CBOR integer can be told from a
    // CBOR float (and 64-bit values stay exact).
    preferBigInt: true,
    // Maps keyed by decoded label; a label given twice (in any encoding) is rejected. Cheaper than
    // cbor2's rejectDuplicateKeys, which compares the encoded bytes of every key.
    createObject: mapRejectingDuplicates,
    // Tags stay cbor2 Tag objects: `untagNumber` reads decimal fractions and bignums (bounded),
    // every other tag is rejected as a value of the wrong type.
    ignoreGlobalTags: true,
    tags: null,
  };
}

function libraryError(err: unknown, limits: DecodeLimits): CodedError {
  const message = err instanceof Error ? err.message : String(err);
  const short = message.slice(0, 160);
  if (/Maximum depth/i.test(message)) {
    return new CodedError('CODEC_LIMIT_EXCEEDED', `${FORMAT} payload nests deeper than ${limits.maxDepth}`, {
      cause: err,
      details: { limit: limits.maxDepth },
    });
  }
  const truncated =
    err instanceof RangeError || /Unexpected end|Offset is outside|out of bounds/i.test(message);
  return new CodedError(
    truncated ? 'CODEC_TRUNCATED' : 'CODEC_MALFORMED',
    `malformed ${FORMAT} payload: ${short}`,
    {
      cause: err,
    },
  );
}

function labelOf(key: unknown, index: number): string | undefined {
  if (typeof key === 'bigint') return key >= -6n && key <= 8n ? LABEL_BY_KEY.get(Number(key)) : undefined;
  // Text labels: "vlo" (LwM2M) and extensions; must-understand ones (ending "_") are rejected later.
  if (typeof key === 'string') return key === 'vlo' || key.endsWith('_') ? key : undefined;
  throw new CodedError(
    'CODEC_MALFORMED',
    `${FORMAT} record ${index} has a label that is neither an integer nor text`,
    {
      details: { record: index },
    },
  );
}

/**
 * Parses a SenML CBOR pack (RFC 8428 §6) into records. Definite and indefinite lengths are both
 * accepted (some CBOR libraries stream maps); numbers may be integers, floats of any width,
 * decimal fractions (tag 4; Leshan writes `bt` as one) or bignums; duplicate labels are rejected;
 * unknown integer labels are ignored like unknown text labels.
 */
export function parseSenmlCbor(payload: Uint8Array, limits: DecodeLimits): SenmlRecord[] {
  let parsed: unknown;
  try {
    parsed = decode(payload, decodeOptions(limits));
  } catch (err) {
    if (isCodedError(err)) throw err;
    throw libraryError(err, limits);
  }
  assertRecordArray(parsed, limits.maxEntries, FORMAT);
  return parsed.map((item: unknown, index): SenmlRecord => {
    if (!(item instanceof Map)) {
      throw new CodedError('CODEC_MALFORMED', `${FORMAT} record ${index} is not a map`, {
        details: { record: index },
      });
    }
    const ctx: LabelContext = { format: FORMAT, index, binaryData: true };
    const record: MutableSenmlRecord = {};
    for (const [key, value] of item) {
      const label = labelOf(key, index);
      if (label !== undefined) assignLabel(record, label, untagNumber(value), ctx);
    }
    return record;
  });
}

/**
 * One record as cbor2 writes it, through cbor2's own primitive writers: labels in the order bn,
 * bt, n, t, value (Zephyr's generated decoder expects that order).
 *
 * Numbers use cbor2's preferred serialization (RFC 8949 §4.1): integers in the shortest integer
 * form, floats in the shortest IEEE 754 width that keeps the value exactly (22.5 -> f9 4da0,
 * float16). RFC 8428 §6 only asks that the CBOR number convert back to exactly the same double,
 * which every width chosen this way does; Leshan (CBOR-Java) writes the same shortest forms, and
 * decoders must accept all widths (RFC 8949 §3.3). An LwM2M Float is always written as a CBOR
 * float, so 21.0 stays f9 4d40 instead of collapsing to the integer 21.
 */
class CborRecord implements ToCBOR {
  readonly #r: SenmlRecord;

  constructor(record: SenmlRecord) {
    this.#r = record;
  }

  toCBOR(w: Writer, opts: RequiredEncodeOptions): undefined {
    const r = this.#r;
    const hasValue =
      r.v !== undefined ||
      r.vs !== undefined ||
      r.vb !== undefined ||
      r.vd !== undefined ||
      r.vlo !== undefined;
    const size =
      (r.bn === undefined ? 0 : 1) +
      (r.bt === undefined ? 0 : 1) +
      (r.n === undefined ? 0 : 1) +
      (r.t === undefined ? 0 : 1) +
      (hasValue ? 1 : 0);
    writeLength(this, size, MAJOR_TYPE_MAP, w, opts);
    if (r.bn !== undefined) {
      writeInt(KEY_BN, w);
      writeString(r.bn, w, opts);
    }
    if (r.bt !== undefined) {
      writeInt(KEY_BT, w);
      writeNumber(r.bt, w, opts);
    }
    if (r.n !== undefined) {
      writeInt(KEY_N, w);
      writeString(r.n, w, opts);
    }
    if (r.t !== undefined) {
      writeInt(KEY_T, w);
      writeNumber(r.t, w, opts);
    }
    if (r.v !== undefined) {
      writeInt(KEY_V, w);
      if (typeof r.v === 'bigint') writeBigInt(r.v, w, opts);
      else if (r.vIsFloat === true) writeFloat(r.v, w, opts);
      else writeNumber(r.v, w, opts);
    } else if (r.vs !== undefined) {
      writeInt(KEY_VS, w);
      writeString(r.vs, w, opts);
    } else if (r.vb !== undefined) {
      writeInt(KEY_VB, w);
      writeUnknown(r.vb, w, opts);
    } else if (r.vd !== undefined) {
      writeInt(KEY_VD, w);
      writeUint8Array(r.vd, w);
    } else if (r.vlo !== undefined) {
      writeString('vlo', w, opts);
      writeString(r.vlo, w, opts);
    }
    return undefined;
  }
}

/**
 * Writes records as a definite-length SenML CBOR array. `float64` writes every float as a CBOR
 * float64 instead of its shortest exact width.
 */
export function serializeSenmlCbor(records: readonly SenmlRecord[], float64 = false): Uint8Array {
  const items = records.map((r) => new CborRecord(r));
  return float64 ? encode(items, { float64: true }) : encode(items);
}
