import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDdfDirectory, loadDdfFile } from '../../src/registry/ddf-files.js';
import type { ObjectDefinition } from '../../src/registry/object-definition.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import { testDefinitions } from '../support/test-model.js';
import { ddf, item, object, omaDirectory } from './ddf-fixtures.js';

function thrown(run: () => unknown): CodedError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected a CodedError');
}

const vendorObject = ddf(
  object({
    id: 33000,
    name: 'Pump',
    items: [
      item({ id: 1, name: 'Speed', type: 'Float', operations: 'RW', units: 'rpm', range: '0..3000' }),
      item({ id: 0, name: 'Running', type: 'Boolean' }),
      item({ id: 2, name: 'Start', type: '', operations: 'E' }),
    ],
  }),
);

describe('ObjectRegistry.withOmaObjects', () => {
  const registry = ObjectRegistry.withOmaObjects();

  it.each([
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 19, 20, 21, 22, 25, 26, 3200, 3201, 3202, 3203,
    3300, 3301, 3302, 3303, 3304, 3305, 3306, 3308, 3310, 3311, 3312, 3313, 3314, 3315, 3316, 3317, 3318,
    3319, 3320, 3321, 3322, 3323, 3324, 3325, 3326, 3327, 3328, 3329, 3330, 3331, 3332, 3333, 3334, 3335,
    3336, 3337, 3338, 3339, 3340, 3341, 3342, 3343, 3344, 3345, 3346, 3347, 3348, 3349, 3350,
  ])('has object %i', (id) => {
    expect(registry.has(id)).toBe(true);
    expect(registry.getObject(id)?.id).toBe(id);
  });

  it('holds every IPSO object 3300-3350 the OMA registry defines (3307 and 3309 are unassigned)', () => {
    const ipso = registry
      .list()
      .filter((d) => d.id >= 3300 && d.id <= 3350)
      .map((d) => d.id);
    expect(ipso).toHaveLength(49);
    expect(ipso).not.toContain(3307);
    expect(ipso).not.toContain(3309);
  });

  it('lists one default definition per object and every version separately', () => {
    expect(registry.list()).toHaveLength(76);
    expect(registry.listAllVersions()).toHaveLength(137);
    const ids = registry.list().map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('defaults to the latest version and serves older ones on request', () => {
    expect(registry.versions(3)).toEqual(['1.0', '1.1', '1.2']);
    expect(registry.versions(4)).toEqual(['1.0', '1.1', '1.2', '1.3']);
    expect(registry.getObject(3)?.version).toBe('1.2');
    expect(registry.getObject(3, '1.0')?.version).toBe('1.0');
    expect(registry.getObject(25)?.version).toBe('2.0');
    expect(registry.getResource(25, 2)).toBeUndefined();
    expect(registry.getResource(25, 2, '1.0')?.type).toBe('objlnk');
    expect(registry.getResource(3303, 5700)?.type).toBe('float');
    expect(registry.getObject(3303, '9.9')).toBeUndefined();
    expect(registry.getResource(65000, 0)).toBeUndefined();
  });

  it('serves the registry facts codecs rely on', () => {
    expect(registry.getResource(1, 23, '1.1')).toMatchObject({
      name: 'Mute Send',
      type: 'boolean',
      operations: 'RW',
    });
    expect(registry.getResource(3, 4)).toMatchObject({ type: 'none', operations: 'E' });
    expect(registry.getResource(3, 11)).toMatchObject({ type: 'integer', multiple: true });
    expect(registry.getResource(3311, 5850)).toMatchObject({ type: 'boolean', operations: 'RW' });
  });

  it('gives each call a registry of its own', () => {
    const other = ObjectRegistry.withOmaObjects();
    other.setDefaultVersion(3, '1.0');
    other.addDdf(vendorObject, 'pump.xml');
    expect(registry.getObject(3)?.version).toBe('1.2');
    expect(registry.has(33000)).toBe(false);
  });
});

describe('ObjectRegistry versions', () => {
  it('pins a default version and unpins it', () => {
    const registry = ObjectRegistry.withOmaObjects();
    registry.setDefaultVersion(25, '1.0');
    expect(registry.defaultVersion(25)).toBe('1.0');
    expect(registry.getResource(25, 2)?.name).toBe('Routing Table Entry');
    expect(registry.getObject(25, '2.0')?.version).toBe('2.0');
    registry.setDefaultVersion(25, undefined);
    expect(registry.getObject(25)?.version).toBe('2.0');
  });

  it('refuses to pin a version that is not registered', () => {
    const registry = ObjectRegistry.withOmaObjects();
    const error = thrown(() => registry.setDefaultVersion(25, '3.0'));
    expect(error.code).toBe('OBJECT_UNKNOWN');
    expect(error.message).toMatch(/object 25 has no version 3\.0; registered versions: 1\.0, 2\.0/);
  });

  it('orders versions numerically', () => {
    const registry = new ObjectRegistry();
    for (const version of ['1.10', '1.9', '2.0', '1.0']) registry.addDdf(ddf(object({ version })));
    expect(registry.versions(33000)).toEqual(['1.0', '1.9', '1.10', '2.0']);
    expect(registry.defaultVersion(33000)).toBe('2.0');
    expect(registry.versions(1)).toEqual([]);
    expect(registry.defaultVersion(1)).toBeUndefined();
  });
});

describe('ObjectRegistry custom objects', () => {
  it('adds a vendor DDF object next to the OMA objects', () => {
    const registry = ObjectRegistry.withOmaObjects();
    const [pump] = registry.addDdf(vendorObject, 'pump.xml');
    expect(pump?.resources.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(registry.getResource(33000, 1)).toMatchObject({
      name: 'Speed',
      units: 'rpm',
      range: { kind: 'numeric', min: 0, max: 3000 },
    });
    expect(registry.requireResource(33000, 2).type).toBe('none');
  });

  it('adds hand-written definitions and freezes a sorted copy', () => {
    const registry = new ObjectRegistry(testDefinitions);
    const allTypes = registry.requireObject(9999);
    expect(Object.isFrozen(allTypes)).toBe(true);
    expect(registry.getResource(9999, 108)?.type).toBe('corelnk');
    const unsorted: ObjectDefinition = {
      ...allTypes,
      id: 9998,
      resources: [...allTypes.resources].reverse(),
    };
    expect(registry.add(unsorted).resources.map((r) => r.id)).toEqual(allTypes.resources.map((r) => r.id));
  });

  it('checks hand-written definitions', () => {
    const registry = new ObjectRegistry();
    const base = testDefinitions[0]!;
    const cases: [ObjectDefinition, RegExp][] = [
      [{ ...base, id: 65535 }, /object id 65535 is out of range/],
      [{ ...base, version: '1' }, /Object 3303: version "1" is not a version like "1\.0"/],
      [
        { ...base, resources: [...base.resources, base.resources[0]!] },
        /resource id 5700 is defined more than once/,
      ],
      [
        { ...base, resources: [{ ...base.resources[0]!, type: 'double' as 'float' }] },
        /Object 3303 resource 5700: type must be one of/,
      ],
      [
        { ...base, resources: [{ ...base.resources[0]!, range: { kind: 'numeric', min: 5, max: 1 } }] },
        /numeric range needs finite bounds with min <= max/,
      ],
    ];
    for (const [definition, message] of cases) {
      const error = thrown(() => registry.add(definition, { source: 'hand.ts' }));
      expect(error.code).toBe('DEFINITION_INVALID');
      expect(error.message).toMatch(/^hand\.ts: /);
      expect(error.message).toMatch(message);
    }
    expect(registry.list()).toEqual([]);
  });

  it('accepts an identical redefinition and rejects a conflicting one unless replace is set', () => {
    const registry = ObjectRegistry.withOmaObjects();
    registry.addDdf(vendorObject, 'pump.xml');
    expect(() => registry.addDdf(vendorObject, 'pump-copy.xml')).not.toThrow();
    const changed = vendorObject.replace('<Units>rpm</Units>', '<Units>Hz</Units>');
    const error = thrown(() => registry.addDdf(changed, 'pump-v2.xml'));
    expect(error.code).toBe('DEFINITION_INVALID');
    expect(error.message).toBe(
      'pump-v2.xml: Object 33000: version 1.0 is already registered (from pump.xml) with a different definition; pass { replace: true } to replace it',
    );
    expect(registry.getResource(33000, 1)?.units).toBe('rpm');
    registry.addDdf(changed, 'pump-v2.xml', { replace: true });
    expect(registry.getResource(33000, 1)?.units).toBe('Hz');
  });

  it('refuses to redefine an OMA object silently', () => {
    const registry = ObjectRegistry.withOmaObjects();
    const fake = ddf(object({ id: 3303, version: '1.1', name: 'Not a temperature' }));
    expect(thrown(() => registry.addDdf(fake, 'fake.xml')).message).toMatch(/from OMA registry/);
    expect(registry.getObject(3303)?.name).toBe('Temperature');
  });

  it('adds nothing from a document when one of its objects conflicts', () => {
    const registry = new ObjectRegistry();
    registry.addDdf(ddf(object({ id: 33001, name: 'A' })));
    const document = ddf(object({ id: 33002, name: 'B' }), object({ id: 33001, name: 'A changed' }));
    expect(
      isCodedError(
        thrown(() => registry.addDdf(document, 'two.xml')),
        'DEFINITION_INVALID',
      ),
    ).toBe(true);
    expect(registry.has(33002)).toBe(false);
  });
});

describe('ObjectRegistry require*', () => {
  const registry = ObjectRegistry.withOmaObjects();

  it('throws OBJECT_UNKNOWN for an unknown object', () => {
    const error = thrown(() => registry.requireObject(33999));
    expect(error.code).toBe('OBJECT_UNKNOWN');
    expect(error.responseCode).toBe('4.04');
    expect(error.message).toMatch(/no definition is registered for object 33999/);
    expect(error.details).toEqual({ objectId: 33999 });
  });

  it('throws OBJECT_UNKNOWN for an unknown version, listing the known ones', () => {
    const error = thrown(() => registry.requireResource(3303, 5700, '2.0'));
    expect(error.code).toBe('OBJECT_UNKNOWN');
    expect(error.message).toBe('object 3303 has no version 2.0; registered versions: 1.0, 1.1');
  });

  it('throws RESOURCE_UNKNOWN naming the object and its resources', () => {
    const error = thrown(() => registry.requireResource(25, 2));
    expect(error.code).toBe('RESOURCE_UNKNOWN');
    expect(error.message).toBe(
      'Object 25 "LwM2M Gateway" version 2.0 has no resource 2 (its resources: 0, 1, 3)',
    );
    expect(error.details).toEqual({ objectId: 25, resourceId: 2, version: '2.0' });
  });

  it('returns what get* returns when it exists', () => {
    expect(registry.requireObject(3303, '1.0')).toBe(registry.getObject(3303, '1.0'));
    expect(registry.requireResource(3303, 5700)).toBe(registry.getResource(3303, 5700));
  });
});

describe('loadDdfFile / loadDdfDirectory', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lwm2m-ddf-'));
    await writeFile(join(directory, '33000.xml'), vendorObject);
    await writeFile(join(directory, '9.xml'), ddf(object({ id: 33009 })));
    await writeFile(join(directory, 'notes.txt'), 'not a DDF file');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads one file', async () => {
    const [pump] = await loadDdfFile(join(directory, '33000.xml'));
    expect(pump?.name).toBe('Pump');
  });

  it('loads every XML file of a directory in natural order', async () => {
    const definitions = await loadDdfDirectory(directory);
    expect(definitions.map((d) => d.id)).toEqual([33009, 33000]);
    const registry = new ObjectRegistry(definitions);
    expect(registry.has(33000) && registry.has(33009)).toBe(true);
  });

  it('loads the vendored OMA directory', async () => {
    expect(await loadDdfDirectory(omaDirectory)).toHaveLength(137);
  });

  it('names the file in errors', async () => {
    const bad = join(directory, 'bad.xml');
    await writeFile(bad, ddf(object({ items: [item({ type: 'Floaty' })] })));
    await expect(loadDdfFile(bad)).rejects.toThrow(`${bad}: Object 33000 resource 0: unknown Type "Floaty"`);
    await expect(loadDdfDirectory(directory)).rejects.toMatchObject({ code: 'DEFINITION_INVALID' });
    await rm(bad);
  });

  it('reports unreadable paths as DEFINITION_INVALID with the cause', async () => {
    const missing = join(directory, 'missing.xml');
    const error: unknown = await loadDdfFile(missing).catch((e: unknown) => e);
    expect(isCodedError(error, 'DEFINITION_INVALID')).toBe(true);
    expect((error as CodedError).message).toMatch(/missing\.xml: cannot read the DDF file: ENOENT/);
    await expect(loadDdfDirectory(join(directory, 'nope'))).rejects.toMatchObject({
      code: 'DEFINITION_INVALID',
    });
  });
});
