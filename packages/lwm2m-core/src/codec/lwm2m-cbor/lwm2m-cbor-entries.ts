import { CodedError } from '@lwm2m-adapters/errors';
import { isValidPrefix, MAX_ID } from '../../model/path.js';
import type { DecodeLimits } from '../codec-types.js';
import { CborMap } from './lwm2m-cbor-read.js';
import { type CborLeaf, isCborLeaf } from './lwm2m-cbor-values.js';

/** An absolute path inside an LwM2M CBOR payload: optional gateway prefix, then 0..4 ids. */
export interface CborPath {
  readonly prefix: string | undefined;
  readonly ids: readonly number[];
}

/**
 * One flattened piece of an LwM2M CBOR payload: a leaf value at a resource or resource-instance
 * path, or an empty map (an object, instance or multiple resource with nothing in it).
 */
export interface CborEntry extends CborPath {
  readonly content: { readonly kind: 'leaf'; readonly item: CborLeaf } | { readonly kind: 'empty' };
  /** The top-level key the entry sits under: its group when a request names no paths. */
  readonly top: CborPath;
}

export function cborPathText(p: CborPath): string {
  const segments = p.prefix === undefined ? p.ids : [p.prefix, ...p.ids];
  return `/${segments.join('/')}`;
}

function malformed(message: string, where: CborPath | undefined): CodedError {
  return new CodedError('CODEC_MALFORMED', message, {
    details: where === undefined ? {} : { path: cborPathText(where) },
  });
}

function parseId(item: unknown, parent: CborPath): number {
  if (typeof item !== 'bigint' || item < 0n || item > BigInt(MAX_ID)) {
    const shown = typeof item === 'bigint' ? String(item) : typeof item;
    throw malformed(
      `LwM2M CBOR key below ${cborPathText(parent)} must be an id 0..${MAX_ID}, got ${shown}`,
      parent,
    );
  }
  return Number(item);
}

function parsePrefix(item: string, parent: CborPath): string {
  if (!isValidPrefix(item)) {
    throw malformed(
      `LwM2M CBOR key holds an invalid gateway prefix ${JSON.stringify(item.slice(0, 40))}`,
      parent,
    );
  }
  return item;
}

/**
 * Key grammar (Core 1.2 §7.5.4, Gateway 1.1 §9): an id, an array of 1..4 ids, and at the top level
 * only a text gateway prefix alone or as the first element of an array key.
 */
function parseKey(key: unknown, parent: CborPath, atTop: boolean): CborPath {
  if (typeof key === 'string') {
    if (!atTop) throw malformed('a gateway prefix key is only allowed in the top-level map', parent);
    return { prefix: parsePrefix(key, parent), ids: [] };
  }
  if (Array.isArray(key)) {
    let prefix = parent.prefix;
    let rest: readonly unknown[] = key;
    if (typeof key[0] === 'string') {
      if (!atTop) throw malformed('a gateway prefix is only allowed in a top-level key', parent);
      prefix = parsePrefix(key[0], parent);
      rest = key.slice(1);
    }
    if (rest.length === 0 || rest.length > 4) {
      throw malformed(`an LwM2M CBOR array key must hold 1 to 4 ids, got ${rest.length}`, parent);
    }
    return { prefix, ids: [...parent.ids, ...rest.map((item) => parseId(item, parent))] };
  }
  return { prefix: parent.prefix, ids: [...parent.ids, parseId(key, parent)] };
}

interface Walk {
  readonly limits: DecodeLimits;
  readonly out: CborEntry[];
  count: number;
}

function walkMap(map: CborMap, parent: CborPath, top: CborPath | undefined, walk: Walk): void {
  for (const [key, value] of map.entries) {
    walk.count++;
    if (walk.count > walk.limits.maxEntries) {
      throw new CodedError(
        'CODEC_LIMIT_EXCEEDED',
        `LwM2M CBOR payload has more than ${walk.limits.maxEntries} map entries`,
        { details: { limit: walk.limits.maxEntries } },
      );
    }
    const here = parseKey(key, parent, top === undefined);
    if (here.ids.length > 4) {
      throw malformed(`${cborPathText(here)} is deeper than a resource instance`, here);
    }
    const group = top ?? here;
    if (value instanceof CborMap) {
      if (here.ids.length === 4) {
        throw malformed(`${cborPathText(here)} is a resource instance and needs a value, not a map`, here);
      }
      if (value.entries.length > 0) {
        walkMap(value, here, group, walk);
      } else if (here.ids.length > 0) {
        walk.out.push({ ...here, content: { kind: 'empty' }, top: group });
      }
      continue;
    }
    if (here.ids.length < 3) {
      const what =
        here.ids.length === 0 ? 'a gateway prefix' : here.ids.length === 1 ? 'an object' : 'an instance';
      throw malformed(`${cborPathText(here)} is ${what} and needs a map, not a value`, here);
    }
    if (!isCborLeaf(value)) {
      throw malformed(
        `${cborPathText(here)} holds a CBOR ${Array.isArray(value) ? 'array' : typeof value}`,
        here,
      );
    }
    walk.out.push({ ...here, content: { kind: 'leaf', item: value }, top: group });
  }
}

const pathKey = (p: CborPath, length = p.ids.length): string =>
  `${p.prefix ?? ''}|${p.ids.slice(0, length).join('/')}`;

/**
 * Rejects a payload that names one path twice, after flattening: the same leaf through two keys,
 * a value and a map at one resource, or an empty map next to content below it.
 */
function assertDistinct(entries: readonly CborEntry[]): void {
  const taken = new Set<string>();
  const inner = new Set<string>();
  for (const e of entries) {
    const key = pathKey(e);
    let clash = taken.has(key) || inner.has(key);
    for (let len = 1; len < e.ids.length && !clash; len++) clash = taken.has(pathKey(e, len));
    if (clash) {
      throw malformed(
        `LwM2M CBOR payload names ${cborPathText(e)} twice, or next to a value or empty map above or below it`,
        e,
      );
    }
    taken.add(key);
    for (let len = 1; len < e.ids.length; len++) inner.add(pathKey(e, len));
  }
}

/** Flattens a decoded LwM2M CBOR payload into absolute-path entries, in wire order. */
export function flattenPayload(root: unknown, limits: DecodeLimits): CborEntry[] {
  if (!(root instanceof CborMap)) {
    throw new CodedError('CODEC_MALFORMED', 'an LwM2M CBOR payload must be a CBOR map');
  }
  const walk: Walk = { limits, out: [], count: 0 };
  walkMap(root, { prefix: undefined, ids: [] }, undefined, walk);
  assertDistinct(walk.out);
  return walk.out;
}
