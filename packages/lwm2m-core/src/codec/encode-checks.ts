import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode } from '../model/node.js';
import type { LwM2mPath } from '../model/path.js';
import type { ResourceType } from '../model/resource-type.js';
import type { ObjectModel } from '../registry/object-definition.js';

function idAtLevel(node: LwM2mNode, path: LwM2mPath): number | undefined {
  switch (node.kind) {
    case 'object':
      return path.level === 'object' ? path.objectId : undefined;
    case 'instance':
      return path.level === 'instance' ? path.instanceId : undefined;
    case 'resource':
    case 'multiple-resource':
      return path.level === 'resource' ? path.resourceId : undefined;
    case 'resource-instance':
      return path.level === 'resource-instance' ? path.resourceInstanceId : undefined;
  }
}

/** Encoders' precondition: `path` addresses `node` (its level matches the kind, its last id the node id). */
export function assertNodeAtPath(node: LwM2mNode, path: LwM2mPath): void {
  const id = idAtLevel(node, path);
  if (id === undefined || id !== node.id) {
    throw new CodedError(
      'NODE_INVALID',
      `a ${node.kind} node with id ${node.id} cannot be written at ${path}`,
      {
        details: { path: path.toString(), kind: node.kind, id: node.id },
      },
    );
  }
}

/**
 * Encoders' check against the model: a known resource must be written with its declared type and
 * multiplicity (a peer decodes it by the same model). Unknown resources are written as given.
 */
export function assertModelResource(
  model: ObjectModel,
  objectId: number,
  resourceId: number,
  type: ResourceType,
  multiple: boolean | undefined,
): void {
  const def = model.getResource(objectId, resourceId);
  if (def === undefined) return;
  if (def.type !== type) {
    throw new CodedError(
      'NODE_INVALID',
      `resource /${objectId}/x/${resourceId} is ${def.type} in the object model, got a ${type} value`,
      { details: { objectId, resourceId, expected: def.type, actual: type } },
    );
  }
  if (multiple !== undefined && def.multiple !== multiple) {
    throw new CodedError(
      'NODE_INVALID',
      `resource /${objectId}/x/${resourceId} is ${def.multiple ? 'multiple' : 'single'}-instance in the object model`,
      { details: { objectId, resourceId } },
    );
  }
}
