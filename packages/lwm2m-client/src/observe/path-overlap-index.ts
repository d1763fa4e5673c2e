import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';

/**
 * Entries filed under LwM2M paths, found by the paths they overlap: for a changed path, the entries
 * at that path, above it (a changed resource concerns an observed instance) and below it (a changed
 * instance concerns its observed resources), the way `LwM2mPath.startsWith` relates paths (an
 * end device's prefixed paths are not below the client's root). A lookup costs the path's depth plus what it finds,
 * not the number of entries, so a value change does not scan every observation.
 *
 * An entry may be filed under several paths (a composite observation), even under one path twice:
 * it stays until each filing is removed.
 */
export class PathOverlapIndex<T> {
  /**
   * Filings per scope, to answer "nothing here" without building keys: an end device's filings
   * under its prefix (a string), the client's under their object id (a number; prefixes are never
   * numeric), so a change of a device or object nobody observes costs two Map lookups.
   */
  readonly #scopes = new Map<string | number, number>();
  /** Filings at the client's root `/` (they concern every path of the client's own tree). */
  #rootFilings = 0;
  /** Entries filed exactly at a path, with their filing counts. */
  readonly #at = new Map<string, Filings<T>>();
  /** Entries filed at a path or anywhere below it. */
  readonly #atOrBelow = new Map<string, Filings<T>>();

  add(path: LwM2mPath, entry: T): void {
    this.#count(path, 1);
    const chain = pathChain(path);
    increment(this.#at, chain[chain.length - 1]!, entry);
    for (const key of chain) increment(this.#atOrBelow, key, entry);
  }

  remove(path: LwM2mPath, entry: T): void {
    const chain = pathChain(path);
    const filed = this.#at.get(chain[chain.length - 1]!);
    if (filed === undefined || (filed instanceof Map ? !filed.has(entry) : filed.one !== entry)) return;
    this.#count(path, -1);
    decrement(this.#at, chain[chain.length - 1]!, entry);
    for (const key of chain) decrement(this.#atOrBelow, key, entry);
  }

  /**
   * Entries filed at `path`, above it or below it. Nothing is allocated when none is: the result
   * is then a shared empty set, so callers read it and do not keep it.
   */
  overlapping(path: LwM2mPath): ReadonlySet<T> {
    if (this.#at.size === 0) return EMPTY;
    if (path.prefix !== undefined) {
      if (!this.#scopes.has(path.prefix)) return EMPTY;
    } else if (path.objectId !== undefined && this.#rootFilings === 0 && !this.#scopes.has(path.objectId)) {
      return EMPTY;
    }
    const chain = pathChain(path);
    let found: Set<T> | undefined;
    found = addEntries(found, this.#atOrBelow.get(chain[chain.length - 1]!));
    for (let i = 0; i < chain.length - 1; i++) found = addEntries(found, this.#at.get(chain[i]!));
    return found ?? EMPTY;
  }

  /**
   * Whether an entry may overlap a path under `prefix` (an end device's; undefined: the client's
   * own tree) and `objectId`: false means `overlapping` finds none there, so a caller can skip
   * making the path. One Map lookup at most.
   */
  mayOverlap(prefix: string | undefined, objectId: number): boolean {
    if (this.#at.size === 0) return false;
    if (prefix !== undefined) return this.#scopes.has(prefix);
    return this.#rootFilings > 0 || this.#scopes.has(objectId);
  }

  #count(path: LwM2mPath, delta: 1 | -1): void {
    const scope = path.prefix ?? path.objectId;
    if (scope === undefined) {
      this.#rootFilings += delta;
      return;
    }
    const count = (this.#scopes.get(scope) ?? 0) + delta;
    if (count > 0) this.#scopes.set(scope, count);
    else this.#scopes.delete(scope);
  }

  get paths(): number {
    return this.#at.size;
  }
}

/**
 * Keys of the path and its ancestors, top first: `/`, `/3303`, `/3303/0` without a prefix;
 * `/dev1`, `/dev1/3303`, `/dev1/3303/0` with one (the client's root does not contain end devices).
 */
function pathChain(path: LwM2mPath): string[] {
  const segments = path.segments();
  if (segments.length === 0) return ['/'];
  const chain: string[] = path.prefix === undefined ? ['/'] : [];
  let key = '';
  for (const segment of segments) {
    key += `/${segment}`;
    chain.push(key);
  }
  return chain;
}

/**
 * The entries filed under one key with their counts: most keys hold one entry (one observation of
 * one resource), which is kept as is; a Map only when there are several (a Map and its table cost
 * ~250 bytes, times the depth of every observed path).
 */
type Filings<T> = { readonly one: T; count: number } | Map<T, number>;

const EMPTY: ReadonlySet<never> = new Set<never>();

/** Adds the filings' entries to `found`, creating it on the first one. */
function addEntries<T>(found: Set<T> | undefined, filings: Filings<T> | undefined): Set<T> | undefined {
  if (filings === undefined) return found;
  const into = found ?? new Set<T>();
  if (filings instanceof Map) for (const entry of filings.keys()) into.add(entry);
  else into.add(filings.one);
  return into;
}

function increment<T>(map: Map<string, Filings<T>>, key: string, entry: T): void {
  const filings = map.get(key);
  if (filings === undefined) map.set(key, { one: entry, count: 1 });
  else if (filings instanceof Map) filings.set(entry, (filings.get(entry) ?? 0) + 1);
  else if (filings.one === entry) filings.count++;
  else
    map.set(
      key,
      new Map([
        [filings.one, filings.count],
        [entry, 1],
      ]),
    );
}

function decrement<T>(map: Map<string, Filings<T>>, key: string, entry: T): void {
  const filings = map.get(key);
  if (filings === undefined) return;
  if (!(filings instanceof Map)) {
    if (filings.one !== entry) return;
    if (filings.count > 1) filings.count--;
    else map.delete(key);
    return;
  }
  const count = filings.get(entry);
  if (count === undefined) return;
  if (count > 1) filings.set(entry, count - 1);
  else {
    filings.delete(entry);
    if (filings.size === 0) map.delete(key);
  }
}
