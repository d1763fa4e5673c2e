import { CodedError } from '@lwm2m-adapters/errors';
import type { DecodeLimits } from '../codec-types.js';
import { MAX_TLV_ID } from './tlv-header.js';

export type TlvEntryKind = 'object-instance' | 'resource-instance' | 'multiple-resource' | 'resource';

/**
 * One TLV located in a payload, without copying or viewing its bytes: `[start, end)` is the value
 * (for a container, the span of its children). Containers have `children`, values have undefined.
 */
export interface TlvSpan {
  readonly kind: TlvEntryKind;
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly children: readonly TlvSpan[] | undefined;
}

/** Type bits 7-6 -> kind. */
const KINDS: readonly TlvEntryKind[] = [
  'object-instance',
  'resource-instance',
  'multiple-resource',
  'resource',
];

type Parent = 'top' | 'object-instance' | 'multiple-resource';

/** Object instances only at the top; resources only at the top or in an object instance; instances only in a multiple resource. */
export function tlvKindAllowedIn(parent: Parent, kind: TlvEntryKind): boolean {
  switch (parent) {
    case 'top':
      return true;
    case 'object-instance':
      return kind === 'resource' || kind === 'multiple-resource';
    case 'multiple-resource':
      return kind === 'resource-instance';
  }
}

function where(parent: Parent): string {
  return parent === 'top' ? 'this position' : `a ${parent}`;
}

/** Ascending ids (the usual case) need no set; otherwise fall back to one. */
function assertUniqueIds(spans: readonly TlvSpan[], parent: Parent): void {
  let last = -1;
  let ordered = true;
  for (const s of spans) {
    if (s.id <= last) {
      ordered = false;
      break;
    }
    last = s.id;
  }
  if (ordered) return;
  const seen = new Set<number>();
  for (const s of spans) {
    if (seen.has(s.id)) {
      throw new CodedError(
        'CODEC_MALFORMED',
        `TLV holds two ${s.kind} entries with id ${s.id} in ${where(parent)}`,
        {
          details: { id: s.id, kind: s.kind },
        },
      );
    }
    seen.add(s.id);
  }
}

interface ReadState {
  readonly bytes: Uint8Array;
  readonly limits: DecodeLimits;
  entries: number;
}

function truncated(what: string, pos: number): CodedError {
  return new CodedError(
    'CODEC_TRUNCATED',
    `TLV ${what} at offset ${pos} runs past the end of its container`,
    {
      details: { offset: pos },
    },
  );
}

function readLevel(state: ReadState, start: number, end: number, parent: Parent, depth: number): TlvSpan[] {
  if (depth > state.limits.maxDepth) {
    throw new CodedError(
      'CODEC_LIMIT_EXCEEDED',
      `TLV nesting exceeds the depth limit of ${state.limits.maxDepth}`,
      {
        details: { limit: state.limits.maxDepth },
      },
    );
  }
  const { bytes } = state;
  const out: TlvSpan[] = [];
  let pos = start;
  while (pos < end) {
    // header: type byte, 8/16-bit id, 0-3 length bytes; all bounds-checked before use
    const type = bytes[pos] ?? 0;
    const idBytes = type & 0x20 ? 2 : 1;
    const lengthBytes = (type >>> 3) & 0x03;
    const valueStart = pos + 1 + idBytes + lengthBytes;
    if (valueStart > end) throw truncated('header', pos);
    let p = pos + 1;
    let id = bytes[p++] ?? 0;
    if (idBytes === 2) id = (id << 8) | (bytes[p++] ?? 0);
    let length = type & 0x07;
    if (lengthBytes > 0) {
      length = 0;
      for (let i = 0; i < lengthBytes; i++) length = (length << 8) | (bytes[p++] ?? 0);
    }
    if (length > end - valueStart) throw truncated('value', pos);
    if (id > MAX_TLV_ID) {
      throw new CodedError('CODEC_MALFORMED', `TLV at offset ${pos} uses the reserved id 65535`, {
        details: { offset: pos },
      });
    }
    const kind = KINDS[type >>> 6] ?? 'resource';
    if (!tlvKindAllowedIn(parent, kind)) {
      throw new CodedError(
        'CODEC_MALFORMED',
        `TLV ${kind} at offset ${pos} cannot appear in ${where(parent)}`,
        {
          details: { offset: pos, kind, parent },
        },
      );
    }
    if (++state.entries > state.limits.maxEntries) {
      throw new CodedError(
        'CODEC_LIMIT_EXCEEDED',
        `TLV payload has more than ${state.limits.maxEntries} entries`,
        {
          details: { limit: state.limits.maxEntries },
        },
      );
    }
    const valueEnd = valueStart + length;
    const children =
      kind === 'object-instance' || kind === 'multiple-resource'
        ? readLevel(state, valueStart, valueEnd, kind, depth + 1)
        : undefined;
    out.push({ kind, id, start: valueStart, end: valueEnd, children });
    pos = valueEnd;
  }
  assertUniqueIds(out, parent);
  return out;
}

/**
 * Locates every TLV of a payload, validating the grammar: complete headers and values
 * (CODEC_TRUNCATED), nesting and unique sibling ids and no id 65535 (CODEC_MALFORMED),
 * `limits.maxEntries` / `maxDepth` (CODEC_LIMIT_EXCEEDED). Allocates one small record per TLV,
 * never anything sized by a declared length. The caller checks `maxPayloadBytes`.
 */
export function readTlvSpans(bytes: Uint8Array, limits: DecodeLimits): TlvSpan[] {
  return readLevel({ bytes, limits, entries: 0 }, 0, bytes.length, 'top', 1);
}
