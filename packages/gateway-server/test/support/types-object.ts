/**
 * A test object (id 32769) with one resource of every LwM2M type, for the JSON value form and the
 * API end to end: both the server's and the client's registries get it.
 */
import {
  type ObjectDefinition,
  ObjectRegistry,
  type ResourceDefinition,
  type ResourceRange,
  type ResourceType,
} from '@lwm2m-adapters/lwm2m-core';

export const TYPES_OBJECT_ID = 32769;

function resource(
  id: number,
  type: ResourceType,
  options: { multiple?: boolean; rangeText?: string; range?: ResourceRange; operations?: 'RW' | 'E' } = {},
): ResourceDefinition {
  return {
    id,
    name: `${type}${options.multiple ? 's' : ''}${options.range ? ' ranged' : ''}`,
    operations: options.operations ?? 'RW',
    multiple: options.multiple ?? false,
    mandatory: false,
    type,
    rangeText: options.rangeText ?? '',
    range: options.range,
    units: '',
    description: '',
  };
}

export const typesObject: ObjectDefinition = {
  id: TYPES_OBJECT_ID,
  name: 'Types',
  description: 'one resource of each LwM2M type',
  version: '1.0',
  lwm2mVersion: '1.1',
  urn: `urn:oma:lwm2m:x:${TYPES_OBJECT_ID}`,
  multiple: true,
  mandatory: false,
  resources: [
    resource(0, 'string'),
    resource(1, 'integer'),
    resource(2, 'unsigned'),
    resource(3, 'float'),
    resource(4, 'boolean'),
    resource(5, 'opaque'),
    resource(6, 'time'),
    resource(7, 'objlnk'),
    resource(8, 'corelnk'),
    resource(9, 'none', { operations: 'E' }),
    resource(10, 'integer', { multiple: true }),
    resource(11, 'integer', { rangeText: '0..100', range: { kind: 'numeric', min: 0, max: 100 } }),
    resource(12, 'string', { rangeText: '1..4 bytes', range: { kind: 'length', min: 1, max: 4 } }),
  ],
};

/** The OMA objects plus the types object. */
export function testRegistry(): ObjectRegistry {
  const registry = ObjectRegistry.withOmaObjects();
  registry.add(typesObject);
  return registry;
}
