// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import { compileIssueObjects, compileIssues, compileText, yaml } from './support/compile-text.js';

describe('registry checks', () => {
  const text = yaml(
    'version: 1',
    'devices:',
    '  - id: plc-1',
    '    adapter: fixture',
    '    connection: { host: plc, unitId: 1 }',
    '    points:',
    '      /3303/0/5700: { source: { table: coil, address: 1 } }',
    '      /3303/0/5601: { source: { table: holding, address: 2, type: float32 }, access: rw }',
    '      /3303/0/5605: { source: { table: coil, address: 3 }, access: r }',
    '      /3303/0/5602: { source: { table: coil, address: 4 }, access: execute }',
    '      /3303/0/6049: 101',
    '      /3303/0/5604: { value: "hot" }',
    '      /3303/1/5605: 1',
    '      /3303/1/5750: plant',
    '      /3/1/0: ACME',
    '      /3/0/11: 0',
    '      /3303/0/9999: 1',
    '      /77777/0/1: 1',
    '      /3303/0: 1',
    '      /3303/00/5700: 1',
  );

  it('reports every problem at once, in file order, with file:line:column', async () => {
    expect(await compileIssues(text)).toEqual([
      'plc.yml:7:23: /3303/0/5700: the point yields boolean values, but resource 5700 "Sensor Value" is float; expected number or integer values',
      'plc.yml:8:86: /3303/0/5601: access rw is not allowed: resource 5601 "Min Measured Value" is read-only (operations R); expected access: r',
      'plc.yml:9:68: /3303/0/5605: access r is not allowed: resource 5605 "Reset Min and Max Measured Values" is executable (operations E); expected access: execute',
      'plc.yml:10:68: /3303/0/5602: access execute is not allowed: resource 5602 "Max Measured Value" is not executable (operations R); expected access: r',
      "plc.yml:11:21: /3303/0/6049: 101 is outside the resource's range; expected 0..100",
      'plc.yml:12:30: /3303/0/5604: "hot" is not a valid float value; expected a number',
      'plc.yml:13:7: /3303/1: object 3303 "Temperature" instance 1 lacks mandatory resource 5700 "Sensor Value" (float, R); expected a point for each, e.g. /3303/1/5700: { source: {...} } or the constant /3303/1/5700: 0.0',
      'plc.yml:13:21: /3303/1/5605: resource 5605 "Reset Min and Max Measured Values" is executable and cannot be a constant; expected a binding with access: execute (an executable resource has no value)',
      'plc.yml:15:7: /3/1/0: object 3 "Device" is single-instance; expected instance 0 (/3/0/0)',
      'plc.yml:15:7: /3/1: object 3 "Device" instance 1 lacks mandatory resources 4 "Reboot" (none, E), 11 "Error Code" (integer, R), 16 "Supported Binding and Modes" (string, R); expected a point for each, e.g. /3/1/4: { source: {...}, access: execute }',
      'plc.yml:16:7: /3/0/11: resource 11 "Error Code" is multiple-instance; expected a path per resource instance, e.g. /3/0/11/0',
      'plc.yml:17:7: /3303/0/9999: object 3303 "Temperature" version 1.1 has no resource 9999; expected one of 5518, 5601, 5602, 5603, 5604, 5605, 5700, 5701, 5750, 6042, 6049, 6050',
      'plc.yml:18:7: "/77777/0/1" is not an LwM2M resource path: id 77777 is out of range: ids are integers 0..65534 (in "/77777/0/1"); expected /object/instance/resource or /object/instance/resource/instance, e.g. /3303/0/5700',
      'plc.yml:19:7: "/3303/0" is not an LwM2M resource path; expected /object/instance/resource or /object/instance/resource/instance, e.g. /3303/0/5700',
      'plc.yml:20:7: /3303/00/5700 is the same path as /3303/0/5700, which is already mapped; expected each LwM2M path once per device',
    ]);
  });

  it('sets the device identity as plain /3/0 constants: the host completes the rest of /3/0', async () => {
    const identity = yaml(
      'version: 1',
      'devices:',
      '  - id: meter-1',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3/0/0: Acme Meters',
      '      /3/0/1: SDM630',
      '      /3/0/2: "${SERIAL:-A1234}"',
      '      /3/0/3: "1.02"',
      '      /3303/0/5700: { source: { table: holding, address: 2, type: float32 } }',
    );
    const compiled = await compileText(identity);
    expect(compiled.ok, JSON.stringify(compiled)).toBe(true);
    if (!compiled.ok) return;
    const constants = compiled.mapping.devices[0]!.points.filter((p) => p.kind === 'constant');
    expect(constants.map((p) => [p.path, p.kind === 'constant' ? p.constant : undefined])).toEqual([
      ['/3/0/0', 'Acme Meters'],
      ['/3/0/1', 'SDM630'],
      ['/3/0/2', 'A1234'],
      ['/3/0/3', '1.02'],
    ]);
  });

  it('gives each issue its YAML key path and the parts of its message', async () => {
    const issues = await compileIssueObjects(text);
    expect(issues[1]).toEqual({
      file: 'plc.yml',
      line: 8,
      column: 86,
      path: ['devices', 0, 'points', '/3303/0/5601', 'access'],
      message:
        '/3303/0/5601: access rw is not allowed: resource 5601 "Min Measured Value" is read-only (operations R)',
      expected: 'access: r',
    });
  });

  it('reports an object that is not in the registry', async () => {
    expect(
      await compileIssues(
        yaml(
          'version: 1',
          'devices:',
          '  - id: a',
          '    adapter: fixture',
          '    connection: { host: h, unitId: 1 }',
          '    points:',
          '      /9999/0/1: 3',
        ),
      ),
    ).toEqual([
      'plc.yml:7:7: /9999/0/1: object 9999 is not in the object registry; expected an OMA/IPSO object id, or a custom object whose DDF file is listed under objects:',
    ]);
  });
});

describe('adapter checks', () => {
  it('locates an unknown adapter at its adapter: value', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: modbus',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
    );
    const result = await compileText(text);
    expect(result.ok ? undefined : result.code).toBe('MAPPING_INVALID');
    expect(await compileIssues(text)).toEqual([
      'plc.yml:4:14: adapter "modbus" is not installed: npm package @lwm2m-adapters/modbus cannot be resolved; expected an installed adapter short name (e.g. modbus) or npm package name',
    ]);
  });

  it("maps the adapter's connection and point schema issues back to their YAML nodes", async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-2',
      '    adapter: fixture',
      '    connection: { hots: plc, unitId: 1, port: 0 }',
      '    points:',
      '      /3303/0/5700: { source: { table: hold, adress: 100, type: float33 } }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:5:5: connection.host is required; expected text',
      'plc.yml:5:19: connection.hots is not a known setting; expected one of host, port, unitId, community, password',
      'plc.yml:5:47: connection.port 0 is too small; expected at least 1',
      'plc.yml:7:23: /3303/0/5700: source.address is required; expected a number',
      'plc.yml:7:40: /3303/0/5700: source.table "hold" is not valid; expected one of holding, input, coil, discrete',
      'plc.yml:7:46: /3303/0/5700: source.adress is not a known setting; expected one of table, address, type, count (did you mean address?)',
      'plc.yml:7:65: /3303/0/5700: source.type "float33" is not valid; expected one of int16, uint16, int32, uint32, float32, bool, string (did you mean float32?)',
    ]);
  });

  it("reports overlapping registers from the adapter's checkPoints at the later point's address", async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 10, type: float32 } }',
      '      /3303/0/5601: { source: { table: holding, address: 11, type: float32 } }',
      '      /3303/0/5602: { source: { table: input, address: 11, type: float32 } }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:8:58: /3303/0/5601: holding registers 11..12 overlap /3303/0/5700 (10..11)',
    ]);
  });

  it("locates the adapter's connection-level checkPoints issues in the connection", async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: fixture',
      '    connection:',
      '      host: plc',
      '      unitId: 0',
      '    points:',
      '      /3311/0/5850: { source: { table: coil, address: 1 }, access: rw }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:7:15: connection.unitId: unit 0 is the broadcast address: writes would get no reply',
    ]);
  });

  it('rejects access the adapter cannot do', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: readonly',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3311/0/5850: { source: { table: coil, address: 1 }, access: rw }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:7:68: /3311/0/5850: access rw needs an adapter that can write, and adapter readonly cannot; expected an access the adapter supports',
    ]);
  });
});

describe('conversion and reporting checks', () => {
  it('checks scale, bit, enum, execute points, deadbands and durations', async () => {
    const text = yaml(
      'version: 1',
      'defaults: { poll: fast, pmin: 2m, pmax: 1m }',
      'devices:',
      '  - id: plc-1',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3311/0/5851: { source: { table: holding, address: 1 }, scale: 0.5 }',
      '      /3311/0/5850: { source: { table: holding, address: 2, type: float32 }, bit: 1 }',
      '      /3311/1/5850: { source: { table: holding, address: 4 }, bit: 1, scale: 2 }',
      '      /3341/0/5527: { source: { table: holding, address: 5 }, enum: { a: x, 1: y } }',
      '      /3341/1/5527: { source: { table: holding, address: 6 }, enum: { 0: x, 1: x } }',
      '      /3341/2/5527: { source: { table: holding, address: 7 }, enum: { 0: x, 1: 2 } }',
      '      /3303/0/5700: { source: { table: holding, address: 8, type: float32 }, pmin: 90s, pmax: 1m }',
      '      /3303/0/5605: { source: { table: coil, address: 8 }, scale: 2 }',
      '      /3303/1/5700: { source: { table: holding, address: 10, type: float32 }, poll: 0 }',
      '      /3303/2/5700: { source: { table: coil, address: 9 }, deadband: 1 }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:2:19: defaults.poll "fast" is not valid; expected a duration like "250ms", "1s", "5m", "1m30s", or a number of milliseconds',
      'plc.yml:2:31: defaults.pmin "2m" is not valid; expected pmin <= pmax',
      'plc.yml:8:70: /3311/0/5851: scale 0.5 makes the value fractional, but resource 5851 "Dimmer" is integer; expected a whole-number scale and offset, or a float resource',
      'plc.yml:9:83: /3311/0/5850: bit needs an integer source, but the source yields number values; expected a source of an integer type (e.g. uint16)',
      'plc.yml:10:68: /3311/1/5850: scale, bit cannot be combined; expected one of: scale and/or offset, bit, or enum',
      'plc.yml:11:71: /3341/0/5527: enum key "a" is not a value the source can yield (it yields integer values); expected integer keys',
      'plc.yml:12:77: /3341/1/5527: enum value "x" is used for both 0 and 1; expected a different value for each raw value (so writes can be translated back)',
      'plc.yml:13:63: /3341/2/5527: enum values mix types; expected all values text, all numbers, or all true/false',
      'plc.yml:14:84: /3303/0/5700: pmin 90s is longer than pmax 1m; expected pmin <= pmax',
      'plc.yml:15:67: /3303/0/5605: scale has no meaning for an executable point; expected only source, access and description',
      'plc.yml:16:85: /3303/1/5700: poll 0 is not valid; expected a duration of at least 1ms (0 would read the device continuously)',
      'plc.yml:17:23: /3303/2/5700: the point yields boolean values, but resource 5700 "Sensor Value" is float; expected number or integer values',
    ]);
  });

  it('hints at bit and enum when an integer register feeds a boolean or string resource', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3200/0/5500: { source: { table: holding, address: 7 } }',
      '      /3341/0/5527: { source: { table: holding, address: 8 } }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:7:23: /3200/0/5500: the point yields integer values, but resource 5500 "Digital Input State" is boolean; expected boolean values (bit: N reads one bit as a boolean; enum: can map 0/1 to false/true)',
      'plc.yml:8:23: /3341/0/5527: the point yields integer values, but resource 5527 "Text" is string; expected string values (enum: can name the values)',
    ]);
  });
});

describe('document checks', () => {
  it('reports device ids, prefixes and endpoints used twice, and bad instance ranges', async () => {
    const text = yaml(
      'version: 1',
      'templates:',
      '  t:',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
      'devices:',
      '  - id: a',
      '    template: t',
      '  - id: a',
      '    template: t',
      '    prefix: "123"',
      '  - id: b',
      '    template: t',
      '    endpoint: a',
      '  - id: unit',
      '    template: t',
      '    instances: { n: [1, 2] }',
      '  - id: r-${m}',
      '    template: t',
      '    instances: { m: 5..1 }',
      '  - id: c',
      '    template: tt',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:11:9: device id "a" is already used at line 9; expected a unique device id per device',
      'plc.yml:13:13: prefix "123" is not a valid gateway prefix; expected 1-64 characters A-Z a-z 0-9 _ . ~ - with at least one non-digit (e.g. dev0)',
      'plc.yml:16:15: endpoint name "a" is already used at line 9; expected a unique endpoint name per device',
      'plc.yml:17:9: device id "unit" is already used by another instance of this entry (use an instance variable, e.g. ${n}); expected a unique device id per device (device unit)',
      'plc.yml:22:21: instances.m "5..1" is an empty or reversed range; expected a range low..high with low <= high, e.g. 1..50',
      'plc.yml:24:15: template "tt" is not defined; expected one of t (did you mean t?)',
    ]);
  });

  it('checks the version first', async () => {
    expect(await compileIssues('version: 2\ndevices: []\n')).toEqual([
      'plc.yml:1:10: version 2 is not supported by this version of lwm2m-adapters; expected version: 1',
    ]);
    expect(await compileIssues('devices: []\n')).toEqual([
      'plc.yml:1:1: version is missing; expected version: 1 as the first line of the mapping',
    ]);
  });

  it('suggests the key meant for an unknown top-level key', async () => {
    expect(await compileIssues('version: 1\ndevice: []\n')).toEqual([
      'plc.yml:1:1: devices is required; expected a list of devices',
      'plc.yml:2:1: device is not a known setting; expected one of version, objects, defaults, templates, devices, description (did you mean devices?)',
    ]);
  });

  it('reports unknown keys in templates even when no device uses them', async () => {
    const text = yaml(
      'version: 1',
      'templates:',
      '  unused: { adapter: fixture, conection: {} }',
      'devices:',
      '  - id: a',
      '    adapter: fixture',
      '    connection: { host: h, unitId: 1 }',
      '    points: { /3303/0/5700: { source: { table: holding, address: 1, type: float32 } } }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:3:31: templates.unused.conection is not a known setting; expected one of adapter, connection, points, defaults, description (did you mean connection?)',
    ]);
  });

  it('points at the device when it overrides a template value, else at the template', async () => {
    const text = yaml(
      'version: 1',
      'templates:',
      '  t:',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1, port: 0 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
      'devices:',
      '  - id: a',
      '    template: t',
      '    connection: { unitId: 300, port: 503 }',
      '  - id: b',
      '    template: t',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:5:47: connection.port 0 is too small; expected at least 1 (device b)',
      'plc.yml:11:27: connection.unitId 300 is too large; expected at most 247',
    ]);
  });

  it('names the devices a template problem affects', async () => {
    const text = yaml(
      'version: 1',
      'templates:',
      '  t:',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: "${n}" }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
      'devices:',
      '  - id: u${n}',
      '    template: t',
      '    instances: { n: 246..250 }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:5:38: connection.unitId 248 is too large; expected at most 247 (device u248)',
      'plc.yml:5:38: connection.unitId 249 is too large; expected at most 247 (device u249)',
      'plc.yml:5:38: connection.unitId 250 is too large; expected at most 247 (device u250)',
    ]);
    const shared = yaml(
      'version: 1',
      'templates:',
      '  t:',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: 1 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float99 } }',
      'devices:',
      '  - { id: a, template: t }',
      '  - { id: b, template: t }',
      '  - { id: c, template: t }',
      '  - { id: d, template: t }',
    );
    expect(await compileIssues(shared)).toEqual([
      'plc.yml:7:67: /3303/0/5700: source.type "float99" is not valid; expected one of int16, uint16, int32, uint32, float32, bool, string (did you mean float32?) (devices a, b, c and 1 more)',
    ]);
  });
});

describe('YAML problems', () => {
  it('locates syntax errors and hints at quoting ${...} in flow mappings', async () => {
    const text = 'version: 1\ndevices:\n  - id: a\n    connection: { host: ${HOST} }\n';
    const result = await compileText(text);
    expect(result.ok ? undefined : result.code).toBe('MAPPING_UNREADABLE');
    expect(await compileIssues(text)).toEqual([
      'plc.yml:4:26: YAML: Unexpected flow-map-start at node end; expected quotes around values that use ${...} inside { } or [ ] (e.g. host: "${PLC_HOST}")',
    ]);
  });

  it('reports duplicate keys', async () => {
    expect(await compileIssues('version: 1\ndevices:\n  - id: a\n    id: b\n')).toEqual([
      'plc.yml:4:5: duplicate key "id", first at line 3; expected each key once per mapping',
    ]);
  });

  it('reports an alias that refers to its own node', async () => {
    expect(await compileIssues('version: 1\ndevices:\n  - &a { id: x, points: *a }\n')).toEqual([
      'plc.yml:3:25: alias *a refers to a node that contains it',
    ]);
  });

  it('reports a document that is not a mapping, and an empty one', async () => {
    expect(await compileIssues('- a\n')).toEqual([
      'plc.yml:1:1: the mapping must be a YAML mapping; expected version: 1, then devices: (and optionally templates:, defaults:, objects:)',
    ]);
    expect(await compileIssues('')).toEqual(['plc.yml:1:1: the mapping file is empty; expected version: 1']);
  });
});
