import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

function capture(): CommandOutput & { stdoutText: () => string; stderrText: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: (t) => {
      stdout += `${t}\n`;
    },
    stderr: (t) => {
      stderr += `${t}\n`;
    },
    stdoutText: () => stdout,
    stderrText: () => stderr,
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mappingFile(name: string, lines: readonly string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('adapter-host validate: a path that is not a mapping file', () => {
  it.each(['validate', 'plan', 'simulate', 'demo'])(
    '%s: no such file is a configuration error (exit 2), said in a plain sentence',
    async (command) => {
      const file = join(dir, 'nowhere.yml');
      const out = capture();
      expect(await runAdapterHostCli([command, file], { out, env: {}, stopSignal: Promise.resolve() })).toBe(
        ExitCode.USAGE,
      );
      expect(out.stderrText()).toBe(`adapter-host: ${file}: no such file\n`);
    },
  );

  it('a directory is a configuration error (exit 2)', async () => {
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    const out = capture();
    expect(await runAdapterHostCli(['validate', sub], { out, env: {} })).toBe(ExitCode.USAGE);
    expect(out.stderrText()).toBe(`adapter-host: ${sub}: is a directory, expected a mapping file\n`);
  });

  it('--json gives the same problem without a line and column', async () => {
    const file = join(dir, 'nowhere.yml');
    const out = capture();
    expect(await runAdapterHostCli(['validate', '--json', file], { out, env: {} })).toBe(ExitCode.USAGE);
    expect(JSON.parse(out.stdoutText())).toEqual({
      ok: false,
      code: 'MAPPING_FILE_MISSING',
      issues: [{ file, path: [], message: 'no such file' }],
    });
  });
});

describe('adapter-host validate: problems of the Modbus adapter', () => {
  it('refuses a point bit past the end of a 16-bit register and a source bit past 15', async () => {
    const file = await mappingFile('bits.yml', [
      'version: 1',
      'devices:',
      '  - id: a',
      '    adapter: modbus',
      '    connection: { transport: tcp, host: h }',
      '    points:',
      '      /3200/0/5500: { source: { table: holding, address: 7, type: uint16 }, bit: 16 }',
      '      /3200/1/5500: { source: { table: holding, address: 8, bit: 16 } }',
      '      /3200/2/5500: { source: { table: holding, address: 9, type: int32 }, bit: 31 }',
    ]);
    const out = capture();
    expect(await runAdapterHostCli(['validate', file], { out, env: {} })).toBe(ExitCode.MAPPING_INVALID);
    expect(out.stderrText()).toBe(
      [
        `${file}: 2 problem(s):`,
        `${file}:7:82: /3200/0/5500: bit 16 is past the end of the 16-bit source, so it would always read false; expected a bit number 0..15`,
        `${file}:8:66: /3200/1/5500: source.bit 16 is too large; expected at most 15`,
        '',
      ].join('\n'),
    );
  });

  it('reports a serial unit id error beside a missing path', async () => {
    const file = await mappingFile('rtu.yml', [
      'version: 1',
      'devices:',
      '  - id: a',
      '    adapter: modbus',
      '    connection: { transport: rtu, unitId: 0 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 0, type: float32 } }',
    ]);
    const out = capture();
    expect(await runAdapterHostCli(['validate', file], { out, env: {} })).toBe(ExitCode.MAPPING_INVALID);
    expect(out.stderrText()).toBe(
      [
        `${file}: 2 problem(s):`,
        `${file}:5:5: connection.path is required; expected text`,
        `${file}:5:43: connection.unitId 0 is not valid: unit 0 is the broadcast address on a serial line: devices do not reply to it; use 1..247`,
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters in the summary line and the file name', async () => {
    const file = await mappingFile('ctrl\u001b[2J.yml', ['version: 3']);
    const out = capture();
    expect(await runAdapterHostCli(['validate', file], { out, env: {} })).toBe(ExitCode.MAPPING_INVALID);
    expect(out.stderrText()).not.toContain(String.fromCharCode(27));
    expect(out.stderrText()).toContain('ctrl\\u001b[2J.yml: 1 problem(s):');
  });
});
