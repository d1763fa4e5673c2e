// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import { compileMappingText } from '../src/compile-mapping.js';
import { findDevicesListParts, PARTS_MIN_CHARACTERS } from '../src/devices-list-parts.js';
import { type CompileMappingResult, compileMapping } from '../src/index.js';
import { resolveFixture } from './support/compile-text.js';

const ENTRIES = 4000;

/**
 * A mapping large enough to be read in parts: `entry(i)` gives each device entry's lines; the
 * templates come after the list, with comments and other layouts between entries.
 */
function largeMapping(entry: (i: number) => string[] = plainEntry, indent = '  '): string {
  const lines = ['version: 1', 'defaults: { poll: 2s }', '# the devices', 'devices:'];
  for (let i = 0; i < ENTRIES; i++) {
    if (i % 500 === 0) lines.push(`# group ${i / 500}`, '');
    lines.push(...entry(i).map((line) => `${indent}${line}`));
  }
  lines.push(
    'templates:',
    '  sensor:',
    '    adapter: fixture',
    '    connection: { host: plc, unitId: 1 }',
    '    points:',
    '      /3303/0/5700: { source: { table: holding, address: 0, type: float32 }, scale: 0.1 }',
    '      /3303/0/5701: Cel',
    'description: |',
    '  A plant',
    '',
  );
  const text = lines.join('\n');
  expect(text.length).toBeGreaterThan(PARTS_MIN_CHARACTERS);
  return text;
}

function plainEntry(i: number): string[] {
  if (i % 7 === 3) return [`- { id: s${i}, template: sensor, connection: { unitId: ${(i % 200) + 1} } }`];
  return [
    `- id: s${i}`,
    '  template: sensor',
    `  connection: { host: "10.0.${i >> 8}.${i & 255}", unitId: ${(i % 200) + 1} }`,
    ...(i % 11 === 5 ? ['  # a comment inside an entry', '  description: >', '    folded', '    text'] : []),
  ];
}

/** compileMapping (in parts when it can, whole when a part does not parse cleanly) and the whole file. */
async function bothWays(text: string): Promise<[CompileMappingResult, CompileMappingResult]> {
  const options = { resolveAdapter: resolveFixture, env: {} };
  return [
    await compileMapping({ text, fileName: 'plc.yml' }, options),
    await compileMappingText('plc.yml', text, options, { inParts: false }),
  ];
}

describe('a large mapping read in parts', () => {
  it.each([
    ['indented list', '  '],
    ['list at column 0', ''],
  ])('compiles to what the whole file compiles to (%s)', async (_name, indent) => {
    const text = largeMapping(plainEntry, indent);
    expect(findDevicesListParts(text)?.parts.length).toBeGreaterThan(100);
    const [parts, whole] = await bothWays(text);
    expect(parts.ok).toBe(true);
    expect(parts).toEqual(whole);
    if (parts.ok) expect(parts.mapping.devices).toHaveLength(ENTRIES);
  });

  it('reports the problems of entries where they are, as the whole file does', async () => {
    const text = largeMapping((i) =>
      i === 2500
        ? [
            '- id: bad',
            '  template: sensor',
            '  connection: { unitId: 900 }',
            '  points: { /3303/1/5701: Cel }',
          ]
        : i === 1200
          ? ['- id: s1', '  template: sensor']
          : plainEntry(i),
    );
    const [parts, whole] = await bothWays(text);
    expect(parts).toEqual(whole);
    expect(
      parts.ok ? [] : parts.issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`),
    ).toEqual([
      expect.stringMatching(/: device id "s1" is already used at line \d+$/),
      expect.stringMatching(/: connection.unitId 900 is too large$/),
      expect.stringMatching(
        /: \/3303\/1: object 3303 "Temperature" instance 1 lacks mandatory resource 5700/,
      ),
    ]);
  });

  it.each<[string, (i: number) => string[], string?, string?]>([
    [
      'an unclosed { in an entry',
      (i: number) => (i === 2000 ? ['- { id: x, template: sensor'] : plainEntry(i)),
    ],
    [
      'an alias to an anchor before the list',
      (i: number) => (i === 2000 ? ['- id: x', '  <<: *base'] : plainEntry(i)),
      'x-base: &base { template: sensor }\n',
    ],
    ['a duplicate key in an entry', (i: number) => (i === 10 ? ['- id: x', '  id: y'] : plainEntry(i))],
    ['a second devices list', (i: number) => plainEntry(i), '', 'devices: []\n'],
  ])('with %s, reads the file whole', async (_name, entry, before = '', after = '') => {
    const [parts, whole] = await bothWays(`${before}${largeMapping(entry)}${after}`);
    expect(parts).toEqual(whole);
  });
});
