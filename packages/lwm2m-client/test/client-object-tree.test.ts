import { type LwM2mPath, ObjectRegistry, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { testDefinitions } from '../../lwm2m-core/test/support/test-model.js';
import { ClientObjectTree, type TreeStructureChange } from '../src/objects/client-object-tree.js';
import { omaRegistry } from './support/client-fixture.js';

function registryWithAllTypes(): ObjectRegistry {
  const registry = ObjectRegistry.withOmaObjects();
  registry.add(testDefinitions.find((d) => d.id === 9999)!);
  return registry;
}

describe('ClientObjectTree declarations', () => {
  it('refuses unknown objects, versions and resources, and double declarations', () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    expect(() => tree.defineObject(42_000)).toThrow(expect.objectContaining({ code: 'OBJECT_UNKNOWN' }));
    expect(() => tree.defineObject(3303, { version: '9.9' })).toThrow(
      expect.objectContaining({ code: 'OBJECT_UNKNOWN' }),
    );
    expect(() => tree.defineObject(3303, { instances: { 0: { 1: 'x' } } })).toThrow(
      expect.objectContaining({ code: 'RESOURCE_UNKNOWN' }),
    );
    tree.defineObject(3303);
    expect(() => tree.defineObject(3303)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('uses the 1.1 core version of core objects and the latest version of others', () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    expect(tree.defineObject(3).version).toBe('1.1');
    expect(tree.defineObject(3303).version).toBe('1.1');
    expect(tree.defineObject(25).version).toBe('2.0');
  });

  it('checks static values against the definition, naming the path', () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    expect(() => tree.defineObject(3303, { instances: { 0: { 5700: 'warm' } } })).toThrow(
      /\/3303\/0\/5700.*float/,
    );
    expect(() => tree.defineObject(3306, { instances: { 0: { 5851: 1.5 } } })).toThrow(/whole number/);
  });

  it('keeps single-instance objects single', () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    expect(() => tree.defineObject(3, { instances: { 0: {}, 1: {} } })).toThrow(/single-instance/);
    tree.defineObject(3, { instances: { 0: {} } });
    expect(() => tree.addInstance(3, {})).toThrow(/single-instance/);
    expect(tree.instanceIds(3)).toEqual([0]);
  });

  it('adds instances at the lowest free id and reports structure changes with the prefix', () => {
    const tree = new ClientObjectTree({ model: omaRegistry(), prefix: 'dev3' });
    const changes: TreeStructureChange[] = [];
    tree.onStructureChange((c) => changes.push(c));
    tree.defineObject(3303, { instances: { 1: { 5700: 1 } } });
    expect(tree.addInstance(3303, { 5700: 2 })).toBe(0);
    expect(tree.addInstance(3303, { 5700: 3 })).toBe(2);
    expect(tree.removeInstance(3303, 1)).toBe(true);
    expect(tree.removeInstance(3303, 1)).toBe(false);
    expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'object-added /dev3/3303',
      'instance-added /dev3/3303/0',
      'instance-added /dev3/3303/2',
      'instance-removed /dev3/3303/1',
    ]);
  });
});

describe('ClientObjectTree values', () => {
  it('converts host values of every type', async () => {
    const tree = new ClientObjectTree({ model: registryWithAllTypes() });
    tree.defineObject(9999, {
      instances: {
        0: {
          0: 'text',
          1: 2n ** 40n,
          2: 7,
          3: 1,
          4: true,
          5: new Uint8Array([1, 2]),
          6: new Date('2024-01-01T00:00:00.900Z'),
          7: '3:0',
          8: '</3/0>',
          101: new Map([[5, -1]]),
          106: [1_700_000_000],
          107: [{ objectId: 1, instanceId: 2 }],
        },
      },
    });
    const node = await tree.read('/9999/0');
    expect(node).toMatchObject({
      kind: 'instance',
      resources: [
        { id: 0, value: { type: 'string', value: 'text' } },
        { id: 1, value: { type: 'integer', value: 2 ** 40 } },
        { id: 2, value: { type: 'unsigned', value: 7 } },
        { id: 3, value: { type: 'float', value: 1 } },
        { id: 4, value: { type: 'boolean', value: true } },
        { id: 5, value: { type: 'opaque' } },
        { id: 6, value: { type: 'time', value: new Date('2024-01-01T00:00:00Z') } },
        { id: 7, value: { type: 'objlnk', value: { objectId: 3, instanceId: 0 } } },
        { id: 8, value: { type: 'corelnk', value: '</3/0>' } },
        { id: 101, kind: 'multiple-resource', instances: [{ id: 5, value: { type: 'integer', value: -1 } }] },
        { id: 106, instances: [{ id: 0, value: { type: 'time', value: new Date(1_700_000_000_000) } }] },
        { id: 107, instances: [{ id: 0, value: { type: 'objlnk', value: { objectId: 1, instanceId: 2 } } }] },
      ],
    });
  });

  it.each([
    [2, -1, 'unsigned'],
    [1, 1.5, 'integer'],
    [4, 1, 'boolean'],
    [5, 'AQI=', 'opaque'],
    [7, '3-0', 'objlnk'],
    [1, value.string('1'), 'integer'],
  ])('refuses resource %i = %j (%s)', (id, input, _type) => {
    const tree = new ClientObjectTree({ model: registryWithAllTypes() });
    expect(() => tree.defineObject(9999, { instances: { 0: { [id]: input } } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('updates static values with setValue and reports changes', () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    const changed: LwM2mPath[] = [];
    tree.onChange((p) => changed.push(p));
    tree.defineObject(3303, { instances: { 0: { 5700: 1, 5701: { read: () => 'Cel' } } } });
    tree.setValue('/3303/0/5700', 2.5);
    tree.changed('/3303/0/5701');
    expect(changed.map(String)).toEqual(['/3303/0/5700', '/3303/0/5701']);
    expect(() => tree.setValue('/3303/0/5701', 'K')).toThrow(/handlers/);
    expect(() => tree.setValue('/3303/0/5700', 'hot')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => tree.setValue('/3303/0/5601', 1)).toThrow(/not declared/);
  });

  it('reads instances without the resources that cannot be read', async () => {
    const tree = new ClientObjectTree({ model: omaRegistry() });
    tree.defineObject(3303, {
      instances: { 0: { 5700: 1, 5605: { execute: () => {} }, 5750: { write: () => {} } } },
    });
    const node = await tree.read('/3303/0');
    expect(node.kind === 'instance' && node.resources.map((r) => r.id)).toEqual([5700]);
  });

  it('keeps listener errors away from the tree', () => {
    const errors: unknown[] = [];
    const tree = new ClientObjectTree({ model: omaRegistry(), onListenerError: (e) => errors.push(e) });
    tree.onChange(() => {
      throw new Error('listener bug');
    });
    tree.defineObject(3303, { instances: { 0: { 5700: 1 } } });
    tree.changed('/3303/0/5700');
    expect(errors).toHaveLength(1);
  });
});
