import type { LwM2mNode } from '../../model/node.js';
import { MAX_ID } from '../../model/path.js';
import type { ResourceValue } from '../../model/resource-type.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function validId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= MAX_ID;
}

function validIds(children: readonly { readonly id: number }[]): boolean {
  if (children.length === 1) return validId(children[0]!.id);
  const seen = new Set<number>();
  for (const { id } of children) {
    if (!validId(id) || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

function validValue(v: ResourceValue): boolean {
  switch (v.type) {
    case 'string':
    case 'corelnk':
      return typeof v.value === 'string';
    case 'integer':
      return typeof v.value === 'bigint'
        ? v.value >= INT64_MIN && v.value <= INT64_MAX
        : Number.isSafeInteger(v.value);
    case 'unsigned':
      return typeof v.value === 'bigint'
        ? v.value >= 0n && v.value <= UINT64_MAX
        : Number.isSafeInteger(v.value) && v.value >= 0;
    case 'float':
      return typeof v.value === 'number';
    case 'boolean':
      return typeof v.value === 'boolean';
    case 'opaque':
      return v.value instanceof Uint8Array;
    case 'time':
      return v.value instanceof Date && !Number.isNaN(v.value.getTime());
    case 'objlnk': {
      const { objectId, instanceId } = v.value;
      return (
        Number.isInteger(objectId) &&
        Number.isInteger(instanceId) &&
        objectId >= 0 &&
        objectId <= 65535 &&
        instanceId >= 0 &&
        instanceId <= 65535
      );
    }
    case 'none':
      return v.value === null;
    default:
      return false;
  }
}

/**
 * A fast, allocation-light pass over the same rules as the model's `assertValidNode` (ids in range
 * and unique among siblings, instances of a multiple resource of its type, values valid for their
 * type). True means certainly valid; on false, callers run `assertValidNode` for its exact error.
 * It exists for the encoders' hot path: `assertValidNode` converts every Integer to a bigint.
 */
export function looksValid(node: LwM2mNode): boolean {
  if (!validId(node.id)) return false;
  switch (node.kind) {
    case 'object':
      return validIds(node.instances) && node.instances.every(looksValid);
    case 'instance':
      return validIds(node.resources) && node.resources.every(looksValid);
    case 'multiple-resource':
      return (
        validIds(node.instances) &&
        node.instances.every((ri) => ri.value.type === node.type && validValue(ri.value))
      );
    default:
      return validValue(node.value);
  }
}
