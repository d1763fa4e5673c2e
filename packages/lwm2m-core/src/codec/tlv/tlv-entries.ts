import { CodedError } from '@lwm2m-adapters/errors';
import type { DecodeLimits } from '../codec-types.js';
import {
  MAX_TLV_ID,
  TLV_MULTIPLE_RESOURCE,
  TLV_OBJECT_INSTANCE,
  TLV_RESOURCE,
  TLV_RESOURCE_INSTANCE,
  type TlvTypeBits,
  tlvHeaderSize,
  writeTlvHeader,
} from './tlv-header.js';
import { readTlvSpans, type TlvEntryKind, type TlvSpan, tlvKindAllowedIn } from './tlv-spans.js';

export type { TlvEntryKind };

/** A TLV that holds other TLVs: an Object Instance (of resources) or a Multiple Resource (of instances). */
export interface TlvContainerEntry {
  readonly kind: 'object-instance' | 'multiple-resource';
  readonly id: number;
  readonly children: readonly TlvEntry[];
}

/** A TLV that holds a value: a Resource or a Resource Instance. `value` is the raw value bytes. */
export interface TlvValueEntry {
  readonly kind: 'resource' | 'resource-instance';
  readonly id: number;
  readonly value: Uint8Array;
}

/** One raw OMA TLV, untyped: what `readTlvEntries` returns and `writeTlvEntries` takes. */
export type TlvEntry = TlvContainerEntry | TlvValueEntry;

export function isTlvContainer(entry: TlvEntry): entry is TlvContainerEntry {
  return entry.kind === 'object-instance' || entry.kind === 'multiple-resource';
}

const BITS_BY_KIND: Readonly<Record<TlvEntryKind, TlvTypeBits>> = {
  'object-instance': TLV_OBJECT_INSTANCE,
  'resource-instance': TLV_RESOURCE_INSTANCE,
  'multiple-resource': TLV_MULTIPLE_RESOURCE,
  resource: TLV_RESOURCE,
};

type Parent = 'top' | 'object-instance' | 'multiple-resource';

function toEntry(bytes: Uint8Array, span: TlvSpan): TlvEntry {
  const { kind, id, children } = span;
  if (kind === 'object-instance' || kind === 'multiple-resource') {
    return { kind, id, children: (children ?? []).map((c) => toEntry(bytes, c)) };
  }
  return { kind, id, value: bytes.subarray(span.start, span.end) };
}

/** `payload` as a plain Uint8Array view (a Buffer's subarray/slice would be a Buffer). */
export function plainBytes(payload: Uint8Array): Uint8Array {
  return payload.constructor === Uint8Array
    ? payload
    : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
}

/**
 * Parses a whole TLV payload into raw entries, validating the grammar as `readTlvSpans` does
 * (truncation, nesting, duplicate ids, id 65535, `maxEntries` / `maxDepth`). Values are views
 * into `payload`. The caller checks `maxPayloadBytes`.
 */
export function readTlvEntries(payload: Uint8Array, limits: DecodeLimits): TlvEntry[] {
  const bytes = plainBytes(payload);
  return readTlvSpans(bytes, limits).map((s) => toEntry(bytes, s));
}

function contentSize(entry: TlvEntry, parent: Parent): number {
  if (!Number.isInteger(entry.id) || entry.id < 0 || entry.id > MAX_TLV_ID) {
    throw new CodedError('NODE_INVALID', `TLV id ${entry.id} is out of range 0..${MAX_TLV_ID}`);
  }
  if (!tlvKindAllowedIn(parent, entry.kind)) {
    throw new CodedError(
      'NODE_INVALID',
      `a TLV ${entry.kind} cannot appear in ${parent === 'top' ? 'this position' : `a ${parent}`}`,
    );
  }
  if (!isTlvContainer(entry)) return entry.value.length;
  let size = 0;
  for (const child of entry.children) {
    const inner = contentSize(child, entry.kind);
    size += tlvHeaderSize(child.id, inner) + inner;
  }
  return size;
}

function writeEntry(out: Uint8Array, pos: number, entry: TlvEntry, parent: Parent): number {
  const size = contentSize(entry, parent);
  let p = writeTlvHeader(out, pos, BITS_BY_KIND[entry.kind], entry.id, size);
  if (!isTlvContainer(entry)) {
    out.set(entry.value, p);
    return p + size;
  }
  for (const child of entry.children) p = writeEntry(out, p, child, entry.kind);
  return p;
}

/**
 * Serialises raw entries with the smallest id and length fields. Throws NODE_INVALID for bad ids
 * or nesting and VALUE_OUT_OF_RANGE for a value longer than 2^24-1 bytes. (The typed
 * `TlvCodec` encoder writes nodes directly, without this intermediate form.)
 */
export function writeTlvEntries(entries: readonly TlvEntry[]): Uint8Array {
  let total = 0;
  for (const e of entries) {
    const inner = contentSize(e, 'top');
    total += tlvHeaderSize(e.id, inner) + inner;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const e of entries) pos = writeEntry(out, pos, e, 'top');
  return out;
}
