import { isMap, isSeq } from 'yaml';
import { findDevicesListParts } from './devices-list-parts.js';
import { IssueCollector } from './issue-collector.js';
import {
  type LocatedEntry,
  type LocatedMap,
  type LocatedNode,
  makeMap,
  makeScalar,
  makeSeq,
} from './located-node.js';
import type { SourceText } from './source-text.js';
import {
  convert,
  MAX_EXPANDED_NODES,
  readContext,
  readYaml,
  sizeOf,
  type YamlReadResult,
} from './yaml-reader.js';
import { parseYamlText } from './yaml-syntax.js';

/**
 * A part of the file did not parse as what the scan took it for (a YAML error, an alias to an
 * anchor in another part, a duplicate top-level key...): the file must be read whole, which reports
 * the problem where it is.
 */
export class PartsUnusable extends Error {
  constructor(reason: string) {
    super(`the mapping cannot be read in parts: ${reason}`);
    this.name = 'PartsUnusable';
  }
}

export interface MappingYamlRead extends YamlReadResult {
  /**
   * When the file was read in parts: the entries of `devices:`, each part parsed as they are
   * reached (the root's `devices` holds a placeholder). Throws PartsUnusable for a part that does
   * not parse cleanly.
   */
  readonly deviceEntries?: (() => Generator<LocatedNode, void, undefined>) | undefined;
}

/**
 * Reads the mapping's YAML: whole, or, for a large file whose `devices:` is a top-level block list,
 * in parts (the rest of the file first, then the device entries a few hundred at a time), so memory
 * stays proportional to a part instead of the file. Anything the parts cannot represent exactly
 * throws PartsUnusable, and the caller reads the file whole.
 */
export function readMappingYaml(
  source: SourceText,
  issues: IssueCollector,
  options: { readonly inParts: boolean },
): MappingYamlRead {
  const layout = options.inParts ? findDevicesListParts(source.text) : undefined;
  if (layout === undefined) return readYaml(source, issues);
  let size = 0;
  const head = readPart(source, 0, layout.listStart);
  const tail = readPart(source, layout.listEnd, source.text.length);
  if (head?.node.kind !== 'map') throw new PartsUnusable('the text before the devices list is not a mapping');
  if (tail !== undefined && tail.node.kind !== 'map')
    throw new PartsUnusable('the text after the devices list is not a mapping');
  size += head.size + (tail?.size ?? 0);
  const entries = new Map<string, LocatedEntry>(head.node.entries);
  const devices = entries.get('devices');
  if (devices === undefined || devices.value.kind !== 'scalar' || devices.value.value !== null)
    throw new PartsUnusable('devices: is not where the scan found it');
  for (const [key, entry] of (tail?.node as LocatedMap | undefined)?.entries ?? []) {
    if (entries.has(key)) throw new PartsUnusable(`the top-level key ${key} is there twice`);
    entries.set(key, entry);
  }
  const listOrigin = { offset: layout.listStart + layout.indent, path: ['devices'] };
  // The document checks only see that devices is a non-empty list; the entries come one by one.
  entries.set('devices', {
    ...devices,
    value: makeSeq(listOrigin, [makeScalar(listOrigin, null, undefined)]),
  });
  const root = makeMap(head.node.origin, entries);
  function* deviceEntries(): Generator<LocatedNode, void, undefined> {
    let index = 0;
    for (const part of layout?.parts ?? []) {
      const parsed = parseYamlText(source, source.text.slice(part.start, part.end), part.start);
      const list = parsed.document?.contents;
      if (parsed.problems.length > 0 || !isSeq(list) || list.items.length !== part.entries)
        throw new PartsUnusable(`the device entries at offset ${part.start} do not parse on their own`);
      const quiet = new IssueCollector();
      const context = readContext(parsed.document!, source, quiet, part.start);
      const located = list.items.map((item, i) =>
        convert(item as Parameters<typeof convert>[0], ['devices', index + i], context),
      );
      if (quiet.size > 0)
        throw new PartsUnusable(`the device entries at offset ${part.start} have YAML problems`);
      for (const entry of located) {
        size += sizeOf(entry, context);
        if (size > MAX_EXPANDED_NODES) throw new PartsUnusable('too many nodes');
        yield entry;
        index++;
      }
    }
  }
  if (size > MAX_EXPANDED_NODES) throw new PartsUnusable('too many nodes');
  return { root, syntaxError: false, deviceEntries };
}

/** One part of the file read on its own, or undefined when it holds no node (empty, comments). */
function readPart(
  source: SourceText,
  start: number,
  end: number,
): { node: LocatedNode; size: number } | undefined {
  const parsed = parseYamlText(source, source.text.slice(start, end), start);
  if (parsed.problems.length > 0 || parsed.document === undefined)
    throw new PartsUnusable(`the text at offset ${start} does not parse on its own`);
  const contents = parsed.document.contents;
  if (contents === null) return undefined;
  if (!isMap(contents)) throw new PartsUnusable(`the text at offset ${start} is not a mapping`);
  const quiet = new IssueCollector();
  const context = readContext(parsed.document, source, quiet, start);
  const node = convert(contents, [], context);
  if (quiet.size > 0) throw new PartsUnusable(`the text at offset ${start} has YAML problems`);
  return { node, size: sizeOf(node, context) };
}
