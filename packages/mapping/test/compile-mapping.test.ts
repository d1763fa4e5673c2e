// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCodedError } from '@lwm2m-adapters/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledBoundPoint,
  type CompiledDevice,
  type CompiledMapping,
  compiledMappingSchema,
  compileMapping,
  devicePointSpecs,
  loadMapping,
  type MappingIssue,
  mappingObjectRegistry,
} from '../src/index.js';
import { compileOk, resolveFixture, yaml } from './support/compile-text.js';
import { PLANT } from './support/plant-mapping.js';

const ENV = { PLC_COMMUNITY: 'hunter22-community' };

function device(mapping: CompiledMapping, id: string): CompiledDevice {
  const found = mapping.devices.find((d) => d.id === id);
  if (found === undefined) throw new Error(`no device ${id}`);
  return found;
}

function point(d: CompiledDevice, id: string): CompiledDevice['points'][number] {
  const found = d.points.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no point ${id} in ${d.id}`);
  return found;
}

describe('compileMapping: a realistic plant', () => {
  it('instantiates the template for every device and unit', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    expect(mapping.mappingVersion).toBe(1);
    expect(mapping.source.file).toBe('plc.yml');
    expect(mapping.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(mapping.devices.map((d) => [d.id, d.prefix, d.endpoint])).toEqual([
      ['boiler-1', 'dev0', 'urn:dev:plant1:boiler-1'],
      ['boiler-2', 'boiler-2', 'boiler-2'],
      ['boiler-3', 'boiler-3', 'boiler-3'],
      ['boiler-4', 'boiler-4', 'boiler-4'],
    ]);
  });

  it('deep-merges connections over the template and types instance variables', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    expect(device(mapping, 'boiler-1').connection).toEqual({
      community: 'hunter22-community',
      host: '127.0.0.1',
      port: 502,
      unitId: 7,
    });
    expect(device(mapping, 'boiler-3').connection).toEqual({
      community: 'hunter22-community',
      host: '10.0.0.3',
      port: 502,
      unitId: 3,
    });
    expect(device(mapping, 'boiler-3').secretPaths).toEqual(['/connection/community']);
    expect(device(mapping, 'boiler-1').adapter).toEqual({ name: 'fixture', version: '1.2.3' });
  });

  it('compiles a scaled float with reporting defaults and its template location', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    expect(point(device(mapping, 'boiler-1'), '/3303/0/5700')).toEqual({
      id: '/3303/0/5700',
      path: '/3303/0/5700',
      objectId: 3303,
      instanceId: 0,
      resourceId: 5700,
      resourceType: 'float',
      kind: 'bound',
      source: { address: 100, table: 'holding', type: 'float32' },
      rawKind: 'number',
      access: { read: true, write: false, execute: false },
      conversion: { scale: 0.1, units: 'Cel' },
      reporting: { pollMs: 1000, pminMs: 1000, pmaxMs: 60000, deadband: 0.2 },
      location: { file: 'plc.yml', line: 12, column: 7 },
    });
    // Device-level defaults override the mapping's; a device's own `poll` asks for polling
    const unit = point(device(mapping, 'boiler-2'), '/3303/0/5700') as CompiledBoundPoint;
    expect(unit.reporting).toEqual({
      pollMs: 5000,
      pollRequested: true,
      pminMs: 1000,
      pmaxMs: 60000,
      deadband: 0.2,
    });
  });

  it('compiles constants, bits, enums, execute and writable points', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    const first = device(mapping, 'boiler-1');
    expect(point(first, '/3303/0/5701')).toEqual({
      id: '/3303/0/5701',
      path: '/3303/0/5701',
      objectId: 3303,
      instanceId: 0,
      resourceId: 5701,
      resourceType: 'string',
      kind: 'constant',
      constant: 'Cel',
      access: { read: true, write: false, execute: false },
      location: { file: 'plc.yml', line: 13, column: 7 },
    });
    expect(point(first, '/3/0/11/0')).toMatchObject({
      kind: 'constant',
      constant: 0,
      resourceInstanceId: 0,
      range: { kind: 'numeric', min: 0, max: 32 },
    });
    expect(point(first, '/3200/0/5500')).toMatchObject({
      rawKind: 'integer',
      resourceType: 'boolean',
      conversion: { bit: 3 },
      reporting: { pollMs: 250, pminMs: 1000, pmaxMs: 60000 },
    });
    expect(point(first, '/3/0/4')).toMatchObject({
      resourceType: 'none',
      access: { read: false, write: false, execute: true },
      conversion: {},
      reporting: {},
      location: { file: 'plc.yml', line: 27, column: 7 },
    });
    expect(point(first, '/3311/0/5851')).toMatchObject({
      access: { read: true, write: true, execute: false },
      range: { kind: 'numeric', min: 0, max: 100 },
      reporting: { pollMs: 1000, pminMs: 1000, pmaxMs: 300000 },
    });
    const second = device(mapping, 'boiler-2');
    expect(point(second, '/3341/0/5527')).toMatchObject({
      resourceType: 'string',
      rawKind: 'integer',
      conversion: {
        enum: [
          { raw: 0, value: 'idle' },
          { raw: 1, value: 'running' },
          { raw: 2, value: 'fault' },
        ],
      },
    });
    // `null` in the device removed the template's point.
    expect(first.points.some((p) => p.id === '/3341/0/5527')).toBe(false);
  });

  it('sorts points by path and lists the objects with their instances', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    const first = device(mapping, 'boiler-1');
    expect(first.points.map((p) => p.id)).toEqual([
      '/3/0/0',
      '/3/0/4',
      '/3/0/11/0',
      '/3/0/16',
      '/3200/0/5500',
      '/3303/0/5605',
      '/3303/0/5700',
      '/3303/0/5701',
      '/3311/0/5850',
      '/3311/0/5851',
    ]);
    expect(first.objects).toEqual([
      { objectId: 3, version: '1.2', instances: [0] },
      { objectId: 3200, version: '1.1', instances: [0] },
      { objectId: 3303, version: '1.1', instances: [0] },
      { objectId: 3311, version: '1.0', instances: [0] },
    ]);
    expect(first.location).toEqual({ file: 'plc.yml', line: 20, column: 5 });
  });

  it('gives the adapter session its point specs', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    const specs = devicePointSpecs(device(mapping, 'boiler-2'));
    expect(specs.map((s) => s.id)).toEqual([
      '/3200/0/5500',
      '/3303/0/5605',
      '/3303/0/5700',
      '/3311/0/5850',
      '/3311/0/5851',
      '/3341/0/5527',
    ]);
    expect(specs[4]).toEqual({
      id: '/3311/0/5851',
      source: { address: 5, table: 'holding', type: 'uint16' },
      access: { read: true, write: true, execute: false },
    });
  });

  it('is deterministic and survives a JSON round trip through its zod schema', async () => {
    const a = await compileOk(PLANT, { env: ENV });
    const b = await compileOk(PLANT, { env: ENV });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const parsed = compiledMappingSchema.parse(JSON.parse(JSON.stringify(a)));
    expect(parsed).toEqual(a);
  });

  it('does not depend on the order keys are written in', async () => {
    const reordered = PLANT.replace(
      '{ source: { table: holding, address: 100, type: float32 }, scale: 0.1, units: Cel, deadband: 0.2 }',
      '{ deadband: 0.2, units: Cel, scale: 0.1, source: { type: float32, address: 100, table: holding } }',
    ).replace(
      '{ host: "${PLC_HOST:-127.0.0.1}", port: 502, unitId: 1, community: "${PLC_COMMUNITY}" }',
      '{ community: "${PLC_COMMUNITY}", unitId: 1, port: 502, host: "${PLC_HOST:-127.0.0.1}" }',
    );
    expect(reordered).not.toBe(PLANT);
    const a = await compileOk(PLANT, { env: ENV });
    const b = await compileOk(reordered, { env: ENV });
    expect(JSON.stringify(b.devices)).toBe(JSON.stringify(a.devices));
  });

  it('rejects a compiled mapping JSON of another version', () => {
    expect(
      compiledMappingSchema.safeParse({
        mappingVersion: 2,
        source: { file: 'x', sha256: '0'.repeat(64) },
        objectDefinitions: [],
        devices: [],
      }).success,
    ).toBe(false);
  });
});

const VENDOR_DDF = `<?xml version="1.0" encoding="UTF-8"?>
<LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<Object ObjectType="MODefinition">
<Name>Boiler Controller</Name><Description1>Vendor boiler controller.</Description1>
<ObjectID>26241</ObjectID><ObjectURN>urn:oma:lwm2m:x:26241</ObjectURN>
<LWM2MVersion>1.1</LWM2MVersion><ObjectVersion>1.0</ObjectVersion>
<MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>
<Resources>
<Item ID="0"><Name>Setpoint</Name><Operations>RW</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Mandatory</Mandatory><Type>Float</Type><RangeEnumeration>0..100</RangeEnumeration><Units>Cel</Units><Description>Water setpoint.</Description></Item>
<Item ID="1"><Name>Mode</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>String</Type><RangeEnumeration></RangeEnumeration><Units></Units><Description>Operating mode.</Description></Item>
</Resources>
</Object>
</LWM2M>
`;

describe('loadMapping from files', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mapping-test-'));
    await writeFile(join(directory, '26241.xml'), VENDOR_DDF);
    await writeFile(
      join(directory, 'plant.yml'),
      yaml(
        'version: 1',
        'objects: [./26241.xml]',
        'devices:',
        '  - id: vendor-1',
        '    adapter: fixture',
        '    connection: { host: plc, unitId: 1 }',
        '    points:',
        '      /26241/0/0: { source: { table: holding, address: 0, type: float32 }, access: rw }',
        '      /26241/0/1: auto',
      ),
    );
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads custom objects from DDF files next to the mapping and embeds their definitions', async () => {
    const file = join(directory, 'plant.yml');
    const mapping = await loadMapping(file, { resolveAdapter: resolveFixture, env: {} });
    expect(mapping.source.file).toBe(file);
    expect(mapping.objectDefinitions.map((d) => [d.id, d.name, d.version])).toEqual([
      [26241, 'Boiler Controller', '1.0'],
    ]);
    expect(mapping.devices[0]?.objects).toEqual([{ objectId: 26241, version: '1.0', instances: [0] }]);
    expect(mapping.devices[0]?.points[0]).toMatchObject({
      resourceType: 'float',
      range: { kind: 'numeric', min: 0, max: 100 },
    });
    const registry = mappingObjectRegistry(mapping);
    expect(registry.getResource(26241, 0)?.name).toBe('Setpoint');
    expect(registry.getObject(3303)?.name).toBe('Temperature');
  });

  it('reports a DDF file that cannot be loaded at its objects: entry', async () => {
    const text = yaml(
      'version: 1',
      'objects:',
      '  - ./26241.xml',
      '  - ./nothing-here.xml',
      'devices:',
      '  - { id: a, adapter: fixture, connection: { host: h, unitId: 1 }, points: { /26241/0/0: 20.5 } }',
    );
    const result = await compileMapping(
      { text, fileName: join(directory, 'inline.yml') },
      { resolveAdapter: resolveFixture, env: {} },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ line: 4, column: 5, path: ['objects', 1] });
    expect(result.issues[0]?.message).toMatch(
      /^objects: "\.\/nothing-here\.xml" cannot be loaded: .*nothing-here\.xml.*cannot read the DDF file/,
    );
  });

  it('throws MAPPING_FILE_MISSING for a missing file', async () => {
    const file = join(directory, 'missing.yml');
    const error = await loadMapping(file, { resolveAdapter: resolveFixture, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(isCodedError(error, 'MAPPING_FILE_MISSING')).toBe(true);
    expect((error as Error).message).toBe(`${file}: no such file`);
  });

  it('throws MAPPING_INVALID listing every issue, with the issues in details', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: a',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 300 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: -1 } }',
    );
    const error = await loadMapping(
      { text, fileName: 'plc.yml' },
      { resolveAdapter: resolveFixture, env: {} },
    ).catch((e: unknown) => e);
    expect(isCodedError(error, 'MAPPING_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      [
        'plc.yml: 2 problems in the mapping:',
        'plc.yml:5:38: connection.unitId 300 is too large; expected at most 247',
        'plc.yml:7:58: /3303/0/5700: source.address -1 is too small; expected at least 0',
      ].join('\n'),
    );
    const issues = (error as { details: { issues: MappingIssue[] } }).details.issues;
    expect(issues[1]).toEqual({
      file: 'plc.yml',
      line: 7,
      column: 58,
      path: ['devices', 0, 'points', '/3303/0/5700', 'source', 'address'],
      message: '/3303/0/5700: source.address -1 is too small',
      expected: 'at least 0',
    });
  });
});
