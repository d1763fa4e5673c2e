import type { LwM2mNode } from './node.js';
import type { ResourceValue } from './resource-type.js';
import { formatObjectLink, timeToSeconds } from './value.js';

export type ValueJson = string | number | boolean | null;

/** A JSON-safe rendering of a value: bigints as decimal strings, opaque as hex, time as ISO-8601. */
export function valueToJson(v: ResourceValue): ValueJson {
  switch (v.type) {
    case 'integer':
    case 'unsigned':
      return typeof v.value === 'bigint' ? v.value.toString() : v.value;
    case 'opaque':
      return Buffer.from(v.value).toString('hex');
    case 'time':
      return Number.isNaN(v.value.getTime()) ? null : `${v.value.toISOString()} (${timeToSeconds(v.value)})`;
    case 'objlnk':
      return formatObjectLink(v.value);
    case 'float':
      return Number.isFinite(v.value) ? v.value : String(v.value);
    default:
      return v.value;
  }
}

export type NodeJson =
  | { object: number; instances: NodeJson[] }
  | { instance: number; resources: NodeJson[] }
  | { resource: number; type: string; value: ValueJson }
  | { resource: number; type: string; instances: { [id: string]: ValueJson } }
  | { resourceInstance: number; type: string; value: ValueJson };

/** A readable, JSON-safe view of a node tree for logs and CLIs (not a wire format). */
export function nodeToJson(n: LwM2mNode): NodeJson {
  switch (n.kind) {
    case 'object':
      return { object: n.id, instances: n.instances.map(nodeToJson) };
    case 'instance':
      return { instance: n.id, resources: n.resources.map(nodeToJson) };
    case 'resource':
      return { resource: n.id, type: n.value.type, value: valueToJson(n.value) };
    case 'multiple-resource':
      return {
        resource: n.id,
        type: n.type,
        instances: Object.fromEntries(n.instances.map((ri) => [String(ri.id), valueToJson(ri.value)])),
      };
    case 'resource-instance':
      return { resourceInstance: n.id, type: n.value.type, value: valueToJson(n.value) };
  }
}
