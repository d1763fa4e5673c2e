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
  /** Entries filed exactly at a path, with their filing counts. */
  readonly #at = new Map<string, Map<T, number>>();
  /** Entries filed at a path or anywhere below it. */
  readonly #atOrBelow = new Map<string, Map<T, number>>();

  add(path: LwM2mPath, entry: T): void {
    const chain = pathChain(path);
    increment(this.#at, chain[chain.length - 1]!, entry);
    for (const key of chain) increment(this.#atOrBelow, key, entry);
  }

  remove(path: LwM2mPath, entry: T): void {
    const chain = pathChain(path);
    decrement(this.#at, chain[chain.length - 1]!, entry);
    for (const key of chain) decrement(this.#atOrBelow, key, entry);
  }

  /** Entries filed at `path`, above it or below it; a new set the caller may keep. */
  overlapping(path: LwM2mPath): Set<T> {
    const chain = pathChain(path);
    const found = new Set<T>(this.#atOrBelow.get(chain[chain.length - 1]!)?.keys());
    for (let i = 0; i < chain.length - 1; i++) {
      const above = this.#at.get(chain[i]!);
      if (above !== undefined) for (const entry of above.keys()) found.add(entry);
    }
    return found;
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

function increment<T>(map: Map<string, Map<T, number>>, key: string, entry: T): void {
  let entries = map.get(key);
  if (entries === undefined) {
    entries = new Map();
    map.set(key, entries);
  }
  entries.set(entry, (entries.get(entry) ?? 0) + 1);
}

function decrement<T>(map: Map<string, Map<T, number>>, key: string, entry: T): void {
  const entries = map.get(key);
  const count = entries?.get(entry);
  if (entries === undefined || count === undefined) return;
  if (count > 1) entries.set(entry, count - 1);
  else {
    entries.delete(entry);
    if (entries.size === 0) map.delete(key);
  }
}
