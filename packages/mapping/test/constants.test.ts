import { describe, expect, it } from 'vitest';
import { compileIssues, compileOk, yaml } from './support/compile-text.js';

function device(...points: string[]): string {
  return yaml(
    'version: 1',
    'devices:',
    '  - id: plc-1',
    '    adapter: fixture',
    '    connection: { host: plc, unitId: 1 }',
    '    points:',
    '      /3/0/4: { source: { table: coil, address: 0 } }',
    '      /3/0/11/0: 0',
    '      /3/0/16: U',
    ...points,
  );
}

describe('constants', () => {
  it('checks and encodes constants by resource type', async () => {
    const mapping = await compileOk(
      device(
        '      /3/0/2: 0012',
        '      /3/0/9: 87',
        '      /3/0/13: 2026-01-31T12:00:00Z',
        '      /3/0/22/0: "3303:0"',
        '      /3/0/6/0: { value: 1, units: "" }',
        '      /3303/0/5700: 21.5',
        '      /3200/0/5500: true',
        '      /3/0/14: "+01:00"',
      ),
    );
    const constants = Object.fromEntries(
      (mapping.devices[0]?.points ?? [])
        .filter((p) => p.kind === 'constant')
        .map((p) => [p.id, p.kind === 'constant' ? p.constant : undefined]),
    );
    expect(constants).toEqual({
      '/3/0/2': '0012',
      '/3/0/6/0': 1,
      '/3/0/9': 87,
      '/3/0/11/0': 0,
      '/3/0/13': 1769860800,
      '/3/0/14': '+01:00',
      '/3/0/16': 'U',
      '/3/0/22/0': '3303:0',
      '/3200/0/5500': true,
      '/3303/0/5700': 21.5,
    });
  });

  it('reports constants that do not fit the type or range', async () => {
    expect(
      await compileIssues(
        device(
          '      /3/0/9: 101',
          '      /3/0/10: 1.5',
          '      /3/0/22/0: nope',
          '      /3200/0/5500: 1',
          '      /3/0/5: now',
          '      /3311/0/5850: { value: [1] }',
        ),
      ),
    ).toEqual([
      "plc.yml:10:15: /3/0/9: 101 is outside the resource's range; expected 0..100",
      'plc.yml:11:16: /3/0/10: 1.5 is not a valid integer value; expected a whole number',
      'plc.yml:12:18: /3/0/22/0: "nope" is not a valid objlnk value; expected an object link "objectId:instanceId" (e.g. "3303:0")',
      'plc.yml:13:21: /3200/0/5500: 1 is not a valid boolean value; expected true or false',
      'plc.yml:14:15: /3/0/5: resource 5 "Factory Reset" is executable and cannot be a constant; expected a binding with access: execute (an executable resource has no value)',
      'plc.yml:15:7: /3311/0/5850: value must be a single value; expected text, a number, true or false',
    ]);
  });
});

describe('constant writability', () => {
  it('a constant is read-only unless `writable: true`; then it is read-write', async () => {
    const mapping = await compileOk(
      device(
        '      /3303/0/5700: 1',
        '      /3303/0/5750: Boiler',
        '      /3303/1/5700: 2',
        '      /3303/1/5750: { value: Pipe, writable: true }',
      ),
    );
    const access = Object.fromEntries(
      (mapping.devices[0]?.points ?? []).filter((p) => p.kind === 'constant').map((p) => [p.id, p.access]),
    );
    expect(access['/3303/0/5750']).toEqual({ read: true, write: false, execute: false });
    expect(access['/3303/1/5750']).toEqual({ read: true, write: true, execute: false });
  });

  it('`writable: true` on a resource the object makes read-only is an error', async () => {
    expect(
      await compileIssues(
        device('      /3303/0/5700: 1', '      /3303/0/5701: { value: Cel, writable: true }'),
      ),
    ).toEqual([
      'plc.yml:11:7: /3303/0/5701: resource 5701 "Sensor Units" is read-only (R), so the constant cannot be writable; expected writable: false, or no writable',
    ]);
  });
});
