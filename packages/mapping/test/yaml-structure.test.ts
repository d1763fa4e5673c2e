import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../src/index.js';
import { compileIssues, compileOk, compileText, yaml } from './support/compile-text.js';

describe('YAML structure a mapping file may not have', () => {
  it('several documents: says which --- to remove', async () => {
    expect(await compileIssues(yaml('version: 1', 'devices: []', '---', 'version: 1'))).toEqual([
      'plc.yml:3:1: a mapping file holds one document; remove the --- at 3:1',
    ]);
  });

  it('a leading --- is one document', async () => {
    expect(await compileIssues(yaml('---', 'version: 2'))).toEqual([
      'plc.yml:2:10: version 2 is not supported by this version of lwm2m-adapters; expected version: 1',
    ]);
  });

  it.each([
    ['flow', `version: 1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 2, 3 + MAX_NESTING_DEPTH],
    [
      'flow, not deep enough to overflow the stack',
      `version: 1\nx: ${'{a: '.repeat(200)}1${'}'.repeat(200)}\n`,
      2,
      4 * MAX_NESTING_DEPTH,
    ],
    [
      'block',
      `version: 1\nx:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n`,
      2 + MAX_NESTING_DEPTH,
      MAX_NESTING_DEPTH + 1,
    ],
  ])('nesting deeper than the limit (%s): says so where it starts', async (_name, text, line, column) => {
    const result = await compileText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      line,
      column,
      message: `nesting deeper than ${MAX_NESTING_DEPTH} levels`,
    });
  });
});

describe('YAML mistakes are shown where they are', () => {
  it('an unclosed { at its opening', async () => {
    expect(
      await compileIssues(
        yaml(
          'version: 1',
          'devices:',
          '  - id: a',
          '    adapter: fixture',
          '    connection: { host: h, unitId: 1',
          '    points:',
          '      /3303/0/5700: 1',
        ),
      ),
    ).toEqual(['plc.yml:5:17: YAML: this { is not closed; expected a } after its last entry']);
  });

  it('an unclosed [ at its opening', async () => {
    expect(await compileIssues(yaml('version: 1', 'objects: [a.xml, b.xml', 'devices: []'))).toEqual([
      'plc.yml:2:10: YAML: this [ is not closed; expected a ] after its last item',
    ]);
  });

  it.each([
    ['"', 'a double'],
    ["'", 'a single'],
  ])('an unclosed %s quote at its opening (%s quote)', async (quote) => {
    expect(
      await compileIssues(
        yaml('version: 1', 'devices:', `  - id: ${quote}a`, '    adapter: fixture', '    points: {}'),
      ),
    ).toEqual([`plc.yml:3:9: YAML: this ${quote} is not closed; expected a ${quote} at the end of the text`]);
  });

  it('closed quotes with escaped or doubled quotes inside are fine', async () => {
    const mapping = await compileOk(
      yaml(
        'version: 1',
        'description: "a \\"quoted\\" word and a backslash \\\\"',
        'devices:',
        "  - { id: a, adapter: fixture, connection: { host: 'it''s', unitId: 1 }, points: { /3303/0/5701: '' } }",
        '  - { id: b, adapter: fixture, connection: { host: "", unitId: 1 }, points: { /3303/0/5701: "\\"" } }',
      ),
    ).catch((error: unknown) => error);
    expect(mapping).toBeInstanceOf(Error);
    expect(String(mapping)).not.toContain('is not closed');
    expect(String(mapping)).toContain('connection.host "" is too short');
  });

  it('a duplicate key: names the key and where it first is', async () => {
    expect(
      await compileIssues(yaml('version: 1', 'devices:', '  - id: a', '    adapter: fixture', '    id: b')),
    ).toEqual(['plc.yml:5:5: duplicate key "id", first at line 3; expected each key once per mapping']);
  });
});
