import { describe, expect, it } from 'vitest';
import { compileIssues, compileOk, yaml } from './support/compile-text.js';

describe('anchors, aliases and merge keys', () => {
  it('reuse anchored nodes, with explicit keys winning over merged ones', async () => {
    const mapping = await compileOk(
      yaml(
        'version: 1',
        'x-anchors:',
        '  connection: &conn { host: plc, unitId: 1 }',
        '  float: &float { table: holding, type: float32 }',
        'devices:',
        '  - id: plc-1',
        '    adapter: fixture',
        '    connection: *conn',
        '    points:',
        '      /3303/0/5700: { source: { <<: *float, address: 0 } }',
        '      /3303/1/5700: { source: { <<: *float, address: 2, table: input } }',
      ),
    );
    expect(mapping.devices[0]?.points.map((p) => (p.kind === 'bound' ? p.source : undefined))).toEqual([
      { address: 0, table: 'holding', type: 'float32' },
      { address: 2, table: 'input', type: 'float32' },
    ]);
    expect(mapping.devices[0]?.connection).toEqual({ host: 'plc', port: 502, unitId: 1 });
  });

  it('locate errors in aliased text at the anchor', async () => {
    const lines = await compileIssues(
      yaml(
        'version: 1',
        'x-plc: &conn { host: plc, unitId: 900 }',
        'devices:',
        '  - id: plc-1',
        '    adapter: fixture',
        '    connection: *conn',
        '    points: { /3303/0/5700: { source: { table: holding, address: 0, type: float32 } } }',
      ),
    );
    expect(lines).toEqual(['plc.yml:2:35: connection.unitId 900 is too large; expected at most 247']);
  });

  it('reports other unknown top-level keys', async () => {
    expect(
      await compileIssues(
        yaml(
          'version: 1',
          'sources: {}',
          'devices:',
          '  - { id: a, adapter: fixture, connection: { host: h, unitId: 1 }, points: {} }',
        ),
      ),
    ).toEqual([
      'plc.yml:2:1: sources is not a known setting; expected one of version, objects, defaults, templates, devices, description',
    ]);
  });
});
