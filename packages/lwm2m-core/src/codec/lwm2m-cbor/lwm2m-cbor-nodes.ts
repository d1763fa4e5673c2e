import { CodedError } from '@lwm2m-adapters/errors';
import type {
  LwM2mNode,
  ObjectInstanceNode,
  ObjectNode,
  PathNode,
  ResourceInstanceNode,
  ResourceNode,
} from '../../model/node.js';
import { LwM2mPath } from '../../model/path.js';
import type { ResourceType } from '../../model/resource-type.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import { type CborEntry, type CborPath, cborPathText } from './lwm2m-cbor-entries.js';
import { guessLeafType, leafToValue, unifyGuessedTypes } from './lwm2m-cbor-values.js';

/**
 * Type of the (empty) multiple resource when the model does not know the resource: there is no
 * value to guess from.
 */
const UNKNOWN_EMPTY_TYPE: ResourceType = 'opaque';

export function toCborPath(path: LwM2mPath): CborPath {
  const ids = [path.objectId, path.instanceId, path.resourceId, path.resourceInstanceId].filter(
    (id): id is number => id !== undefined,
  );
  return { prefix: path.prefix, ids };
}

/** Ids and prefix were validated while flattening, so this cannot throw. */
function toLwM2mPath(p: CborPath): LwM2mPath {
  const [objectId, instanceId, resourceId, resourceInstanceId] = p.ids;
  return new LwM2mPath({ prefix: p.prefix, objectId, instanceId, resourceId, resourceInstanceId });
}

function isUnder(entry: CborPath, base: CborPath): boolean {
  return (
    entry.prefix === base.prefix &&
    entry.ids.length >= base.ids.length &&
    base.ids.every((id, i) => entry.ids[i] === id)
  );
}

function keyOf(p: CborPath): string {
  return `${p.prefix ?? ''}|${p.ids.join('/')}`;
}

/** Entries by their id at `depth`, in first-appearance order; the container's own empty marker is dropped. */
function childrenAt(entries: readonly CborEntry[], depth: number): Map<number, CborEntry[]> {
  const out = new Map<number, CborEntry[]>();
  for (const e of entries) {
    const id = e.ids[depth];
    if (id === undefined) continue;
    const list = out.get(id);
    if (list === undefined) out.set(id, [e]);
    else list.push(e);
  }
  return out;
}

function typeMismatch(message: string, where: CborPath): CodedError {
  return new CodedError('CODEC_TYPE_MISMATCH', message, { details: { path: cborPathText(where) } });
}

function noValue(where: CborPath): CodedError {
  return new CodedError('CODEC_MALFORMED', `LwM2M CBOR payload holds no value for ${cborPathText(where)}`, {
    details: { path: cborPathText(where) },
  });
}

class NodeBuilder {
  constructor(private readonly model: ObjectModel) {}

  build(at: CborPath, entries: readonly CborEntry[]): LwM2mNode {
    const [objectId, instanceId, resourceId, resourceInstanceId] = at.ids;
    if (objectId === undefined) {
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `no single node lives at ${cborPathText(at)}`);
    }
    if (instanceId === undefined) return this.object(at, objectId, entries);
    if (resourceId === undefined) return this.instance(at, objectId, instanceId, entries);
    if (resourceInstanceId === undefined) return this.resource(at, objectId, resourceId, entries);
    return this.resourceInstance(at, objectId, resourceId, resourceInstanceId, entries);
  }

  private object(at: CborPath, objectId: number, entries: readonly CborEntry[]): ObjectNode {
    const instances = [...childrenAt(entries, 1)].map(([iid, list]) =>
      this.instance({ prefix: at.prefix, ids: [objectId, iid] }, objectId, iid, list),
    );
    return { kind: 'object', id: objectId, instances };
  }

  private instance(
    at: CborPath,
    objectId: number,
    instanceId: number,
    entries: readonly CborEntry[],
  ): ObjectInstanceNode {
    const resources = [...childrenAt(entries, 2)].map(([rid, list]) =>
      this.resource({ prefix: at.prefix, ids: [objectId, instanceId, rid] }, objectId, rid, list),
    );
    return { kind: 'instance', id: instanceId, resources };
  }

  private resource(
    at: CborPath,
    objectId: number,
    resourceId: number,
    entries: readonly CborEntry[],
  ): ResourceNode {
    const def = this.model.getResource(objectId, resourceId);
    const where = cborPathText(at);
    const own = entries.length === 1 && entries[0]?.ids.length === 3 ? entries[0] : undefined;
    if (own?.content.kind === 'leaf') {
      if (def?.multiple === true) {
        throw typeMismatch(`${where} is a multiple resource and needs a map of resource instances`, at);
      }
      const type = def?.type ?? guessLeafType(own.content.item, where);
      return { kind: 'resource', id: resourceId, value: leafToValue(own.content.item, type, where) };
    }
    if (def !== undefined && !def.multiple) {
      if (entries.length === 0) throw noValue(at);
      throw typeMismatch(`${where} is a single resource and needs a value, not a map`, at);
    }
    if (entries.length === 0 && def === undefined) throw noValue(at);
    // Distinct paths guarantee: an empty marker is alone, otherwise every entry is a leaf at /o/i/r/ri.
    const leaves = entries.flatMap((e) => {
      const riid = e.ids[3];
      return e.content.kind === 'leaf' && riid !== undefined ? [{ riid, item: e.content.item }] : [];
    });
    const type =
      def?.type ??
      (leaves.length === 0
        ? UNKNOWN_EMPTY_TYPE
        : unifyGuessedTypes(
            leaves.map((l) => guessLeafType(l.item, `${where}/${l.riid}`)),
            where,
          ));
    const instances = leaves.map(
      ({ riid, item }): ResourceInstanceNode => ({
        kind: 'resource-instance',
        id: riid,
        value: leafToValue(item, type, `${where}/${riid}`),
      }),
    );
    return { kind: 'multiple-resource', id: resourceId, type, instances };
  }

  private resourceInstance(
    at: CborPath,
    objectId: number,
    resourceId: number,
    resourceInstanceId: number,
    entries: readonly CborEntry[],
  ): ResourceInstanceNode {
    const def = this.model.getResource(objectId, resourceId);
    const where = cborPathText(at);
    const own = entries[0];
    if (own === undefined || own.content.kind !== 'leaf') throw noValue(at);
    if (def !== undefined && !def.multiple) {
      throw typeMismatch(`${where}: resource /${objectId}/x/${resourceId} is single-instance`, at);
    }
    const type = def?.type ?? guessLeafType(own.content.item, where);
    return {
      kind: 'resource-instance',
      id: resourceInstanceId,
      value: leafToValue(own.content.item, type, where),
    };
  }
}

function pathMismatch(entry: CborEntry, expected: string): CodedError {
  return new CodedError(
    'CODEC_PATH_MISMATCH',
    `LwM2M CBOR payload holds ${cborPathText(entry)}, outside the requested ${expected}`,
    { details: { path: cborPathText(entry), requested: expected } },
  );
}

/** The node at `path` (not root): every entry must lie at or below it. */
export function nodeAtPath(entries: readonly CborEntry[], path: LwM2mPath, model: ObjectModel): LwM2mNode {
  const base = toCborPath(path);
  if (base.ids.length === 0) {
    throw new CodedError(
      'CODEC_UNSUPPORTED_FORMAT',
      `no single node lives at ${path}; decode several nodes instead`,
      {
        details: { path: path.toString() },
      },
    );
  }
  const outside = entries.find((e) => !isUnder(e, base));
  if (outside !== undefined) throw pathMismatch(outside, path.toString());
  return new NodeBuilder(model).build(base, entries);
}

/** keyOf() of the path and of each of its ancestors, root first. */
function ancestorKeys(p: CborPath): string[] {
  let key = `${p.prefix ?? ''}|`;
  const keys = [key];
  p.ids.forEach((id, i) => {
    key = i === 0 ? `${key}${id}` : `${key}/${id}`;
    keys.push(key);
  });
  return keys;
}

/** Top-level keys as groups; a key below another top-level key joins that one. */
function topLevelGroups(entries: readonly CborEntry[]): CborPath[] {
  const distinct = new Map<string, CborPath>();
  for (const e of entries) distinct.set(keyOf(e.top), e.top);
  return [...distinct.values()].filter(
    (p) =>
      !ancestorKeys(p)
        .slice(0, -1)
        .some((k) => distinct.has(k)),
  );
}

/** Object ids per gateway prefix, in first-appearance order. */
function objectsByPrefix(entries: readonly CborEntry[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const e of entries) {
    const oid = e.ids[0];
    const prefixKey = e.prefix ?? '';
    if (oid === undefined || seen.has(`${prefixKey}|${oid}`)) continue;
    seen.add(`${prefixKey}|${oid}`);
    const list = out.get(prefixKey);
    if (list === undefined) out.set(prefixKey, [oid]);
    else list.push(oid);
  }
  return out;
}

/**
 * Groups entries by the requested paths (best effort: a path with no content is left out), or by
 * the payload's own top-level keys when none are given. A root-level group (`/`, or a bare gateway
 * prefix) becomes one group per object below it. Content outside every requested path is a
 * CODEC_PATH_MISMATCH. Runs in O(entries x depth).
 */
export function groupNodes(
  entries: readonly CborEntry[],
  paths: readonly LwM2mPath[] | undefined,
  model: ObjectModel,
): PathNode[] {
  const requested = paths === undefined ? topLevelGroups(entries) : paths.map(toCborPath);
  const objects = objectsByPrefix(entries);
  const groups = new Map<string, { readonly path: CborPath; readonly members: CborEntry[] }>();
  const addGroup = (path: CborPath) => {
    if (!groups.has(keyOf(path))) groups.set(keyOf(path), { path, members: [] });
  };
  for (const p of requested) {
    if (p.ids.length > 0) addGroup(p);
    else for (const oid of objects.get(p.prefix ?? '') ?? []) addGroup({ prefix: p.prefix, ids: [oid] });
  }
  for (const e of entries) {
    let covered = false;
    for (const key of ancestorKeys(e)) {
      const group = groups.get(key);
      if (group === undefined) continue;
      group.members.push(e);
      covered = true;
    }
    if (!covered) {
      throw pathMismatch(e, paths?.map((p) => p.toString()).join(', ') || 'paths');
    }
  }
  const builder = new NodeBuilder(model);
  return [...groups.values()]
    .filter((g) => g.members.length > 0)
    .map((g) => ({ path: toLwM2mPath(g.path), node: builder.build(g.path, g.members) }));
}
