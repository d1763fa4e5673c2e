import { formatDiscoverLinks, type LwM2mPath, type ObjectLinkEntry } from '@lwm2m-adapters/lwm2m-core';
import type { ClientObjectTree } from '../objects/client-object-tree.js';
import type { AttributeStore } from '../observe/attribute-store.js';
import { fail } from './request-failure.js';

/**
 * Discover answer for an object, instance or resource of one tree (Core §5.4.5): the target and
 * everything below it down to resources, each with the attributes attached at that path, `ver` on
 * the object link and `dim` on multiple resources. Links carry no gateway prefix (Gateway TS §6).
 */
export async function discoverLinks(
  tree: ClientObjectTree,
  path: LwM2mPath,
  attributes: AttributeStore,
): Promise<string> {
  const entries: ObjectLinkEntry[] = [];
  const objectId = path.objectId;
  if (objectId === undefined || path.level === 'resource-instance') {
    throw fail.notAllowed('Discover targets an object, an object instance or a resource');
  }
  const entry = async (p: LwM2mPath, extra: Partial<ObjectLinkEntry> = {}): Promise<void> => {
    const dim = p.level === 'resource' ? await tree.dimension(p) : undefined;
    entries.push({
      path: p.withoutPrefix(),
      attributes: attributes.attached(p),
      ...(dim === undefined ? {} : { dim }),
      ...extra,
    });
  };
  const resources = async (instancePath: LwM2mPath): Promise<void> => {
    for (const rid of tree.resourceIds(objectId, instancePath.instanceId!))
      await entry(instancePath.child(rid));
  };
  switch (path.level) {
    case 'object':
      await entry(path, { version: tree.objectDefinition(objectId)?.version });
      for (const iid of tree.instanceIds(objectId)) {
        await entry(path.child(iid));
        await resources(path.child(iid));
      }
      break;
    case 'instance':
      await entry(path);
      await resources(path);
      break;
    default:
      await entry(path);
  }
  return formatDiscoverLinks(entries);
}
