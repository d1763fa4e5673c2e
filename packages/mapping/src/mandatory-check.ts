import type { ObjectRegistry, ResourceDefinition, ResourceType } from '@lwm2m-adapters/lwm2m-core';
import type { IssueCollector } from './issue-collector.js';
import type { LocatedEntry } from './located-node.js';
import { canonicalPointPath } from './point-target.js';

const SAMPLE_CONSTANT: Readonly<Record<ResourceType, string>> = {
  string: '""',
  integer: '0',
  unsigned: '0',
  float: '0.0',
  boolean: 'false',
  opaque: '""',
  time: '0',
  objlnk: '"65535:65535"',
  corelnk: '""',
  none: '',
};

/**
 * The instance the host completes itself: its own /3 Device instance 0 (manufacturer, model,
 * serial, firmware, bindings, reboot...), over which the mapping's /3/0 resources win. A mapping
 * sets the device's identity as plain constants (`/3/0/0: Acme`) without mapping the rest.
 */
const HOST_COMPLETED_INSTANCE = '/3/0';

/**
 * Policy: every object instance a device uses must have all its mandatory resources, bound or
 * constant (except /3/0, which the host completes). Missing ones are one issue per instance, at
 * the instance's first point, listing them with a suggested entry.
 */
export function checkMandatoryResources(
  entries: Iterable<LocatedEntry>,
  registry: ObjectRegistry,
  issues: IssueCollector,
  device: string,
): void {
  const instances = new Map<
    string,
    { objectId: number; instanceId: number; first: LocatedEntry; present: Set<number> }
  >();
  for (const entry of entries) {
    const path = canonicalPointPath(entry.key);
    if (path === undefined) continue;
    const [objectId, instanceId, resourceId] = path.slice(1).split('/').map(Number);
    if (objectId === undefined || instanceId === undefined || resourceId === undefined) continue;
    const key = `/${objectId}/${instanceId}`;
    let instance = instances.get(key);
    if (instance === undefined) {
      instance = { objectId, instanceId, first: entry, present: new Set() };
      instances.set(key, instance);
    }
    instance.present.add(resourceId);
  }
  for (const [key, instance] of instances) {
    if (key === HOST_COMPLETED_INSTANCE) continue;
    const object = registry.getObject(instance.objectId);
    if (object === undefined) continue;
    const missing = object.resources.filter(
      (resource) => resource.mandatory && !instance.present.has(resource.id),
    );
    if (missing.length === 0) continue;
    const listed = missing.map(
      (resource) =>
        `${resource.id} "${resource.name}" (${resource.type}, ${resource.operations || 'no operations'})`,
    );
    const first = missing[0] as ResourceDefinition;
    issues.add({
      origin: instance.first.keyOrigin,
      message: `${key}: object ${object.id} "${object.name}" instance ${instance.instanceId} lacks mandatory resource${missing.length > 1 ? 's' : ''} ${listed.join(', ')}`,
      expected: `a point for each, e.g. ${suggestion(key, first)}`,
      device,
    });
  }
}

function suggestion(instancePath: string, resource: ResourceDefinition): string {
  const path = `${instancePath}/${resource.id}${resource.multiple ? '/0' : ''}`;
  if (resource.operations === 'E') return `${path}: { source: {...}, access: execute }`;
  const constant = SAMPLE_CONSTANT[resource.type];
  return resource.operations.includes('R') && constant !== ''
    ? `${path}: { source: {...} } or the constant ${path}: ${constant}`
    : `${path}: { source: {...} }`;
}
