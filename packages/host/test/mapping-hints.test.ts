import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

function capture(): CommandOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hints-'));
  file = join(dir, 'hints.yml');
  await writeFile(
    file,
    `version: 1
devices:
  - id: meter
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: 5020, unitId: 1 }
    points:
      /3303/0/5700: { source: { table: holding, address: 40010, type: int16 } }
      /3303/1/5700: { source: { table: input, address: 30001, type: int16 } }
      /3303/2/5700: { source: { table: input, address: 0, type: int16 } }
      /3303/3/5700: { source: { table: input, address: 3, type: int16 } }
      /3303/4/5700: { source: { table: input, address: 12, type: int16 } }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, access: w }
      /3311/0/5850: { source: { table: coil, address: 40001 } }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const expected = (f: string) => [
  `${f}:3:5: hint: meter: maxGap: 2 would save 1 of 5 register requests per poll cycle (reading unmapped registers in between; only if the device answers them)`,
  `${f}:3:5: hint: meter: maxGap: 8 would save 2 of 5 register requests per poll cycle (reading unmapped registers in between; only if the device answers them)`,
  `${f}:7:7: hint: /3303/0/5700: address 40010 looks like Modicon numbering (holding 40010); addresses are 0-based, so that register is address 9`,
  `${f}:8:7: hint: /3303/1/5700: address 30001 looks like Modicon numbering (input 30001); addresses are 0-based, so that register is address 0`,
  `${f}:12:7: hint: /3308/0/5900 is never read: access: w, no poll, and a server's Read or Observe of it gets no value; use access: rw if the device can report it`,
];

describe('hints in validate and plan', () => {
  it('validate: valid (exit 0), hints beside the summary with file:line:column', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['validate', file], { out: c, env: {} })).toBe(ExitCode.OK);
    expect(c.out[0]).toMatch(/: valid\n/);
    expect(c.err.join('\n').split('\n')).toEqual(expected(file));
  });

  it('validate --json carries the hints', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['validate', file, '--json'], { out: c, env: {} })).toBe(ExitCode.OK);
    const result = JSON.parse(c.out.join('')) as { hints: { message: string; path?: string }[] };
    expect(result.hints.map((h) => h.message)).toHaveLength(5);
    expect(result.hints[2]).toMatchObject({ path: '/3303/0/5700', deviceId: 'meter' });
    expect(c.err).toEqual([]);
  });

  it('plan prints them after the plan', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['plan', file], { out: c, env: {} })).toBe(ExitCode.OK);
    const text = c.out.join('\n');
    expect(text.slice(text.indexOf('\n\n') + 2).split('\n')).toEqual(expected(file));
  });

  it('a maxGap already wide enough, 0-based addresses and readable points give no hint', async () => {
    const quiet = join(dir, 'quiet.yml');
    await writeFile(
      quiet,
      `version: 1
devices:
  - id: meter
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: 5020, unitId: 1, maxGap: 8 }
    points:
      /3303/2/5700: { source: { table: input, address: 0, type: int16 } }
      /3303/3/5700: { source: { table: input, address: 3, type: int16 } }
      /3303/4/5700: { source: { table: input, address: 12, type: int16 } }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, access: rw }
`,
    );
    const c = capture();
    expect(await runAdapterHostCli(['validate', quiet], { out: c, env: {} })).toBe(ExitCode.OK);
    expect(c.err).toEqual([]);
  });
});
