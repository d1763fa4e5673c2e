import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, ResourceInstanceNode, SingleResourceNode } from '../model/node.js';
import type { LwM2mPath } from '../model/path.js';
import type { ResourceType, ResourceValue } from '../model/resource-type.js';
import type { ObjectModel } from '../registry/object-definition.js';
import { assertModelResource, assertNodeAtPath } from './encode-checks.js';

/** Whether `node` is one value (a single resource or a resource instance). */
export function isSingleValueNode(node: LwM2mNode): node is SingleResourceNode | ResourceInstanceNode {
  return node.kind === 'resource' || node.kind === 'resource-instance';
}

/**
 * Decoding side of the single-value formats (text, opaque): the path must address a single
 * resource or a resource instance. Returns the model's type, or undefined for an unknown resource.
 */
export function singleValueType(
  path: LwM2mPath,
  model: ObjectModel,
  format: string,
): ResourceType | undefined {
  const { objectId, resourceId } = path;
  if (
    (path.level !== 'resource' && path.level !== 'resource-instance') ||
    objectId === undefined ||
    resourceId === undefined
  ) {
    throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `${format} cannot carry the ${path.level} ${path}`, {
      details: { path: path.toString(), format },
    });
  }
  const def = model.getResource(objectId, resourceId);
  if (path.level === 'resource' && def?.multiple === true) {
    throw new CodedError(
      'CODEC_UNSUPPORTED_FORMAT',
      `${format} cannot carry the multiple resource ${path}; address one instance`,
      { details: { path: path.toString(), format } },
    );
  }
  return def?.type;
}

/** The node a single-value decoder returns for `path` (already checked by `singleValueType`). */
export function singleValueNode(
  path: LwM2mPath,
  value: ResourceValue,
): SingleResourceNode | ResourceInstanceNode {
  return path.level === 'resource-instance'
    ? { kind: 'resource-instance', id: path.resourceInstanceId ?? 0, value }
    : { kind: 'resource', id: path.resourceId ?? 0, value };
}

/** Encoding side of the single-value formats: returns the value after checking node, path and model. */
export function singleValueToEncode(
  node: LwM2mNode,
  path: LwM2mPath,
  model: ObjectModel,
  format: string,
): ResourceValue {
  if (!isSingleValueNode(node)) {
    throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `${format} cannot carry a ${node.kind} node`, {
      details: { path: path.toString(), format, kind: node.kind },
    });
  }
  assertNodeAtPath(node, path);
  if (path.objectId !== undefined && path.resourceId !== undefined) {
    assertModelResource(
      model,
      path.objectId,
      path.resourceId,
      node.value.type,
      node.kind === 'resource' ? false : undefined,
    );
  }
  return node.value;
}
