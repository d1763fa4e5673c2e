import { CodedError } from '@lwm2m-adapters/errors';
import type {
  LwM2mNode,
  MultipleResourceNode,
  ObjectInstanceNode,
  PathNode,
  ResourceInstanceNode,
  ResourceNode,
} from '../../model/node.js';
import { LwM2mPath } from '../../model/path.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import type { ResolvedRecord } from './senml-resolver.js';
import { guessType, type SenmlValue, typedValue, unifyTypes } from './senml-value.js';

/** What turning resolved records back into nodes needs. */
export interface GroupContext {
  readonly model: ObjectModel;
  readonly format: string;
  /** Type guess for resources the model does not know (see `guessType`). */
  readonly wholeNumbersAreIntegers: boolean;
}

function duplicate(path: LwM2mPath, ctx: GroupContext): CodedError {
  return new CodedError('CODEC_MALFORMED', `${ctx.format} payload has more than one record for ${path}`, {
    details: { path: path.toString() },
  });
}

function missing(path: LwM2mPath, ctx: GroupContext): CodedError {
  return new CodedError('CODEC_MALFORMED', `${ctx.format} payload has no value for ${path}`, {
    details: { path: path.toString() },
  });
}

/** `isInstance`: the record names an instance of a single resource; else a multiple resource without instance id. */
function multiplicity(path: LwM2mPath, isInstance: boolean, ctx: GroupContext): CodedError {
  const what = isInstance
    ? 'names an instance of a single resource'
    : 'names a multiple resource without an instance id';
  return new CodedError('CODEC_TYPE_MISMATCH', `${ctx.format}: ${path} ${what}`, {
    details: { path: path.toString() },
  });
}

function recordValue(entry: ResolvedRecord): SenmlValue {
  // Resolved in `values` mode: every record has a value.
  return entry.value!;
}

/**
 * The node of one record at its own path: a single resource for a 3-level name, a resource
 * instance for a 4-level name; the model's multiplicity must agree.
 */
export function recordNode(entry: ResolvedRecord, ctx: GroupContext): LwM2mNode {
  const { path } = entry;
  const definition = ctx.model.getResource(path.objectId!, path.resourceId!);
  const isInstance = path.level === 'resource-instance';
  if (definition !== undefined && definition.multiple !== isInstance)
    throw multiplicity(path, isInstance, ctx);
  const value = recordValue(entry);
  const typed = typedValue(value, definition?.type ?? guessType(value, ctx.wholeNumbersAreIntegers), path);
  return isInstance
    ? { kind: 'resource-instance', id: path.resourceInstanceId!, value: typed }
    : { kind: 'resource', id: path.resourceId!, value: typed };
}

function groupBy(
  entries: readonly ResolvedRecord[],
  key: (p: LwM2mPath) => number,
): Map<number, ResolvedRecord[]> {
  const groups = new Map<number, ResolvedRecord[]>();
  for (const entry of entries) {
    const k = key(entry.path);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [entry]);
    else group.push(entry);
  }
  return groups;
}

/** The resource `resourceId` of `parent` (an instance path), from its records. */
function resourceNode(
  parent: LwM2mPath,
  resourceId: number,
  entries: readonly ResolvedRecord[],
  ctx: GroupContext,
): ResourceNode {
  const definition = ctx.model.getResource(parent.objectId!, resourceId);
  const first = entries[0];
  if (first === undefined) {
    if (definition?.multiple === true) {
      return { kind: 'multiple-resource', id: resourceId, type: definition.type, instances: [] };
    }
    throw missing(parent.child(resourceId), ctx);
  }
  const multiple = definition?.multiple ?? first.path.level === 'resource-instance';
  if (!multiple) {
    if (entries.length > 1) throw duplicate(first.path, ctx);
    if (first.path.level !== 'resource') throw multiplicity(first.path, true, ctx);
    const value = recordValue(first);
    const type = definition?.type ?? guessType(value, ctx.wholeNumbersAreIntegers);
    return { kind: 'resource', id: resourceId, value: typedValue(value, type, first.path) };
  }
  const seen = new Set<number>();
  for (const entry of entries) {
    if (entry.path.level !== 'resource-instance') throw multiplicity(entry.path, false, ctx);
    const id = entry.path.resourceInstanceId!;
    if (seen.has(id)) throw duplicate(entry.path, ctx);
    seen.add(id);
  }
  const type =
    definition?.type ??
    unifyTypes(
      entries.map((e) => guessType(recordValue(e), ctx.wholeNumbersAreIntegers)),
      parent.child(resourceId),
    );
  const instances: ResourceInstanceNode[] = entries.map((e) => ({
    kind: 'resource-instance',
    id: e.path.resourceInstanceId!,
    value: typedValue(recordValue(e), type, e.path),
  }));
  const node: MultipleResourceNode = { kind: 'multiple-resource', id: resourceId, type, instances };
  return node;
}

function instanceNode(
  path: LwM2mPath,
  entries: readonly ResolvedRecord[],
  ctx: GroupContext,
): ObjectInstanceNode {
  const resources: ResourceNode[] = [];
  for (const [resourceId, group] of groupBy(entries, (p) => p.resourceId!)) {
    resources.push(resourceNode(path, resourceId, group, ctx));
  }
  return { kind: 'instance', id: path.instanceId!, resources };
}

/**
 * The node at `path` made of `entries` (all at or below it). Resources that the model declares
 * multiple become multiple-resource nodes; unknown resources are multiple when named with 4 levels.
 * An empty payload gives an empty object/instance, or an empty multiple resource.
 */
export function nodeAt(path: LwM2mPath, entries: readonly ResolvedRecord[], ctx: GroupContext): LwM2mNode {
  switch (path.level) {
    case 'object':
      return {
        kind: 'object',
        id: path.objectId!,
        instances: [...groupBy(entries, (p) => p.instanceId!)].map(([instanceId, group]) =>
          instanceNode(path.child(instanceId), group, ctx),
        ),
      };
    case 'instance':
      return instanceNode(path, entries, ctx);
    case 'resource':
      return resourceNode(path.parent(), path.resourceId!, entries, ctx);
    case 'resource-instance': {
      const [entry, extra] = entries;
      if (entry === undefined) throw missing(path, ctx);
      if (extra !== undefined) throw duplicate(path, ctx);
      return recordNode(entry, ctx);
    }
    case 'root':
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `${ctx.format}: no single node sits at the root path`);
  }
}

function outside(entry: ResolvedRecord, where: string, ctx: GroupContext): CodedError {
  return new CodedError(
    'CODEC_PATH_MISMATCH',
    `${ctx.format}: record ${entry.index} (${entry.path}) is outside ${where}`,
    {
      details: { record: entry.index, path: entry.path.toString() },
    },
  );
}

/** `path` equals `base` or lies below it (LwM2mPath.startsWith, without its allocations). */
function isUnder(path: LwM2mPath, base: LwM2mPath): boolean {
  return (
    path.prefix === base.prefix &&
    (base.objectId === undefined ||
      (path.objectId === base.objectId &&
        (base.instanceId === undefined ||
          (path.instanceId === base.instanceId &&
            (base.resourceId === undefined ||
              (path.resourceId === base.resourceId &&
                (base.resourceInstanceId === undefined ||
                  path.resourceInstanceId === base.resourceInstanceId)))))))
  );
}

/** Checks that every record lies at or below `path`. */
export function assertAllUnder(path: LwM2mPath, entries: readonly ResolvedRecord[], ctx: GroupContext): void {
  for (const entry of entries) {
    if (!isUnder(entry.path, path)) throw outside(entry, path.toString(), ctx);
  }
}

/**
 * Groups records under the request paths (first path that contains a record wins) and builds one
 * node per path that has records, in request order. A root path ("/" or "/dev0") yields one object
 * node per object. A record outside every path is CODEC_PATH_MISMATCH.
 */
export function groupByPaths(
  entries: readonly ResolvedRecord[],
  paths: readonly LwM2mPath[],
  ctx: GroupContext,
): PathNode[] {
  const buckets: ResolvedRecord[][] = paths.map(() => []);
  for (const entry of entries) {
    const i = paths.findIndex((p) => isUnder(entry.path, p));
    if (i < 0) throw outside(entry, 'every requested path', ctx);
    buckets[i]!.push(entry);
  }
  const out: PathNode[] = [];
  paths.forEach((path, i) => {
    const bucket = buckets[i]!;
    if (bucket.length === 0) return;
    if (path.level !== 'root') {
      out.push({ path, node: nodeAt(path, bucket, ctx) });
      return;
    }
    for (const [objectId, group] of groupBy(bucket, (p) => p.objectId!)) {
      const objectPath = new LwM2mPath({ prefix: path.prefix, objectId });
      out.push({ path: objectPath, node: nodeAt(objectPath, group, ctx) });
    }
  });
  return out;
}

/** One node per record at the record's own path; a path named twice is CODEC_MALFORMED. */
export function groupByRecord(entries: readonly ResolvedRecord[], ctx: GroupContext): PathNode[] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    const key = entry.path.toString();
    if (seen.has(key)) throw duplicate(entry.path, ctx);
    seen.add(key);
    return { path: entry.path, node: recordNode(entry, ctx) };
  });
}
