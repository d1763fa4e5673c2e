import type { ResourceType } from '../../src/model/resource-type.js';
import type {
  ObjectDefinition,
  ObjectModel,
  ResourceDefinition,
  ResourceOperations,
} from '../../src/registry/object-definition.js';

type ResourceSpec = [id: number, type: ResourceType, multiple: boolean, operations?: ResourceOperations];

function def(id: number, name: string, multiple: boolean, resources: ResourceSpec[]): ObjectDefinition {
  return {
    id,
    name,
    description: '',
    version: '1.0',
    lwm2mVersion: '1.0',
    urn: `urn:oma:lwm2m:test:${id}`,
    multiple,
    mandatory: false,
    resources: resources.map(
      ([rid, type, multi, operations]): ResourceDefinition => ({
        id: rid,
        name: `r${rid}`,
        operations: operations ?? (type === 'none' ? 'E' : 'RW'),
        multiple: multi,
        mandatory: false,
        type,
        rangeText: '',
        range: undefined,
        units: '',
        description: '',
      }),
    ),
  };
}

/**
 * A small hand-written model for codec tests, independent of the OMA registry:
 * - 3303 Temperature (subset), 3 Device (subset), 1 Server (subset), 25 Gateway (v2.0)
 * - 9999 "all types": resource id n (single) and 100+n (multiple) per type, in `resourceTypes` order.
 */
export const testDefinitions: ObjectDefinition[] = [
  def(3303, 'Temperature', true, [
    [5700, 'float', false, 'R'],
    [5701, 'string', false, 'R'],
    [5601, 'float', false, 'R'],
    [5602, 'float', false, 'R'],
    [5605, 'none', false, 'E'],
    [5750, 'string', false, 'RW'],
  ]),
  def(3, 'Device', false, [
    [0, 'string', false, 'R'],
    [1, 'string', false, 'R'],
    [4, 'none', false, 'E'],
    [6, 'integer', true, 'R'],
    [7, 'integer', true, 'R'],
    [9, 'integer', false, 'R'],
    [11, 'integer', true, 'R'],
    [13, 'time', false, 'RW'],
    [16, 'string', false, 'R'],
  ]),
  def(1, 'LwM2M Server', true, [
    [0, 'integer', false, 'R'],
    [1, 'integer', false, 'RW'],
    [6, 'boolean', false, 'RW'],
    [7, 'string', false, 'RW'],
    [8, 'none', false, 'E'],
    [23, 'boolean', false, 'RW'],
  ]),
  def(25, 'LwM2M Gateway', true, [
    [0, 'string', false, 'R'],
    [1, 'string', false, 'R'],
    [3, 'corelnk', false, 'R'],
  ]),
  def(9999, 'All types', true, [
    [0, 'string', false],
    [1, 'integer', false],
    [2, 'unsigned', false],
    [3, 'float', false],
    [4, 'boolean', false],
    [5, 'opaque', false],
    [6, 'time', false],
    [7, 'objlnk', false],
    [8, 'corelnk', false],
    [9, 'none', false],
    [100, 'string', true],
    [101, 'integer', true],
    [102, 'unsigned', true],
    [103, 'float', true],
    [104, 'boolean', true],
    [105, 'opaque', true],
    [106, 'time', true],
    [107, 'objlnk', true],
    [108, 'corelnk', true],
  ]),
];

export class TestObjectModel implements ObjectModel {
  readonly #objects = new Map<number, ObjectDefinition>();
  constructor(definitions: readonly ObjectDefinition[] = testDefinitions) {
    for (const d of definitions) this.#objects.set(d.id, d);
  }
  getObject(objectId: number): ObjectDefinition | undefined {
    return this.#objects.get(objectId);
  }
  getResource(objectId: number, resourceId: number): ResourceDefinition | undefined {
    return this.#objects.get(objectId)?.resources.find((r) => r.id === resourceId);
  }
}

export const testModel = new TestObjectModel();
