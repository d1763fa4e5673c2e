import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { MAX_DDF_BYTES, parseDdf } from '../../src/registry/ddf-parser.js';
import type { ObjectDefinition, ResourceDefinition } from '../../src/registry/object-definition.js';
import { ddf, item, object, readOmaFile } from './ddf-fixtures.js';

function only(definitions: ObjectDefinition[]): ObjectDefinition {
  expect(definitions).toHaveLength(1);
  return definitions[0]!;
}

function resource(definition: ObjectDefinition, id: number): ResourceDefinition {
  const found = definition.resources.find((r) => r.id === id);
  if (found === undefined) throw new Error(`no resource ${id} in object ${definition.id}`);
  return found;
}

function parseError(xml: string, source?: string): CodedError {
  try {
    parseDdf(xml, source);
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected parseDdf to throw');
}

describe('parseDdf on vendored OMA files', () => {
  it('3303 Temperature v1.1: 5700 Sensor Value is a mandatory single readable Float', () => {
    const temperature = only(parseDdf(readOmaFile('3303.xml'), '3303.xml'));
    expect(temperature).toMatchObject({
      id: 3303,
      name: 'Temperature',
      version: '1.1',
      lwm2mVersion: '1.0',
      urn: 'urn:oma:lwm2m:ext:3303:1.1',
      multiple: true,
      mandatory: false,
    });
    expect(resource(temperature, 5700)).toMatchObject({
      name: 'Sensor Value',
      type: 'float',
      operations: 'R',
      multiple: false,
      mandatory: true,
      units: '',
      range: undefined,
    });
    // The unit is reported by resource 5701, not declared in the DDF.
    expect(resource(temperature, 5701)).toMatchObject({
      name: 'Sensor Units',
      type: 'string',
      mandatory: false,
    });
    expect(resource(temperature, 5605)).toMatchObject({
      name: 'Reset Min and Max Measured Values',
      type: 'none',
    });
    expect(temperature.description).toMatch(/temperature sensor/);
  });

  it('3303 v1.0 is the older version with fewer resources', () => {
    const older = only(parseDdf(readOmaFile('3303-1_0.xml')));
    expect(older.version).toBe('1.0');
    expect(older.resources.map((r) => r.id)).not.toContain(5518);
    expect(resource(older, 5700).type).toBe('float');
  });

  it('3 Device v1.1: Reboot is executable, Error Code is a multiple Integer, 16 is mandatory', () => {
    const device = only(parseDdf(readOmaFile('3-1_1.xml'), '3-1_1.xml'));
    expect(device).toMatchObject({ id: 3, name: 'Device', version: '1.1', multiple: false, mandatory: true });
    expect(resource(device, 4)).toMatchObject({ name: 'Reboot', operations: 'E', type: 'none' });
    expect(resource(device, 11)).toMatchObject({
      name: 'Error Code',
      type: 'integer',
      multiple: true,
      mandatory: true,
    });
    expect(resource(device, 11).range).toEqual({ kind: 'numeric', min: 0, max: 8 });
    expect(resource(device, 16)).toMatchObject({ name: 'Supported Binding and Modes', mandatory: true });
    expect(resource(device, 9)).toMatchObject({
      name: 'Battery Level',
      units: '%',
      range: { kind: 'numeric', min: 0, max: 100 },
    });
    expect(resource(device, 13).type).toBe('time');
  });

  it('1 LwM2M Server v1.1: 23 Mute Send is a read-write Boolean', () => {
    const server = only(parseDdf(readOmaFile('1-1_1.xml')));
    expect(resource(server, 23)).toMatchObject({
      name: 'Mute Send',
      type: 'boolean',
      operations: 'RW',
      mandatory: false,
    });
    expect(resource(server, 1)).toMatchObject({ name: 'Lifetime', units: 's' });
    expect(resource(server, 0).range).toEqual({ kind: 'numeric', min: 1, max: 65534 });
  });

  it('0 LwM2M Security keeps resources without operations', () => {
    const security = only(parseDdf(readOmaFile('0.xml')));
    expect(security.version).toBe('1.2');
    expect(resource(security, 0)).toMatchObject({
      name: 'LWM2M  Server URI',
      operations: '',
      type: 'string',
    });
    expect(resource(security, 0).range).toEqual({ kind: 'length', min: 0, max: 255 });
  });

  it('25 LwM2M Gateway v2.0 has resources 0, 1 and 3 (Corelnk) and no resource 2', () => {
    const gateway = only(parseDdf(readOmaFile('25.xml'), '25.xml'));
    expect(gateway).toMatchObject({
      id: 25,
      version: '2.0',
      lwm2mVersion: '1.1',
      multiple: true,
      mandatory: false,
    });
    expect(gateway.urn).toBe('urn:oma:lwm2m:oma:25:2.0');
    expect(gateway.resources.map((r) => r.id)).toEqual([0, 1, 3]);
    expect(resource(gateway, 0)).toMatchObject({
      name: 'Device ID',
      type: 'string',
      operations: 'R',
      mandatory: true,
    });
    expect(resource(gateway, 1)).toMatchObject({
      name: 'Prefix',
      type: 'string',
      operations: 'R',
      mandatory: true,
    });
    expect(resource(gateway, 3)).toMatchObject({
      name: 'IoT Device Objects',
      type: 'corelnk',
      operations: 'R',
    });
  });

  it('25 v1.0 and 26 Routing: the legacy gateway model', () => {
    const legacy = only(parseDdf(readOmaFile('25-1_0.xml')));
    expect(legacy.version).toBe('1.0');
    expect(resource(legacy, 1).operations).toBe('RW');
    expect(resource(legacy, 2)).toMatchObject({
      name: 'Routing Table Entry',
      type: 'objlnk',
      mandatory: false,
    });
    const routing = only(parseDdf(readOmaFile('26.xml')));
    expect(routing).toMatchObject({ id: 26, name: 'LwM2M Gateway Routing', version: '1.0' });
    expect(resource(routing, 0).type).toBe('unsigned');
    expect(resource(routing, 1).type).toBe('corelnk');
  });

  it('3311 Light Control: 5850 On/Off is a read-write Boolean', () => {
    const light = only(parseDdf(readOmaFile('3311.xml')));
    expect(light.name).toBe('Light Control');
    expect(resource(light, 5850)).toMatchObject({
      name: 'On/Off',
      type: 'boolean',
      operations: 'RW',
      mandatory: true,
    });
  });

  it('strips a byte-order mark (some vendored files start with one)', () => {
    const withBom = readOmaFile('3-1_0.xml');
    expect(withBom.startsWith('\uFEFF')).toBe(true);
    expect(only(parseDdf(withBom))).toMatchObject({ id: 3, version: '1.0' });
  });

  it('decodes XML references outside CDATA and keeps CDATA verbatim', () => {
    const xml = ddf(
      object({
        name: 'AT&amp;T &#60;x&#x3E;',
        items: [item({ description: '<![CDATA[see &lt;/3/0&gt;]]>', range: '&#60;7 to &#62;12.5' })],
      }),
    );
    const definition = only(parseDdf(xml));
    expect(definition.name).toBe('AT&T <x>');
    expect(resource(definition, 0).description).toBe('see &lt;/3/0&gt;');
    expect(resource(definition, 0).rangeText).toBe('<7 to >12.5');
    expect(resource(definition, 0).range).toBeUndefined();
  });
});

describe('parseDdf mapping', () => {
  it.each([
    ['String', 'string'],
    ['Integer', 'integer'],
    ['Unsigned Integer', 'unsigned'],
    ['Float', 'float'],
    ['Boolean', 'boolean'],
    ['Opaque', 'opaque'],
    ['Time', 'time'],
    ['Objlnk', 'objlnk'],
    ['Corelnk', 'corelnk'],
    ['unsigned  integer', 'unsigned'],
  ])('Type %s -> %s', (ddfType, type) => {
    expect(resource(only(parseDdf(ddf(object({ items: [item({ type: ddfType })] })))), 0).type).toBe(type);
  });

  it('an empty Type is an executable resource', () => {
    const definition = only(parseDdf(ddf(object({ items: [item({ type: '', operations: 'E' })] }))));
    expect(resource(definition, 0)).toMatchObject({ type: 'none', operations: 'E' });
    const selfClosing = ddf(
      object({ items: [item({ operations: 'E' }, ['Type']).replace('</Item>', '<Type/></Item>')] }),
    );
    expect(resource(only(parseDdf(selfClosing)), 0).type).toBe('none');
  });

  it.each(['R', 'W', 'RW', 'E', ''])('Operations "%s"', (operations) => {
    const type = operations === 'E' ? '' : 'Integer';
    const definition = only(parseDdf(ddf(object({ items: [item({ operations, type })] }))));
    expect(resource(definition, 0).operations).toBe(operations);
  });

  it('maps MultipleInstances and Mandatory at object and resource level', () => {
    const xml = ddf(
      object({
        multiple: 'Single',
        mandatory: 'Mandatory',
        items: [item({ multiple: 'Multiple', mandatory: 'Optional' })],
      }),
    );
    const definition = only(parseDdf(xml));
    expect(definition).toMatchObject({ multiple: false, mandatory: true });
    expect(resource(definition, 0)).toMatchObject({ multiple: true, mandatory: false });
  });

  it('defaults ObjectVersion and LWM2MVersion to 1.0 when absent or empty', () => {
    const absent = only(
      parseDdf(ddf(object({}, ['ObjectVersion', 'LWM2MVersion', 'ObjectURN', 'Description1']))),
    );
    expect(absent).toMatchObject({ version: '1.0', lwm2mVersion: '1.0', urn: '', description: '' });
    const empty = only(parseDdf(ddf(object({ version: '', lwm2mVersion: ' ' }))));
    expect(empty).toMatchObject({ version: '1.0', lwm2mVersion: '1.0' });
  });

  it('sorts resources by id and accepts ids up to 65534', () => {
    const xml = ddf(object({ items: [item({ id: 65534 }), item({ id: 5 }), item({ id: 0 })] }));
    expect(only(parseDdf(xml)).resources.map((r) => r.id)).toEqual([0, 5, 65534]);
  });

  it('returns every object of a document holding several', () => {
    const xml = ddf(object({ id: 33001 }), object({ id: 33002 }), object({ id: 33001, version: '1.1' }));
    expect(parseDdf(xml).map((d) => `${d.id}@${d.version}`)).toEqual(['33001@1.0', '33002@1.0', '33001@1.1']);
  });

  it('returns frozen definitions', () => {
    const definition = only(parseDdf(ddf(object())));
    expect(Object.isFrozen(definition)).toBe(true);
    expect(Object.isFrozen(definition.resources)).toBe(true);
    expect(Object.isFrozen(definition.resources[0])).toBe(true);
  });
});

describe('parseDdf rejects malformed documents with DEFINITION_INVALID naming the file', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown Type',
      ddf(object({ id: 3303, items: [item({ id: 5700, type: 'Floaty' })] })),
      /^vendor\.xml: Object 3303 resource 5700: unknown Type "Floaty" \(valid: String, Integer, Unsigned Integer, Float/,
    ],
    [
      'unknown Operations',
      ddf(object({ items: [item({ operations: 'RWX' })] })),
      /resource 0: unknown Operations "RWX"/,
    ],
    [
      'bad MultipleInstances',
      ddf(object({ items: [item({ multiple: 'Many' })] })),
      /resource 0: <MultipleInstances> is "Many", expected Single or Multiple/,
    ],
    [
      'bad Mandatory',
      ddf(object({ mandatory: 'Maybe' })),
      /Object 33000: <Mandatory> is "Maybe", expected Optional or Mandatory/,
    ],
    [
      'duplicate resource id',
      ddf(object({ items: [item({ id: 7 }), item({ id: 7 })] })),
      /Object 33000: resource id 7 is defined more than once/,
    ],
    [
      'resource id 65535',
      ddf(object({ items: [item({ id: 65535 })] })),
      /resource ID "65535" is not an integer 0\.\.65534/,
    ],
    [
      'negative resource id',
      ddf(object({ items: [item({ id: -1 })] })),
      /resource ID "-1" is not an integer/,
    ],
    ['non-numeric resource id', ddf(object({ items: [item({ id: 'x1' })] })), /resource ID "x1"/],
    [
      'missing resource ID',
      ddf(object({ items: ['<Item><Name>n</Name></Item>'] })),
      /<Item> has no ID attribute/,
    ],
    ['object id out of range', ddf(object({ id: 70000 })), /ObjectID "70000" is not an integer 0\.\.65534/],
    ['missing ObjectID', ddf(object({}, ['ObjectID'])), /^vendor\.xml: <Object> has no <ObjectID> element/],
    ['missing Name', ddf(object({}, ['Name'])), /Object 33000: <Object> has no <Name> element/],
    ['empty Name', ddf(object({ name: '  ' })), /Object 33000: name must not be empty/],
    ['missing Resources', ddf(object({}, ['Resources'])), /<Object> has no <Resources> element/],
    [
      'missing resource Type',
      ddf(object({ items: [item({}, ['Type'])] })),
      /resource 0: <Item> has no <Type> element/,
    ],
    [
      'foreign element in Resources',
      ddf(object({ items: ['<item ID="0"/>'] })),
      /<Resources> may only contain <Item> elements, found <item>/,
    ],
    [
      'repeated element',
      ddf(object({ items: [item().replace('</Item>', '<Units>m</Units></Item>')] })),
      /<Units> appears more than once in <Item>/,
    ],
    [
      'markup inside a text element',
      ddf(object({ items: [item({ name: 'a<b>c</b>' })] })),
      /<Name> must contain text only, found <b>/,
    ],
    ['bad ObjectVersion', ddf(object({ version: 'v2' })), /<ObjectVersion> "v2" is not a version like "1.0"/],
    [
      'executable with a Type',
      ddf(object({ items: [item({ operations: 'E', type: 'Integer' })] })),
      /an executable resource \(operations "E"\) must not have a type/,
    ],
    [
      'readable without a Type',
      ddf(object({ items: [item({ operations: 'R', type: '' })] })),
      /a resource without a type must be executable/,
    ],
    ['wrong root', '<Objects><Object/></Objects>', /the root element is <Objects>, expected <LWM2M>/],
    ['no Object', ddf(), /<LWM2M> contains no <Object> element/],
    [
      'same object version twice',
      ddf(object(), object()),
      /Object 33000: version 1\.0 is defined more than once/,
    ],
    ['not XML', 'hello', /not a valid DDF document: XML is not well-formed/],
    ['empty input', '', /not a valid DDF document/],
    ['unclosed tag', ddf(object()).replace('</LWM2M>', ''), /not well-formed/],
    [
      'DOCTYPE',
      `<!DOCTYPE LWM2M [<!ENTITY x "y">]>${ddf(object())}`,
      /DOCTYPE and ENTITY declarations are not allowed/,
    ],
    ['undefined entity', ddf(object({ name: 'a &nbsp; b' })), /undefined or malformed reference "&nbsp;"/],
    ['invalid character reference', ddf(object({ name: '&#0;' })), /reference "&#0;"/],
    ['bare ampersand', ddf(object({ name: 'a & b' })), /not a valid DDF document/],
    [
      'reserved element name',
      ddf(object({ items: [item().replace('</Item>', '<constructor/></Item>')] })),
      /not a valid DDF document/,
    ],
  ];

  it.each(cases)('%s', (_label, xml, message) => {
    const error = parseError(xml, 'vendor.xml');
    expect(error.code).toBe('DEFINITION_INVALID');
    expect(error.message.startsWith('vendor.xml: ')).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.details.source).toBe('vendor.xml');
  });

  it('reports object and resource ids in the details', () => {
    const error = parseError(
      ddf(object({ id: 3303, items: [item({ id: 5700, type: 'Floaty' })] })),
      '3303.xml',
    );
    expect(error.details).toEqual({ source: '3303.xml', objectId: 3303, resourceId: 5700 });
    expect(error.responseCode).toBe('5.00');
  });

  it('omits the source prefix when no source is given', () => {
    expect(parseError(ddf(object({ id: 3303, mandatory: 'x' }))).message).toMatch(
      /^Object 3303: <Mandatory>/,
    );
  });

  it('rejects documents larger than 2 MiB before parsing them', () => {
    const padding = `<!--${'x'.repeat(MAX_DDF_BYTES)}-->`;
    expect(parseError(ddf(object()) + padding, 'big.xml').message).toMatch(
      /^big\.xml: the DDF document is larger than 2097152 bytes/,
    );
    const multiByte = `<!--${'é'.repeat(MAX_DDF_BYTES / 2)}-->`;
    expect(parseError(ddf(object()) + multiByte).message).toMatch(/larger than/);
  });

  it('rejects deep nesting and keeps messages short for hostile input', () => {
    const deep = `<LWM2M>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</LWM2M>`;
    expect(parseError(deep, 'deep.xml').message).toMatch(/^deep\.xml: not a valid DDF document/);
    const unclosed = `<LWM2M>${'<a>'.repeat(100_000)}`;
    expect(parseError(unclosed).message.length).toBeLessThan(500);
    const longName = ddf(object({ items: [`<${'X'.repeat(100_000)}/>`] }));
    expect(parseError(longName).message.length).toBeLessThan(500);
  });

  it('rejects a non-string input', () => {
    expect(() => parseDdf(42 as unknown as string)).toThrow(/must be a string/);
    expect(isCodedError(parseError(null as unknown as string), 'DEFINITION_INVALID')).toBe(true);
  });
});
