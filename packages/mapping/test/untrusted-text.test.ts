import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMapping, formatMappingIssue, printCompiledMapping } from '../src/index.js';
import {
  compileIssueObjects,
  compileIssues,
  compileOk,
  compileText,
  resolveFixture,
  yaml,
} from './support/compile-text.js';

/** C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a terminal shows. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** What a terminal would obey in printed text (the line breaks of indented JSON aside). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_PRINTED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mapping-untrusted-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('control characters in a mapping', () => {
  const ESC = '\u001b';
  const hostile = yaml(
    'version: 1',
    'templates:',
    `  t${ESC}[2J:`,
    '    adapter: fixture',
    '    connection: { host: h, unitId: 1, "\\e]0;title\\a": 1 }',
    '    points:',
    `      /3303/0/5700${ESC}[31m: [1]`,
    `      /3303/0/5701: { source: { table: "${ESC}[2Jholding\u009b31m", address: 1 } }`,
    'devices:',
    `  - id: "a${ESC}[1m\${n}"`,
    `    template: "t${ESC}[2J"`,
    '    instances: { n: 1..2 }',
    `  - id: b`,
    `    adapter: "fix\u202eture"`,
    `    template: "x${ESC}c"`,
  );

  it('are shown escaped in every message, expected text and device name', async () => {
    const issues = await compileIssueObjects(hostile);
    expect(issues.length).toBeGreaterThan(4);
    for (const issue of issues) {
      const text = formatMappingIssue(issue);
      expect(text, text).not.toMatch(UNSAFE);
      expect(JSON.stringify(issue)).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(issues.map(formatMappingIssue).join('\n')).toContain('\\u001b[31m');
  });

  it('are escaped in the file name', async () => {
    const result = await compileText('version: 2\n', { env: {} }).then(() =>
      compileMapping(
        { text: 'version: 2\n', fileName: `plc${ESC}[2J.yml` },
        { resolveAdapter: resolveFixture, env: {} },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatMappingIssue(result.issues[0]!)).toMatch(/^plc\\u001b\[2J\.yml:1:10: /);
  });
});

describe('control characters in a valid mapping', () => {
  it('are escaped in the printed compiled mapping, which reads back the same', async () => {
    const mapping = await compileOk(
      yaml(
        'version: 1',
        'devices:',
        '  - id: a',
        '    adapter: fixture',
        '    connection: { host: "h\\e[2J", unitId: 1 }',
        '    points:',
        '      /3303/0/5701: "\\u009b31m\\u202eCel\\u007f"',
        '      /3303/0/5700: { source: { table: holding, address: 0, type: float32 }, units: "\\x1b]0;t\\x07" }',
      ),
    );
    const printed = printCompiledMapping(mapping);
    expect(printed).not.toMatch(UNSAFE_PRINTED);
    expect(printed).toContain('"constant": "\\u009b31m\\u202eCel\\u007f"');
    expect(JSON.parse(printed)).toEqual(JSON.parse(JSON.stringify(mapping)));
  });
});

describe('long text quoted in messages', () => {
  it('is cut short', async () => {
    const key = `/3303/0/${'9'.repeat(1000)}`;
    const name = 'n'.repeat(5000);
    const lines = await compileIssues(
      yaml(
        'version: 1',
        'devices:',
        '  - id: a',
        '    adapter: fixture',
        `    template: ${name}`,
        '    connection: { host: h, unitId: 1 }',
        '    points:',
        `      ${key}: 1`,
      ),
    );
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length, line).toBeLessThan(400);
    expect(lines[0]).toContain(`template "${'n'.repeat(40)}`);
    expect(lines[0]).toContain('..." (5000 characters) is not defined');
  });
});

describe('binary input', () => {
  it('is "not a text file" at the first NUL', async () => {
    const text = `version: 1\nde\u0000vices: ${'\u0001\u0002\u00ff'.repeat(2000)}\n`;
    expect(await compileIssues(text)).toEqual(['plc.yml:2:3: not a text file (NUL at 2:3)']);
  });

  it('is "not a text file" at the first byte that is not UTF-8', async () => {
    const file = join(dir, 'binary.yml');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('version: 1\ndevices: é'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.alloc(4000, 0x9b),
      ]),
    );
    const result = await compileMapping(file, { resolveAdapter: resolveFixture, env: {} });
    expect(result).toEqual({
      ok: false,
      code: 'MAPPING_UNREADABLE',
      issues: [{ file, line: 2, column: 11, path: [], message: 'not a text file (invalid UTF-8 at 2:11)' }],
    });
  });
});

describe('a path that is not a mapping file', () => {
  it('is "no such file", without a line and column', async () => {
    const file = join(dir, 'missing.yml');
    const result = await compileMapping(file, { resolveAdapter: resolveFixture, env: {} });
    expect(result).toEqual({
      ok: false,
      code: 'MAPPING_FILE_MISSING',
      issues: [{ file, path: [], message: 'no such file' }],
    });
    if (!result.ok) expect(formatMappingIssue(result.issues[0]!)).toBe(`${file}: no such file`);
  });

  it('is "is a directory, expected a mapping file"', async () => {
    const result = await compileMapping(dir, { resolveAdapter: resolveFixture, env: {} });
    expect(result).toEqual({
      ok: false,
      code: 'MAPPING_FILE_MISSING',
      issues: [{ file: dir, path: [], message: 'is a directory, expected a mapping file' }],
    });
  });
});
