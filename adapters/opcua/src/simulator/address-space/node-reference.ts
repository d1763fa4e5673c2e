/**
 * Node references of a simulator configuration (the mapping's text forms) resolved against the
 * simulator's namespace table: a NodeId with a namespace index, or a browse path from Objects.
 */
import { formatNodeId, parseBrowsePathText, parseNodeIdText } from '../../config/node-id-text.js';

export interface PathSegment {
  readonly namespaceIndex: number;
  readonly name: string;
}

export type ResolvedReference =
  | {
      readonly kind: 'nodeId';
      readonly nodeId: string;
      readonly namespaceIndex: number;
      readonly identifier: string;
    }
  | { readonly kind: 'path'; readonly segments: readonly PathSegment[] };

/** Namespace URIs by index (index 0 is the OPC UA namespace). */
export type NamespaceTable = readonly string[];

/** Resolves a validated reference; `nsu=` URIs must be in the table. */
export function resolveReference(text: string, namespaces: NamespaceTable): ResolvedReference {
  if (text.startsWith('/')) {
    const parsed = parseBrowsePathText(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return { kind: 'path', segments: parsed.segments };
  }
  const parsed = parseNodeIdText(text);
  if ('error' in parsed) throw new Error(parsed.error);
  let namespaceIndex = parsed.namespaceIndex;
  if (parsed.namespaceUri !== undefined) {
    namespaceIndex = namespaces.indexOf(parsed.namespaceUri);
    if (namespaceIndex < 0) throw new Error(`namespace ${parsed.namespaceUri} is not registered`);
  }
  const { namespaceUri: _uri, ...rest } = parsed;
  return {
    kind: 'nodeId',
    nodeId: formatNodeId({ ...rest, namespaceIndex }),
    namespaceIndex,
    identifier: String(parsed.identifier.value),
  };
}

/** Namespace indexes and URIs a reference needs registered. */
export function referencedNamespaces(text: string): { indexes: number[]; uris: string[] } {
  if (text.startsWith('/')) {
    const parsed = parseBrowsePathText(text);
    return { indexes: 'error' in parsed ? [] : parsed.segments.map((s) => s.namespaceIndex), uris: [] };
  }
  const parsed = parseNodeIdText(text);
  if ('error' in parsed) return { indexes: [], uris: [] };
  return parsed.namespaceUri === undefined
    ? { indexes: [parsed.namespaceIndex], uris: [] }
    : { indexes: [], uris: [parsed.namespaceUri] };
}

export function pathKey(segments: readonly PathSegment[]): string {
  return segments.map((s) => `${s.namespaceIndex}:${s.name.replace(/[\\/]/g, (c) => `\\${c}`)}`).join('/');
}
