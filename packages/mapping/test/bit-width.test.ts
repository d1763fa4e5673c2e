import { describe, expect, it } from 'vitest';
import { compileIssues, compileOk, yaml } from './support/compile-text.js';

const device = (...points: string[]) =>
  yaml(
    'version: 1',
    'devices:',
    '  - id: a',
    '    adapter: fixture',
    '    connection: { host: h, unitId: 1 }',
    '    points:',
    ...points,
  );

describe('bit: N against the width of the source', () => {
  it('refuses a bit past the width of a 16-bit source', async () => {
    expect(
      await compileIssues(
        device(
          '      /3200/0/5500: { source: { table: holding, address: 7, type: uint16 }, bit: 16 }',
          '      /3200/1/5500: { source: { table: input, address: 7 }, bit: 63 }',
        ),
      ),
    ).toEqual([
      'plc.yml:7:82: /3200/0/5500: bit 16 is past the end of the 16-bit source, so it would always read false; expected a bit number 0..15',
      'plc.yml:8:66: /3200/1/5500: bit 63 is past the end of the 16-bit source, so it would always read false; expected a bit number 0..15',
    ]);
  });

  it('accepts every bit inside the source', async () => {
    const mapping = await compileOk(
      device(
        '      /3200/0/5500: { source: { table: holding, address: 7, type: uint16 }, bit: 15 }',
        '      /3200/1/5500: { source: { table: holding, address: 8, type: int32 }, bit: 31 }',
      ),
    );
    expect(mapping.devices[0]?.points.map((point) => point.kind === 'bound' && point.conversion)).toEqual([
      { bit: 15 },
      { bit: 31 },
    ]);
  });
});
