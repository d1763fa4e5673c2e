/**
 * The mapping document as a tree whose every node remembers where its text is in the file, so that
 * errors found after template merging and variable substitution still point at the right place.
 * Nodes are immutable; merging and substitution build new nodes that keep the origins they came from.
 */

/** Keys and indices from the document root to a node, as written in the YAML file. */
export type YamlPath = readonly (string | number)[];

/** Where a node's text starts in the mapping file. */
export interface Origin {
  readonly offset: number;
  readonly path: YamlPath;
}

export type ScalarValue = string | number | boolean | null | Uint8Array;

/** How a scalar got its value from `${...}` references. */
export interface Substitution {
  /** The substituted text (what a string result would be). */
  readonly text: string;
  /** The value was typed (number/boolean) because the whole scalar was one reference. */
  readonly typed: boolean;
  /** A referenced variable's name looks secret (password, secret, token, key). */
  readonly secret: boolean;
  /** A reference could not be resolved (already reported); later checks skip the value. */
  readonly unresolved?: boolean;
}

interface NodeBase {
  readonly origin: Origin;
  /** The node or something below it contains `${` and needs substitution. */
  readonly hasReferences: boolean;
}

export interface LocatedScalar extends NodeBase {
  readonly kind: 'scalar';
  readonly value: ScalarValue;
  /** The scalar's text as written, when it was plain (unquoted) YAML. */
  readonly plainText: string | undefined;
  readonly substitution: Substitution | undefined;
}

export interface LocatedEntry {
  readonly key: string;
  /** Where the key is written; collection-level errors point here. */
  readonly keyOrigin: Origin;
  readonly value: LocatedNode;
}

export interface LocatedMap extends NodeBase {
  readonly kind: 'map';
  readonly entries: ReadonlyMap<string, LocatedEntry>;
}

export interface LocatedSeq extends NodeBase {
  readonly kind: 'seq';
  readonly items: readonly LocatedNode[];
}

export type LocatedNode = LocatedScalar | LocatedMap | LocatedSeq;

export function makeMap(origin: Origin, entries: ReadonlyMap<string, LocatedEntry>): LocatedMap {
  let hasReferences = false;
  for (const entry of entries.values()) hasReferences ||= entry.value.hasReferences;
  return { kind: 'map', origin, entries, hasReferences };
}

export function makeSeq(origin: Origin, items: readonly LocatedNode[]): LocatedSeq {
  return { kind: 'seq', origin, items, hasReferences: items.some((item) => item.hasReferences) };
}

export function makeScalar(
  origin: Origin,
  value: ScalarValue,
  plainText: string | undefined,
  substitution?: Substitution,
): LocatedScalar {
  return {
    kind: 'scalar',
    origin,
    value,
    plainText,
    substitution,
    hasReferences: substitution === undefined && typeof value === 'string' && value.includes('${'),
  };
}

/** The value of `key` in a map node, or undefined when the node is not a map or lacks the key. */
export function entryOf(node: LocatedNode | undefined, key: string): LocatedEntry | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

export function valueAt(node: LocatedNode | undefined, key: string): LocatedNode | undefined {
  return entryOf(node, key)?.value;
}

/** A plain scalar value when the node is a string scalar. */
export function stringOf(node: LocatedNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/** Plain JS data for zod: maps become objects (built with own properties only), seqs arrays. */
export function toPlain(node: LocatedNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const entries: [string, unknown][] = [];
      for (const [key, entry] of node.entries) entries.push([key, toPlain(entry.value)]);
      return Object.fromEntries(entries);
    }
  }
}

/** How far a key path reaches into a located tree. */
export interface PathTarget {
  /** The deepest node the path reaches. */
  readonly node: LocatedNode;
  /** The map entry that holds `node`, when it is a map value. */
  readonly entry: LocatedEntry | undefined;
  /** Whether the whole path exists in the tree. */
  readonly complete: boolean;
}

/** Follows `path` (map keys and seq indices) from `root` as far as the tree goes. */
export function followPath(root: LocatedNode, path: readonly PropertyKey[]): PathTarget {
  let node = root;
  let entry: LocatedEntry | undefined;
  for (const step of path) {
    if (node.kind === 'map' && (typeof step === 'string' || typeof step === 'number')) {
      const next = node.entries.get(String(step));
      if (next === undefined) return { node, entry, complete: false };
      entry = next;
      node = next.value;
    } else if (node.kind === 'seq' && typeof step === 'number') {
      const next = node.items[step];
      if (next === undefined) return { node, entry, complete: false };
      entry = undefined;
      node = next;
    } else {
      return { node, entry, complete: false };
    }
  }
  return { node, entry, complete: true };
}

/** Where an error about a target should point: a scalar's value, or a collection's key. */
export function originOfTarget(target: PathTarget): Origin {
  if (target.node.kind === 'scalar' && target.complete) return target.node.origin;
  return target.entry?.keyOrigin ?? target.node.origin;
}
