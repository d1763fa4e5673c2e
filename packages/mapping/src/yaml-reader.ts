import { type Alias, type Document, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { IssueCollector } from './issue-collector.js';
import {
  type LocatedEntry,
  type LocatedNode,
  makeMap,
  makeScalar,
  makeSeq,
  type Origin,
  type ScalarValue,
  type YamlPath,
} from './located-node.js';
import { quote } from './safe-text.js';
import type { SourceText } from './source-text.js';
import { MAX_NESTING_DEPTH, parseYamlText } from './yaml-syntax.js';

/** Most nodes a document may expand to once aliases are followed (guards against alias bombs). */
export const MAX_EXPANDED_NODES = 2_000_000;

export interface ReadContext {
  readonly document: Document.Parsed;
  readonly source: SourceText;
  readonly issues: IssueCollector;
  /** Offset of the parsed text in the file (node ranges are relative to it). */
  readonly base: number;
  /** Each YAML node is converted once; aliases share the result. */
  readonly converted: Map<Node, LocatedNode>;
  readonly inProgress: Set<Node>;
  /** Expanded size (nodes, counting aliased subtrees every time they are used) of each node. */
  readonly sizes: Map<LocatedNode, number>;
}

/**
 * Parses the mapping text into a located tree. YAML syntax errors, duplicate keys, unresolvable
 * tags, bad aliases and non-scalar keys are reported as located issues; the tree is undefined when
 * the text is not usable YAML. Anchors and aliases are allowed (an alias's nodes point at the
 * anchored text), and so are `<<` merge keys (explicit keys win over merged ones).
 */
export interface YamlReadResult {
  /** The located tree; undefined when there were problems. */
  readonly root: LocatedNode | undefined;
  /** The text is not well-formed YAML (as opposed to well-formed YAML with unusable parts). */
  readonly syntaxError: boolean;
}

export function readYaml(source: SourceText, issues: IssueCollector): YamlReadResult {
  const parsed = parseYamlText(source, source.text, 0);
  for (const problem of parsed.problems)
    issues.add({
      origin: { offset: problem.offset, path: [] },
      message: problem.message,
      expected: problem.expected,
    });
  if (parsed.problems.length > 0 || parsed.document === undefined)
    return { root: undefined, syntaxError: parsed.syntaxError };
  const document = parsed.document;
  if (document.contents === null) {
    issues.add({
      origin: { offset: 0, path: [] },
      message: 'the mapping file is empty',
      expected: 'version: 1',
    });
    return { root: undefined, syntaxError: false };
  }
  const context = readContext(document, source, issues, 0);
  const before = issues.size;
  const root = convert(document.contents, [], context);
  if (issues.size > before) return { root: undefined, syntaxError: false };
  if (!withinExpansionLimit(sizeOf(root, context), root, issues))
    return { root: undefined, syntaxError: false };
  return { root, syntaxError: false };
}

/** What converting one parsed YAML text (a whole file, or a part of it starting at `base`) needs. */
export function readContext(
  document: Document.Parsed,
  source: SourceText,
  issues: IssueCollector,
  base: number,
): ReadContext {
  return { document, source, issues, base, converted: new Map(), inProgress: new Set(), sizes: new Map() };
}

/** False (and an issue) when the document expands to more than MAX_EXPANDED_NODES nodes. */
export function withinExpansionLimit(size: number, root: LocatedNode, issues: IssueCollector): boolean {
  if (size <= MAX_EXPANDED_NODES) return true;
  issues.add({
    origin: root.origin,
    message: `the document expands to more than ${MAX_EXPANDED_NODES} nodes once aliases are followed`,
    expected: 'fewer aliases of large anchored nodes (use templates instead)',
  });
  return false;
}

export function sizeOf(node: LocatedNode, context: ReadContext): number {
  return context.sizes.get(node) ?? 1;
}

export function convert(
  node: Node | null,
  path: YamlPath,
  context: ReadContext,
  fallbackOffset = context.base,
): LocatedNode {
  if (node === null) return makeScalar({ offset: fallbackOffset, path }, null, undefined);
  if (isAlias(node)) return convertAlias(node, path, context);
  const done = context.converted.get(node);
  if (done !== undefined) return done;
  const origin: Origin = { offset: offsetOf(node, context) ?? fallbackOffset, path };
  if ((isMap(node) || isSeq(node)) && path.length >= MAX_NESTING_DEPTH) {
    // deeper than the text is (checked before composing): aliases nest anchored collections
    context.issues.add({
      origin,
      message: `nesting deeper than ${MAX_NESTING_DEPTH} levels (aliases included)`,
    });
    return makeScalar(origin, null, undefined);
  }
  let located: LocatedNode;
  let size = 1;
  if (isScalar(node)) {
    located = makeScalar(origin, scalarValue(node.value), node.type === 'PLAIN' ? node.source : undefined);
  } else if (isSeq(node)) {
    const items = node.items.map((item, index) =>
      convert(item as Node | null, [...path, index], context, origin.offset),
    );
    for (const item of items) size += sizeOf(item, context);
    located = makeSeq(origin, items);
  } else if (isMap(node)) {
    context.inProgress.add(node);
    const entries = convertMapEntries(node.items, path, origin, context);
    context.inProgress.delete(node);
    for (const entry of entries.values()) size += sizeOf(entry.value, context);
    located = makeMap(origin, entries);
  } else {
    context.issues.add({ origin, message: 'unsupported YAML node' });
    located = makeScalar(origin, null, undefined);
  }
  context.sizes.set(located, Math.min(size, MAX_EXPANDED_NODES + 1));
  context.converted.set(node, located);
  return located;
}

function offsetOf(node: Node | Alias, context: ReadContext): number | undefined {
  const start = node.range?.[0];
  return start === undefined ? undefined : context.base + start;
}

function convertAlias(alias: Alias, path: YamlPath, context: ReadContext): LocatedNode {
  const origin: Origin = { offset: offsetOf(alias, context) ?? context.base, path };
  const target = alias.resolve(context.document);
  if (target === undefined) {
    context.issues.add({
      origin,
      message: `alias *${alias.source} has no anchor &${alias.source} before it`,
    });
    return makeScalar(origin, null, undefined);
  }
  if (context.inProgress.has(target)) {
    context.issues.add({ origin, message: `alias *${alias.source} refers to a node that contains it` });
    return makeScalar(origin, null, undefined);
  }
  return convert(target, path, context);
}

function scalarValue(value: unknown): ScalarValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof Uint8Array
  ) {
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

interface PairLike {
  readonly key: unknown;
  readonly value: unknown;
}

function convertMapEntries(
  pairs: readonly PairLike[],
  path: YamlPath,
  mapOrigin: Origin,
  context: ReadContext,
): Map<string, LocatedEntry> {
  const entries = new Map<string, LocatedEntry>();
  const merged: LocatedEntry[] = [];
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const keyOffset = (keyNode === null ? undefined : offsetOf(keyNode, context)) ?? mapOrigin.offset;
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      merged.push(...mergeSources(pair.value as Node | null, path, keyOffset, context));
      continue;
    }
    const keyOrigin: Origin = { offset: keyOffset, path };
    if (!isScalar(keyNode) || keyNode.value === null || keyNode.value === undefined) {
      context.issues.add({ origin: keyOrigin, message: 'a key must be a plain name, number or LwM2M path' });
      continue;
    }
    const key = String(keyNode.value);
    const valuePath = [...path, key];
    const first = entries.get(key);
    if (first !== undefined) {
      context.issues.add({
        origin: { offset: keyOffset, path: valuePath },
        message: `duplicate key ${quote(key)}, first at line ${context.source.position(first.keyOrigin.offset).line}`,
        expected: 'each key once per mapping',
      });
      continue;
    }
    const value = convert(pair.value as Node | null, valuePath, context, keyOffset);
    entries.set(key, { key, keyOrigin: { offset: keyOffset, path: valuePath }, value });
  }
  for (const entry of merged) if (!entries.has(entry.key)) entries.set(entry.key, entry);
  return entries;
}

/** The entries a `<<` merge key brings in: from one map, or from a list of maps (earlier ones win). */
function mergeSources(
  value: Node | null,
  path: YamlPath,
  offset: number,
  context: ReadContext,
): LocatedEntry[] {
  const sources = isSeq(value) ? (value.items as (Node | null)[]) : [value];
  const out: LocatedEntry[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const located = convert(source, path, context, offset);
    if (located.kind !== 'map') {
      context.issues.add({
        origin: { offset, path },
        message: 'a << merge key must refer to a mapping or a list of mappings',
      });
      continue;
    }
    for (const entry of located.entries.values()) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      out.push(entry);
    }
  }
  return out;
}
