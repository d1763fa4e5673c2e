import {
  ContentFormat,
  type LwM2mNode,
  LwM2mPath,
  type PathNode,
  type ResourceNode,
} from '@lwm2m-adapters/lwm2m-core';
import type { ClientDataModel } from '../objects/client-data-model.js';
import { fail, RequestFailure, responseCodeOf } from './request-failure.js';
import type { WritePlan } from './write-plan.js';

/** Formats a composite request body may use: SenML for path lists, plus LwM2M CBOR for values. */
const PATH_LIST_FORMATS = new Set<number>([ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR]);
const COMPOSITE_VALUE_FORMATS = new Set<number>([
  ContentFormat.SENML_JSON,
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
]);

/** Objects a DM server may never touch (Core §6.1.1): Security and OSCORE. */
export function isProtectedPath(path: LwM2mPath): boolean {
  return path.objectId === 0 || path.objectId === 21;
}

function checkFormat(format: number | undefined, allowed: ReadonlySet<number>, what: string): number {
  if (format === undefined) throw fail.badRequest(`${what} needs a Content-Format`);
  if (!allowed.has(format)) throw fail.unsupportedFormat(`${what} does not support content format ${format}`);
  return format;
}

/** The format to answer a composite with: Accept, else the request's format; 4.06 if it cannot carry several paths. */
export function compositeResponseFormat(accept: number | undefined, requestFormat: number): number {
  const format = accept ?? requestFormat;
  if (!COMPOSITE_VALUE_FORMATS.has(format))
    throw fail.notAcceptable(`content format ${format} cannot carry a composite`);
  return format;
}

/**
 * The path list of a Read-/Observe-Composite request. Paths under another listed path are dropped
 * (their values are in the ancestor's), /0 and /21 are 4.01, more than `maxPaths` is 4.00.
 */
export function compositePaths(
  data: ClientDataModel,
  payload: Uint8Array,
  format: number | undefined,
  maxPaths: number,
): LwM2mPath[] {
  const contentFormat = checkFormat(format, PATH_LIST_FORMATS, 'a composite path list');
  const paths = data.root.codecs.decodePaths(payload, contentFormat);
  if (paths.length === 0) throw fail.badRequest('the composite path list is empty');
  if (paths.length > maxPaths) throw fail.badRequest(`more than ${maxPaths} paths in one composite request`);
  if (paths.some(isProtectedPath)) throw fail.unauthorized('/0 and /21 are not accessible to a DM server');
  return paths.filter((p, i) => !paths.some((q, j) => j !== i && p.startsWith(q) && (!q.equals(p) || j < i)));
}

/**
 * Reads composite paths best effort (Core §6.3.8): missing paths are left out. When nothing could
 * be read and some read failed for another reason than 4.04/4.05, that failure answers.
 */
export async function readComposite(data: ClientDataModel, paths: readonly LwM2mPath[]): Promise<PathNode[]> {
  const nodes: PathNode[] = [];
  let failure: unknown;
  for (const path of paths) {
    try {
      if (path.isRoot) {
        const tree = data.treeOf(path);
        for (const objectId of tree.objectIds()) {
          const objectPath = new LwM2mPath({ prefix: path.prefix, objectId });
          if (!isProtectedPath(objectPath))
            nodes.push({ path: objectPath, node: await tree.read(objectPath) });
        }
      } else {
        nodes.push({ path, node: await data.read(path) });
      }
    } catch (error) {
      const code = responseCodeOf(error);
      if (code !== '4.04' && code !== '4.05') failure ??= error;
    }
  }
  if (nodes.length === 0 && failure !== undefined) throw failure;
  return nodes;
}

/** The resource path a decoded Write-Composite node belongs to, and the node(s) for it. */
function resourceNodes(entry: PathNode): { path: LwM2mPath; node: LwM2mNode }[] {
  const { path, node } = entry;
  switch (node.kind) {
    case 'resource':
    case 'multiple-resource':
      return [{ path, node }];
    case 'resource-instance':
      return [{ path: path.parent(), node }];
    case 'instance':
      return node.resources.map((r: ResourceNode) => ({ path: path.child(r.id), node: r }));
    case 'object':
      // LwM2M CBOR nests by object: `{3306: {0: {5850: true}}}` names resources below it.
      return node.instances.flatMap((i) =>
        i.resources.map((r: ResourceNode) => ({ path: path.child(i.id).child(r.id), node: r })),
      );
  }
}

/**
 * Validates a Write-Composite as a whole (every path exists and is writable, every value fits)
 * and returns the plan; nothing is written when any part fails.
 */
export async function planWriteComposite(
  data: ClientDataModel,
  payload: Uint8Array,
  format: number | undefined,
  maxPaths: number,
): Promise<WritePlan> {
  const contentFormat = checkFormat(format, COMPOSITE_VALUE_FORMATS, 'Write-Composite');
  const decoded = data.root.codecs.decodeNodes(payload, undefined, contentFormat);
  if (decoded.length === 0) throw fail.badRequest('Write-Composite carries no value');
  if (decoded.length > maxPaths) throw fail.badRequest(`more than ${maxPaths} values in one Write-Composite`);
  const groups = new Map<string, { path: LwM2mPath; nodes: LwM2mNode[] }>();
  for (const entry of decoded) {
    if (isProtectedPath(entry.path)) throw fail.unauthorized('/0 and /21 are not accessible to a DM server');
    for (const { path, node } of resourceNodes(entry)) {
      const key = path.toString();
      const group = groups.get(key) ?? { path, nodes: [] };
      group.nodes.push(node);
      groups.set(key, group);
    }
  }
  let plan: WritePlan | undefined;
  for (const { path, nodes } of groups.values()) {
    const tree = data.treeOf(path);
    tree.assertExists(path);
    const part = await tree.planCompositeWrite(path, nodes);
    plan = plan === undefined ? part : plan.concat(part);
  }
  if (plan === undefined) throw new RequestFailure('4.00', 'Write-Composite carries no value');
  return plan;
}
