import { CodedError } from '@lwm2m-adapters/errors';
import { decodeUtf8 } from '@lwm2m-adapters/kit';
import type { DecodeLimits } from '../codec-types.js';
import { exactIntegerReviver, isRoundedInteger, parseJsonText } from '../senml/senml-json-records.js';
import {
  assignLabel,
  type LabelContext,
  type MutableSenmlRecord,
  type SenmlRecord,
} from '../senml/senml-record.js';

const FORMAT = 'LwM2M JSON';

/** LwM2M JSON entry labels (TS 1.0 §6.4.4) and the SenML label each one means. */
const ENTRY_LABELS: ReadonlyMap<string, string> = new Map([
  ['n', 'n'],
  ['v', 'v'],
  ['sv', 'vs'],
  ['bv', 'vb'],
  ['ov', 'vlo'],
  ['t', 't'],
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordsOf(parsed: unknown, defaultBaseName: string, limits: DecodeLimits): SenmlRecord[] {
  if (!isObject(parsed)) throw new CodedError('CODEC_MALFORMED', `${FORMAT} payload must be an object`);
  const entries = parsed.e;
  if (!Array.isArray(entries))
    throw new CodedError('CODEC_MALFORMED', `${FORMAT} payload needs an "e" array`);
  if (entries.length > limits.maxEntries) {
    throw new CodedError(
      'CODEC_LIMIT_EXCEEDED',
      `${FORMAT} payload has ${entries.length} entries, more than the limit of ${limits.maxEntries}`,
      { details: { count: entries.length, limit: limits.maxEntries } },
    );
  }
  const head: MutableSenmlRecord = {};
  const headCtx: LabelContext = { format: FORMAT, index: -1, binaryData: false };
  assignLabel(head, 'bn', parsed.bn ?? defaultBaseName, headCtx);
  if (parsed.bt !== undefined) assignLabel(head, 'bt', parsed.bt, headCtx);
  return entries.map((entry: unknown, index): SenmlRecord => {
    if (!isObject(entry)) {
      throw new CodedError('CODEC_MALFORMED', `${FORMAT} entry ${index} is not an object`, {
        details: { entry: index },
      });
    }
    const ctx: LabelContext = { format: FORMAT, index, binaryData: false };
    const record: MutableSenmlRecord = index === 0 ? { ...head } : {};
    for (const [label, value] of Object.entries(entry)) {
      const senml = ENTRY_LABELS.get(label);
      if (senml !== undefined) assignLabel(record, senml, value, ctx);
    }
    return record;
  });
}

const V_LABEL = new Set(['v']);

/**
 * Reads an LwM2M JSON payload (`{"bn":"/3/0/","bt":..,"e":[{"n":"0","sv":"ACME"},..]}`) as SenML
 * records: sv -> vs, bv -> vb, ov -> vlo; `bn`/`bt` apply to every entry. Without `bn`, names are
 * relative to `defaultBaseName` (the request path). Unknown members are ignored.
 */
export function parseLwm2mJson(
  payload: Uint8Array,
  defaultBaseName: string,
  limits: DecodeLimits,
): SenmlRecord[] {
  const text = decodeUtf8(payload, `${FORMAT} payload`);
  const records = recordsOf(parseJsonText(text, FORMAT), defaultBaseName, limits);
  if (!records.some((r) => isRoundedInteger(r.v))) return records;
  return recordsOf(parseJsonText(text, FORMAT, exactIntegerReviver(V_LABEL)), defaultBaseName, limits);
}
