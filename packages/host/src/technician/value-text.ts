import type { LwM2mNode, ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { isInstanceValues } from '@lwm2m-adapters/mapping';

/**
 * A resource value as a person reads it: floats to 3 decimals, times as ISO, opaque as its size;
 * an array point's resource instances in brackets.
 */
export function valueText(value: ResourceValue | readonly ResourceValue[]): string {
  if (isInstanceValues(value)) return `[${value.map((v) => valueText(v)).join(', ')}]`;
  switch (value.type) {
    case 'float':
      return String(Math.round(value.value * 1000) / 1000);
    case 'time':
      return value.value.toISOString();
    case 'opaque':
      return `${value.value.length} bytes`;
    case 'objlnk':
      return `${value.value.objectId}:${value.value.instanceId}`;
    case 'none':
      return '';
    default:
      return String(value.value);
  }
}

/** A node (resource, instance, object) on one line. */
export function nodeText(node: LwM2mNode): string {
  switch (node.kind) {
    case 'resource':
    case 'resource-instance':
      return valueText(node.value);
    case 'multiple-resource':
      return `[${node.instances.map((i) => valueText(i.value)).join(', ')}]`;
    case 'instance':
      return node.resources.map((r) => `${r.id}=${nodeText(r)}`).join(' ');
    case 'object':
      return node.instances.map((i) => `${i.id}{${nodeText(i)}}`).join(' ');
  }
}
