import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath } from '../../model/path.js';
import { SenmlNameResolver } from './senml-names.js';
import { SENML_VALUE_LABELS, SENML_VERSION, type SenmlRecord } from './senml-record.js';
import type { SenmlValue } from './senml-value.js';

/** A record with its base values applied (RFC 8428 §4.6 "resolved"), its name read as an LwM2M path. */
export interface ResolvedRecord {
  /** Position in the pack, for messages. */
  readonly index: number;
  readonly path: LwM2mPath;
  /** Undefined when the record has no time, or its time is "roughly now" (0). */
  readonly time: Date | undefined;
  /** Always set for `values` records; never for `paths` records. */
  readonly value: SenmlValue | undefined;
}

/**
 * `values`: every record carries exactly one value and names a resource or resource instance
 * (Read responses, Write, Send, notifications). `paths`: records carry only names, of any level
 * (Read-/Observe-Composite request bodies).
 */
export type ResolveMode = 'values' | 'paths';

/**
 * Times below 2^28 s are relative to "now" (RFC 8428 §4.5.3): 0 is now, negative is the past.
 * Encoders must therefore never write an absolute time before 1978-07-04.
 */
export const SENML_RELATIVE_TIME_LIMIT = 2 ** 28;
const MAX_DATE_MS = 8.64e15;

function recordValue(record: SenmlRecord, baseValue: number | undefined): SenmlValue | undefined {
  if (record.v !== undefined) {
    const v = record.v;
    if (baseValue === undefined || baseValue === 0) return { label: 'v', value: v };
    if (typeof v === 'bigint' && Number.isInteger(baseValue))
      return { label: 'v', value: v + BigInt(baseValue) };
    return { label: 'v', value: Number(v) + baseValue };
  }
  if (record.vs !== undefined) return { label: 'vs', value: record.vs };
  if (record.vb !== undefined) return { label: 'vb', value: record.vb };
  if (record.vd !== undefined) return { label: 'vd', value: record.vd };
  if (record.vlo !== undefined) return { label: 'vlo', value: record.vlo };
  return undefined;
}

function countValues(record: SenmlRecord): number {
  let count = 0;
  for (const label of SENML_VALUE_LABELS) if (record[label] !== undefined) count++;
  return count;
}

/**
 * Seconds to whole milliseconds. Whole and fractional parts are scaled apart: `seconds * 1000`
 * can land on x.5 ms for times far in the future and round the wrong way.
 */
function secondsToMs(seconds: number): number {
  const whole = Math.floor(seconds);
  return whole * 1000 + Math.round((seconds - whole) * 1000);
}

/** The Date of a resolved SenML time in seconds; undefined for 0 ("roughly now"). */
function timeOf(seconds: number, now: () => number, format: string, index: number): Date | undefined {
  if (seconds === 0) return undefined;
  const ms = seconds < SENML_RELATIVE_TIME_LIMIT ? now() + secondsToMs(seconds) : secondsToMs(seconds);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) {
    throw new CodedError('CODEC_MALFORMED', `${format} record ${index}: time ${seconds} s is out of range`, {
      details: { record: index },
    });
  }
  return new Date(ms);
}

export interface ResolveOptions {
  readonly format: string;
  readonly mode: ResolveMode;
  /** Clock for relative times (ms since the epoch). Default Date.now. */
  readonly now?: () => number;
}

/**
 * Applies base name, base time and base value to every record (each stays in effect until the
 * next record that sets it), checks `bver`, the value fields and the names.
 */
export function resolveRecords(records: readonly SenmlRecord[], options: ResolveOptions): ResolvedRecord[] {
  const { format, mode } = options;
  const now = options.now ?? Date.now;
  const out: ResolvedRecord[] = new Array(records.length);
  const names = new SenmlNameResolver(format);
  let baseName = '';
  let baseTime: number | undefined;
  let baseValue: number | undefined;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    if (record.bver !== undefined && record.bver > SENML_VERSION) {
      throw new CodedError(
        'CODEC_UNSUPPORTED_FORMAT',
        `${format} record ${index}: SenML version ${record.bver} is newer than the supported ${SENML_VERSION}`,
        { details: { record: index, bver: record.bver } },
      );
    }
    if (record.bn !== undefined) baseName = record.bn;
    if (record.bt !== undefined) baseTime = record.bt;
    if (record.bv !== undefined) baseValue = record.bv;
    if (baseName === '' && record.n === undefined) {
      throw new CodedError('CODEC_MALFORMED', `${format} record ${index} has no name`, {
        details: { record: index },
      });
    }
    const path = names.resolve(baseName, record.n, index);
    const values = countValues(record);
    if (values > 1) {
      throw new CodedError('CODEC_MALFORMED', `${format} record ${index} has ${values} value fields`, {
        details: { record: index },
      });
    }
    if (mode === 'paths') {
      if (values !== 0) {
        throw new CodedError('CODEC_MALFORMED', `${format} record ${index}: a path list carries no values`, {
          details: { record: index },
        });
      }
    } else {
      if (values === 0) {
        throw new CodedError('CODEC_MALFORMED', `${format} record ${index} (${path}) has no value`, {
          details: { record: index, path: path.toString() },
        });
      }
      if (path.level !== 'resource' && path.level !== 'resource-instance') {
        throw new CodedError(
          'CODEC_MALFORMED',
          `${format} record ${index}: a value needs a resource or resource instance name, got ${path}`,
          { details: { record: index, path: path.toString() } },
        );
      }
    }
    const hasTime = record.t !== undefined || baseTime !== undefined;
    out[index] = {
      index,
      path,
      time: hasTime ? timeOf((baseTime ?? 0) + (record.t ?? 0), now, format, index) : undefined,
      value: mode === 'values' ? recordValue(record, baseValue) : undefined,
    };
  }
  return out;
}
