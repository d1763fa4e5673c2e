import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { ManualClock } from '@lwm2m-adapters/kit';
import { describe, expect, it } from 'vitest';
import {
  createModbusSimulator,
  type LocatedConfigIssue,
  loadSimulatorConfigFile,
  parseSimulatorConfig,
  parseSimulatorConfigYaml,
} from '../../src/simulator/index.js';

function configError(run: () => unknown): CodedError {
  try {
    run();
  } catch (error) {
    if (isCodedError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

function issuesOf(error: CodedError): readonly LocatedConfigIssue[] {
  return error.details.issues as readonly LocatedConfigIssue[];
}

const valid = `# A pump controller
seed: 7
tickMs: 50
units:
  - unitId: 1
    fault: { kind: slow, delayMs: 20 }
    holdingRegisters:
      - start: 0
        count: 100
        values: [1, 2, 0xFFFF, -1]
        points:
          - { address: 10, type: float32, wordOrder: CDAB, value: 21.5 }
          - { address: 12, type: float32, signal: { kind: sine, amplitude: 5, periodMs: 60000, offset: 20 } }
          - { address: 20, type: bool, bit: 3, value: true }
          - { address: 20, type: bool, bit: 4, signal: { kind: toggle, periodMs: 1000 } }
          - { address: 30, type: string, length: 4, value: PUMP-01 }
          - { address: 40, type: int64, value: '-9223372036854775808' }
      - { start: 1000, count: 10, readOnly: true, fill: 7 }
    coils:
      - { start: 0, count: 16, values: [true, false, 1] }
    discreteInputs:
      - start: 0
        count: 8
        points: [{ address: 2, signal: { kind: toggle, periodMs: 500 } }]
    inputRegisters:
      - { start: 0, count: 4, points: [{ address: 0, type: uint32, signal: { kind: counter, increment: 10 } }] }
  - unitId: 2
`;

describe('simulator configuration', () => {
  it('accepts a complete file and applies defaults', () => {
    const config = parseSimulatorConfigYaml(valid, 'pump.yml');
    expect(config.seed).toBe(7);
    expect(config.unknownUnit).toBe('exception');
    expect(config.units[0]?.holdingRegisters[1]).toMatchObject({
      readOnly: true,
      fill: 7,
      values: [],
      points: [],
    });
    expect(config.units[1]).toMatchObject({ unitId: 2, coils: [], holdingRegisters: [] });
  });

  it('names every structural problem with file:line:column', () => {
    const text = [
      'units:', //                                         1
      '  - unitId: 300', //                                2
      '    holdingRegisters:', //                          3
      '      - start: 0', //                               4
      '        count: 10', //                              5
      '        colour: red', //                            6
      '        points:', //                                7
      '          - { address: 1, type: float33 }', //      8
      '          - { address: 2, signal: { kind: wobble } }', // 9
    ].join('\n');
    const error = configError(() => parseSimulatorConfigYaml(text, 'bad.yml'));
    const lines = error.message.split('\n').slice(1);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bad\.yml:2:13: units\[0\]\.unitId: Too big/),
        'bad.yml:6:9: units[0].holdingRegisters[0].colour: unknown key "colour"',
        expect.stringMatching(
          /^bad\.yml:8:33: units\[0\]\.holdingRegisters\[0\]\.points\[0\]\.type: Invalid option/,
        ),
        expect.stringMatching(
          /^bad\.yml:9:43: units\[0\]\.holdingRegisters\[0\]\.points\[1\]\.signal\.kind: .*sine/,
        ),
      ]),
    );
    expect(issuesOf(error).every((issue) => issue.file === 'bad.yml' && issue.line > 0)).toBe(true);
  });

  it('names cross-field problems: overlaps, fits, types, duplicates', () => {
    const text = `units:
  - unitId: 1
    holdingRegisters:
      - start: 0
        count: 10
        points:
          - { address: 9, type: float32 }
          - { address: 0, type: uint16 }
          - { address: 0, type: int16 }
          - { address: 1, type: bool }
          - { address: 2, type: string }
          - { address: 3, type: float32, wordOrder: HGFEDCBA }
          - { address: 5, type: int16, value: 70000 }
          - { address: 6, type: string, length: 1, signal: { kind: sine, amplitude: 1, periodMs: 10 } }
          - { address: 7, type: uint16, value: 1, signal: { kind: counter } }
      - { start: 5, count: 10 }
      - { start: 65530, count: 10 }
    coils:
      - { start: 0, count: 2, values: [1, 2, 0] }
      - { start: 4, count: 2, points: [{ address: 4, type: uint16 }] }
  - unitId: 1
`;
    const error = configError(() => parseSimulatorConfigYaml(text, 'x.yml'));
    const byPath = new Map(
      issuesOf(error).map((issue) => [
        issue.path.join('.'),
        `${issue.line}:${issue.column} ${issue.message}`,
      ]),
    );
    const p = 'units.0.holdingRegisters.0.points';
    expect(byPath.get(`${p}.0.address`)).toMatch(
      /^7:24 the point occupies 9\.\.10, outside its range 0\.\.9/,
    );
    expect(byPath.get(`${p}.2.address`)).toMatch(
      /^9:24 address 0 is already used by units\[0\]\.holdingRegisters\[0\]\.points\[1\]/,
    );
    expect(byPath.get(`${p}.3.type`)).toMatch(/needs `bit`/);
    expect(byPath.get(`${p}.4.type`)).toMatch(/needs `length`/);
    expect(byPath.get(`${p}.5.wordOrder`)).toMatch(/64-bit/);
    expect(byPath.get(`${p}.6.value`)).toMatch(/^13:47 70000 does not fit int16/);
    expect(byPath.get(`${p}.7.signal.kind`)).toMatch(/sine signal cannot drive a string/);
    expect(byPath.get(`${p}.8.signal`)).toMatch(/either `value` or `signal`/);
    expect(byPath.get('units.0.holdingRegisters.1.start')).toMatch(/^16:18 range starting at 5 overlaps/);
    expect(byPath.get('units.0.holdingRegisters.2.count')).toMatch(/goes past address 65535/);
    expect(byPath.get('units.0.coils.0.values.1')).toMatch(/true\/false or 0\/1, not 2/);
    expect(byPath.get('units.0.coils.1.points.0.type')).toMatch(/type must be bool/);
    expect(byPath.get('units.1.unitId')).toMatch(/^21:13 unit 1 is already defined at units\[0\]/);
  });

  it('checks the values of constant and sequence signals against the point type', () => {
    const error = configError(() =>
      parseSimulatorConfig({
        units: [
          {
            unitId: 1,
            holdingRegisters: [
              {
                start: 0,
                count: 4,
                points: [
                  {
                    address: 0,
                    type: 'string',
                    length: 1,
                    signal: { kind: 'sequence', values: ['ok', 'too long'], periodMs: 10 },
                  },
                  { address: 1, type: 'bool', bit: 0, signal: { kind: 'constant', value: 'yes' } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(issuesOf(error).map((issue) => issue.path.join('.'))).toEqual([
      'units.0.holdingRegisters.0.points.0.signal.values.1',
    ]);
    expect(error.message).toMatch(/too long does not fit string: longer than 2 bytes/);
  });

  it('accepts the adapter types except bytes, and names the valid types and word orders', () => {
    const text = `units:
  - unitId: 1
    holdingRegisters:
      - start: 0
        count: 4
        points:
          - { address: 0, type: bytes, length: 2 }
          - { address: 2, type: float32, wordOrder: ABDC }
`;
    const error = configError(() => parseSimulatorConfigYaml(text, 'b.yml'));
    const types = '"bool"|"int16"|"uint16"|"int32"|"uint32"|"int64"|"uint64"|"float32"|"float64"|"string"';
    const orders = '"ABCD"|"CDAB"|"BADC"|"DCBA"|"ABCDEFGH"|"GHEFCDAB"|"BADCFEHG"|"HGFEDCBA"';
    expect(error.message.split('\n').slice(1)).toEqual([
      `b.yml:7:33: units[0].holdingRegisters[0].points[0].type: Invalid option: expected one of ${types}`,
      `b.yml:8:53: units[0].holdingRegisters[0].points[1].wordOrder: Invalid option: expected one of ${orders}`,
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = configError(() =>
      parseSimulatorConfigYaml('units:\n  - unitId: 1\n   bad: [1, 2\n', 's.yml'),
    );
    expect(error.message).toMatch(/s\.yml:\d+:\d+: /);
    expect(issuesOf(error)[0]?.line).toBeGreaterThan(1);
  });

  it('validates objects too, naming paths', () => {
    const error = configError(() => parseSimulatorConfig({ units: [{ unitId: 1, coils: [{ start: 0 }] }] }));
    expect(error.message).toContain('simulator config: units[0].coils[0].count: Invalid input');
    expect(() => parseSimulatorConfig({ units: [] })).toThrow(/units: Too small/);
  });

  it('loads a file and reports an unreadable one as CONFIG_INVALID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modbus-sim-config-'));
    try {
      const file = join(dir, 'sim.yml');
      await writeFile(file, valid);
      expect((await loadSimulatorConfigFile(file)).units).toHaveLength(2);
      await expect(loadSimulatorConfigFile(join(dir, 'missing.yml'))).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('cannot read simulator config'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the example configuration of the README', () => {
  it('loads and runs', async () => {
    const file = new URL('./fixtures/example-sim.yml', import.meta.url).pathname;
    const config = await loadSimulatorConfigFile(file);
    await using simulator = createModbusSimulator(config, { clock: new ManualClock() });
    expect(simulator.readValue(1, 'holdingRegisters', 30, { type: 'string', length: 4 })).toBe('PUMP-01');
    expect(simulator.getWords(1, 'holdingRegisters', 1000, 1)).toEqual([42]);
    expect(simulator.getFault(2)).toEqual({ kind: 'slow', delayMs: 50 });
  });
});
