import { CodedError } from '@lwm2m-adapters/errors';
import {
  type LwM2mNode,
  LwM2mPath,
  type MultipleResourceNode,
  node,
  type ObjectInstanceNode,
  type ObjectModel,
  type ResourceDefinition,
  type ResourceInstanceNode,
  type ResourceNode,
  type ResourceType,
} from '@lwm2m-adapters/lwm2m-core';
import { type JsonScalar, type ValueEntry, valueFromJson, valueToJson } from './value-json.js';

/**
 * The flat JSON form of a node read from (or notified for) `path`: one entry per resource value,
 * in the node's order, with full paths in the namespace of `path` (its prefix kept). A multiple
 * resource gives one entry per instance (`/3/0/7/0`, `/3/0/7/1`); one with no instances gives none.
 */
export function nodeToEntries(n: LwM2mNode, path: LwM2mPath): ValueEntry[] {
  const out: ValueEntry[] = [];
  const prefix = path.prefix === undefined ? '' : `/${path.prefix}`;
  const objectId = path.objectId;
  const base =
    n.kind === 'object'
      ? prefix
      : n.kind === 'instance'
        ? `${prefix}/${objectId}`
        : n.kind === 'resource-instance'
          ? `${prefix}/${objectId}/${path.instanceId}/${path.resourceId}`
          : `${prefix}/${objectId}/${path.instanceId}`;
  walk(n, base, out);
  return out;
}

function walk(n: LwM2mNode, parent: string, out: ValueEntry[]): void {
  const at = `${parent}/${n.id}`;
  switch (n.kind) {
    case 'object':
      for (const instance of n.instances) walk(instance, at, out);
      return;
    case 'instance':
      for (const resource of n.resources) walk(resource, at, out);
      return;
    case 'multiple-resource':
      for (const ri of n.instances) walk(ri, at, out);
      return;
    default:
      out.push({ path: at, type: n.value.type, value: valueToJson(n.value) });
  }
}

/** A value to write as the API takes it: the type may be left out when the object model knows it. */
export interface ValueEntryInput {
  /** Absolute ("/3/0/14", in the request's namespace) or relative to the target path ("14"). */
  readonly path: string;
  readonly type?: ResourceType | undefined;
  readonly value: JsonScalar;
}

/** How the values of one client are typed: its object model and the object versions it registered. */
export interface ValueTyping {
  readonly model: ObjectModel;
  /** The version of an object the client registered (`ver`), if it named one. */
  versionOf(objectId: number): string | undefined;
}

interface TypedEntry {
  readonly path: LwM2mPath;
  readonly text: string;
  readonly input: ValueEntryInput;
}

function invalid(message: string, details: Record<string, unknown>): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', message, { details });
}

function resolvePath(entry: ValueEntryInput, target: LwM2mPath): LwM2mPath {
  const text = entry.path.startsWith('/')
    ? entry.path
    : `${target.toString() === '/' ? '' : target.toString()}/${entry.path}`;
  let path: LwM2mPath;
  try {
    path = LwM2mPath.parse(text);
  } catch (error) {
    throw invalid(`${entry.path}: ${error instanceof Error ? error.message : 'not an LwM2M path'}`, {
      path: entry.path,
    });
  }
  const t = target;
  const under =
    path.prefix === t.prefix &&
    (t.objectId === undefined || path.objectId === t.objectId) &&
    (t.instanceId === undefined || path.instanceId === t.instanceId) &&
    (t.resourceId === undefined || path.resourceId === t.resourceId) &&
    (t.resourceInstanceId === undefined || path.resourceInstanceId === t.resourceInstanceId);
  if (!under) throw invalid(`${path} is not at or below the target ${t}`, { path: path.toString() });
  if (path.resourceId === undefined) {
    throw invalid(`${path}: a value belongs to a resource or resource instance path`, {
      path: path.toString(),
    });
  }
  return path;
}

/**
 * Builds the node to write at `target` (an object instance, a resource or a resource instance; an
 * object for Create-like use) from flat entries. Each value's type comes from the object model
 * (for the version the client registered); an entry may name the type only to confirm it, and must
 * name it for a resource the model does not know. A multiple resource is written with its
 * instances (`/o/i/r/ri` entries). Throws WRITE_VALUE_INVALID (path, expected type and range).
 */
export function entriesToNode(
  entries: readonly ValueEntryInput[],
  target: LwM2mPath,
  typing: ValueTyping,
): LwM2mNode {
  if (target.objectId === undefined) throw invalid('a write needs an object path', { path: '/' });
  if (entries.length === 0) throw invalid(`no values to write at ${target}`, { path: target.toString() });
  const typed: TypedEntry[] = entries.map((input) => {
    const path = resolvePath(input, target);
    return { path, text: path.toString(), input };
  });
  const seen = new Set<string>();
  for (const e of typed) {
    if (seen.has(e.text)) throw invalid(`${e.text} is given twice`, { path: e.text });
    seen.add(e.text);
  }
  const objectId = target.objectId;
  switch (target.level) {
    case 'resource-instance': {
      const [only] = typed;
      if (typed.length !== 1 || only === undefined)
        throw invalid(`${target}: give one value`, { path: target.toString() });
      const def = definition(typing, objectId, target.resourceId as number);
      return node.resourceInstance(
        target.resourceInstanceId as number,
        valueFromJson(only.input.value, typeOf(only, def), only.text, def),
      );
    }
    case 'resource':
      return resourceNode(typed, target.resourceId as number, objectId, typing);
    case 'instance':
      return instanceNode(typed, target.instanceId as number, objectId, typing);
    default: {
      const byInstance = group(typed, (e) => e.path.instanceId as number);
      return node.object(
        objectId,
        [...byInstance].map(([id, list]) => instanceNode(list, id, objectId, typing)),
      );
    }
  }
}

function instanceNode(
  entries: readonly TypedEntry[],
  instanceId: number,
  objectId: number,
  typing: ValueTyping,
): ObjectInstanceNode {
  const byResource = group(entries, (e) => e.path.resourceId as number);
  return node.instance(
    instanceId,
    [...byResource].map(([id, list]) => resourceNode(list, id, objectId, typing)),
  );
}

function resourceNode(
  entries: readonly TypedEntry[],
  resourceId: number,
  objectId: number,
  typing: ValueTyping,
): ResourceNode {
  const def = definition(typing, objectId, resourceId);
  const instanceEntries = entries.filter((e) => e.path.resourceInstanceId !== undefined);
  const multiple = def?.multiple ?? instanceEntries.length > 0;
  const first = entries[0] as TypedEntry;
  if (!multiple) {
    if (entries.length !== 1 || instanceEntries.length > 0) {
      const { prefix, instanceId } = first.path;
      const at = new LwM2mPath({ prefix, objectId, instanceId, resourceId }).toString();
      throw invalid(`${at} is a single resource: give one value at ${at}`, { path: at });
    }
    return node.resource(resourceId, valueFromJson(first.input.value, typeOf(first, def), first.text, def));
  }
  if (instanceEntries.length !== entries.length) {
    const single = entries.find((e) => e.path.resourceInstanceId === undefined) as TypedEntry;
    throw invalid(
      `${single.text} is a multiple resource: give its instances as ${single.text}/0, ${single.text}/1, ...`,
      { path: single.text },
    );
  }
  const instances: ResourceInstanceNode[] = instanceEntries.map((e) =>
    node.resourceInstance(
      e.path.resourceInstanceId as number,
      valueFromJson(e.input.value, typeOf(e, def), e.text, def),
    ),
  );
  const type = (instances[0] as ResourceInstanceNode).value.type;
  const mixed = instances.find((ri) => ri.value.type !== type);
  if (mixed !== undefined) {
    throw invalid(`${first.text}: the instances of one resource have one type (${type})`, {
      path: first.text,
    });
  }
  return node.multiple(resourceId, type, instances) satisfies MultipleResourceNode;
}

function definition(
  typing: ValueTyping,
  objectId: number,
  resourceId: number,
): ResourceDefinition | undefined {
  return typing.model.getResource(objectId, resourceId, typing.versionOf(objectId));
}

function typeOf(entry: TypedEntry, def: ResourceDefinition | undefined): ResourceType {
  const given = entry.input.type;
  if (def === undefined) {
    if (given === undefined) {
      throw invalid(`${entry.text}: the object model does not know this resource; give its "type"`, {
        path: entry.text,
      });
    }
    return given;
  }
  if (given !== undefined && given !== def.type) {
    throw invalid(`${entry.text} (${def.name}) is of type ${def.type}, not ${given}`, {
      path: entry.text,
      expected: def.type,
    });
  }
  return def.type;
}

function group<K>(entries: readonly TypedEntry[], key: (e: TypedEntry) => K): Map<K, TypedEntry[]> {
  const out = new Map<K, TypedEntry[]>();
  for (const e of entries) {
    const k = key(e);
    const list = out.get(k);
    if (list === undefined) out.set(k, [e]);
    else list.push(e);
  }
  return out;
}
