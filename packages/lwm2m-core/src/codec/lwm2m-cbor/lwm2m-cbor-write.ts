import { CodedError } from '@lwm2m-adapters/errors';
import { encode } from 'cbor2';
import { assertValidNode, type LwM2mNode, type PathNode, type ResourceNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import { CborMap } from '../cbor/cbor-map.js';
import { assertModelResource, assertNodeAtPath } from '../encode-checks.js';
import { valueToItem } from './lwm2m-cbor-values.js';

/**
 * Encoding layout (deterministic, the shape Anjay writes): one top-level key per written path —
 * a bare object id for `/o`, otherwise an array `[prefix?, o, i, r, ri]` — then one nested map per
 * level below it, keyed by plain ids, children in node order. Examples:
 *   Read /3303   -> {3303: {0: {5700: 22.5}}}
 *   Read /dev1/3303/0 -> {["dev1", 3303, 0]: {5700: 22.5, 5701: "Cel"}}
 *   Read /3/0/7  -> {[3, 0, 7]: {0: 3800, 1: 5000}}
 * Empty objects, instances and multiple resources are empty maps.
 */
function topLevelKey(path: LwM2mPath): number | (string | number)[] {
  const ids = [path.objectId, path.instanceId, path.resourceId, path.resourceInstanceId].filter(
    (id): id is number => id !== undefined,
  );
  if (path.prefix === undefined && ids.length === 1 && ids[0] !== undefined) return ids[0];
  return path.prefix === undefined ? ids : [path.prefix, ...ids];
}

function resourceItem(objectId: number, r: ResourceNode, model: ObjectModel): unknown {
  if (r.kind === 'resource') {
    assertModelResource(model, objectId, r.id, r.value.type, false);
    return valueToItem(r.value);
  }
  assertModelResource(model, objectId, r.id, r.type, true);
  return new CborMap(r.instances.map((ri) => [ri.id, valueToItem(ri.value)] as const));
}

function nodeItem(n: LwM2mNode, path: LwM2mPath, model: ObjectModel): unknown {
  const objectId = path.objectId ?? 0;
  switch (n.kind) {
    case 'object':
      return new CborMap(
        n.instances.map(
          (i) =>
            [
              i.id,
              new CborMap(i.resources.map((r) => [r.id, resourceItem(objectId, r, model)] as const)),
            ] as const,
        ),
      );
    case 'instance':
      return new CborMap(n.resources.map((r) => [r.id, resourceItem(objectId, r, model)] as const));
    case 'resource':
    case 'multiple-resource':
      return resourceItem(objectId, n, model);
    case 'resource-instance':
      if (path.resourceId !== undefined)
        assertModelResource(model, objectId, path.resourceId, n.value.type, undefined);
      return valueToItem(n.value);
  }
}

function ancestors(path: LwM2mPath): string[] {
  const out: string[] = [];
  for (let p = path.parent(); !p.equals(path) && !p.isRoot; p = p.parent()) out.push(p.toString());
  return out;
}

/** Two written paths must not overlap (equal, or one below the other): the payload would repeat content. */
function assertNoOverlap(nodes: readonly PathNode[]): void {
  const written = new Set<string>();
  const inner = new Set<string>();
  for (const { path } of nodes) {
    const text = path.toString();
    const above = ancestors(path);
    const clash = written.has(text) || inner.has(text) ? text : above.find((a) => written.has(a));
    if (clash !== undefined) {
      throw new CodedError('NODE_INVALID', `LwM2M CBOR cannot write ${path}: it overlaps ${clash}`, {
        details: { path: text, overlaps: clash },
      });
    }
    written.add(text);
    for (const a of above) inner.add(a);
  }
}

/** Encodes path/node pairs as one LwM2M CBOR map (layout above). */
export function writePayload(nodes: readonly PathNode[], model: ObjectModel): Uint8Array {
  assertNoOverlap(nodes);
  const top: (readonly [unknown, unknown])[] = [];
  for (const { path, node } of nodes) {
    if (path.isRoot) {
      throw new CodedError('NODE_INVALID', `LwM2M CBOR cannot write a node at the root path ${path}`, {
        details: { path: path.toString() },
      });
    }
    assertNodeAtPath(node, path);
    assertValidNode(node);
    top.push([topLevelKey(path), nodeItem(node, path, model)]);
  }
  return encode(new CborMap(top));
}
