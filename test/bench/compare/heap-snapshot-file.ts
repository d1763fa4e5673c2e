/**
 * A V8 heap snapshot (`.heapsnapshot`, as `node --heapsnapshot-signal` writes it) read for the
 * memory tools of this folder: the flat node and edge arrays with the positions of the fields
 * they use, and a walk over each node with its outgoing edges.
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshotJson {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
      readonly edge_fields: readonly string[];
      readonly edge_types: readonly [readonly string[], ...unknown[]];
    };
  };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly strings: readonly string[];
}

/** One node as the walk hands it over; `edge(k)` reads its k-th outgoing edge. */
export interface SnapshotNode {
  /** V8's node type: object, closure, string, number, hidden, ... */
  readonly type: string;
  /** The constructor's name for objects, the value for strings. */
  readonly name: string;
  /** Stable across snapshots of one process: the same object has the same id. */
  readonly id: number;
  readonly selfSize: number;
  readonly edgeCount: number;
  edge(k: number): SnapshotEdge;
}

export interface SnapshotEdge {
  /** property, internal, element, context, hidden, weak, ... */
  readonly type: string;
  /** The property name (an element's index as text). */
  readonly name: string;
  /** The node the edge points to. */
  readonly to: { readonly type: string; readonly name: string; readonly id: number };
}

/** Calls `visit` for every node of the snapshot in `file`. */
export function walkHeapSnapshot(file: string, visit: (node: SnapshotNode) => void): void {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson;
  const { meta } = snap.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const idAt = meta.node_fields.indexOf('id');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index');
  const edgeToAt = meta.edge_fields.indexOf('to_node');
  const { nodes, edges, strings } = snap;
  const target = (index: number) => ({
    type: nodeTypes[nodes[index + typeAt]!] ?? '?',
    name: strings[nodes[index + nameAt]!] ?? '',
    id: nodes[index + idAt]!,
  });
  let firstEdge = 0;
  for (let i = 0; i < nodes.length; i += nodeFields) {
    const edgeCount = nodes[i + edgeCountAt]!;
    const base = firstEdge;
    visit({
      ...target(i),
      selfSize: nodes[i + sizeAt]!,
      edgeCount,
      edge: (k) => {
        const at = (base + k) * edgeFields;
        const type = edgeTypes[edges[at + edgeTypeAt]!] ?? '?';
        const nameOrIndex = edges[at + edgeNameAt]!;
        return {
          type,
          name: type === 'element' || type === 'hidden' ? String(nameOrIndex) : (strings[nameOrIndex] ?? ''),
          to: target(edges[at + edgeToAt]!),
        };
      },
    });
    firstEdge += edgeCount;
  }
}
