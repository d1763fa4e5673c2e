import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath } from './path.js';
import type { ResourceType, ResourceValue } from './resource-type.js';
import { assertValidValue, valuesEqual } from './value.js';

/**
 * The LwM2M node tree. Children are kept in arrays in the order given (codecs preserve it);
 * ids among siblings are unique (checked by the constructors below and by `assertValidNode`).
 */
export interface ResourceInstanceNode {
  readonly kind: 'resource-instance';
  readonly id: number;
  readonly value: ResourceValue;
}

export interface SingleResourceNode {
  readonly kind: 'resource';
  readonly id: number;
  readonly value: ResourceValue;
}

export interface MultipleResourceNode {
  readonly kind: 'multiple-resource';
  readonly id: number;
  /** The type every instance has. */
  readonly type: ResourceType;
  readonly instances: readonly ResourceInstanceNode[];
}

export type ResourceNode = SingleResourceNode | MultipleResourceNode;

export interface ObjectInstanceNode {
  readonly kind: 'instance';
  readonly id: number;
  readonly resources: readonly ResourceNode[];
}

export interface ObjectNode {
  readonly kind: 'object';
  readonly id: number;
  readonly instances: readonly ObjectInstanceNode[];
}

export type LwM2mNode = ObjectNode | ObjectInstanceNode | ResourceNode | ResourceInstanceNode;
export type NodeKind = LwM2mNode['kind'];

/** A node together with the path it was read from or is written to. */
export interface PathNode {
  readonly path: LwM2mPath;
  readonly node: LwM2mNode;
}

/** A node with the time its value was taken (Send, historical notifications). */
export interface TimestampedPathNode extends PathNode {
  /** Undefined means "now" (SenML record without a time). */
  readonly timestamp: Date | undefined;
}

function uniqueIds(children: readonly { id: number }[], what: string): void {
  const seen = new Set<number>();
  for (const c of children) {
    if (seen.has(c.id)) throw new CodedError('NODE_INVALID', `duplicate ${what} id ${c.id}`);
    seen.add(c.id);
  }
}

export const node = {
  object(id: number, instances: readonly ObjectInstanceNode[]): ObjectNode {
    uniqueIds(instances, 'object instance');
    return { kind: 'object', id, instances };
  },
  instance(id: number, resources: readonly ResourceNode[]): ObjectInstanceNode {
    uniqueIds(resources, 'resource');
    return { kind: 'instance', id, resources };
  },
  resource(id: number, value: ResourceValue): SingleResourceNode {
    return { kind: 'resource', id, value };
  },
  multiple(id: number, type: ResourceType, instances: readonly ResourceInstanceNode[]): MultipleResourceNode {
    uniqueIds(instances, 'resource instance');
    for (const ri of instances) {
      if (ri.value.type !== type) {
        throw new CodedError(
          'NODE_INVALID',
          `resource ${id} instance ${ri.id} is ${ri.value.type}, expected ${type}`,
        );
      }
    }
    return { kind: 'multiple-resource', id, type, instances };
  },
  resourceInstance(id: number, value: ResourceValue): ResourceInstanceNode {
    return { kind: 'resource-instance', id, value };
  },
} as const;

/** Which node kinds a path level can address. */
export function nodeKindsForPath(path: LwM2mPath): readonly NodeKind[] {
  switch (path.level) {
    case 'root':
      return [];
    case 'object':
      return ['object'];
    case 'instance':
      return ['instance'];
    case 'resource':
      return ['resource', 'multiple-resource'];
    case 'resource-instance':
      return ['resource-instance'];
  }
}

/** Checks ids, nesting, uniqueness and value types of a whole tree. */
export function assertValidNode(n: LwM2mNode): void {
  const checkId = (id: number) => {
    if (!Number.isInteger(id) || id < 0 || id > 65534) {
      throw new CodedError('NODE_INVALID', `node id ${id} is out of range 0..65534`);
    }
  };
  checkId(n.id);
  switch (n.kind) {
    case 'object':
      uniqueIds(n.instances, 'object instance');
      n.instances.forEach(assertValidNode);
      return;
    case 'instance':
      uniqueIds(n.resources, 'resource');
      n.resources.forEach(assertValidNode);
      return;
    case 'multiple-resource':
      uniqueIds(n.instances, 'resource instance');
      for (const ri of n.instances) {
        assertValidNode(ri);
        if (ri.value.type !== n.type) {
          throw new CodedError(
            'NODE_INVALID',
            `resource ${n.id} instance ${ri.id} is ${ri.value.type}, expected ${n.type}`,
          );
        }
      }
      return;
    default:
      assertValidValue(n.value);
  }
}

/** Structural equality of two trees (child order matters). */
export function nodesEqual(a: LwM2mNode, b: LwM2mNode): boolean {
  if (a.kind !== b.kind || a.id !== b.id) return false;
  switch (a.kind) {
    case 'object': {
      const bi = (b as ObjectNode).instances;
      return a.instances.length === bi.length && a.instances.every((x, i) => nodesEqual(x, bi[i]!));
    }
    case 'instance': {
      const br = (b as ObjectInstanceNode).resources;
      return a.resources.length === br.length && a.resources.every((x, i) => nodesEqual(x, br[i]!));
    }
    case 'multiple-resource': {
      const bm = b as MultipleResourceNode;
      return (
        a.type === bm.type &&
        a.instances.length === bm.instances.length &&
        a.instances.every((x, i) => nodesEqual(x, bm.instances[i]!))
      );
    }
    default:
      return valuesEqual(a.value, (b as SingleResourceNode | ResourceInstanceNode).value);
  }
}
