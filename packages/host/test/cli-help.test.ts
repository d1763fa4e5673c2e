import { describe, expect, it } from 'vitest';
import { RUN_ENVIRONMENT, RUN_OPTION_FLAGS, runInput } from '../src/cli/run-settings.js';
import { type CommandOutput, ExitCode, runAdapterHostCli, usage } from '../src/index.js';

function capture(): CommandOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

const wide = (text: string) => text.split('\n').filter((line) => line.length > 80);

describe('adapter-host --help', () => {
  it('fits 80 columns', () => {
    expect(wide(usage)).toEqual([]);
  });

  it('lists every run flag with the environment variable that gives it, and each variable works', () => {
    expect([...RUN_OPTION_FLAGS].sort()).toEqual(Object.keys(RUN_ENVIRONMENT).sort());
    const flat = usage.replace(/\n\s+/g, ' ');
    for (const [flag, variable] of Object.entries(RUN_ENVIRONMENT)) {
      expect(flat).toMatch(new RegExp(`--${flag}\\b[^\\n]*?\\[${variable}[\\]=]`));
      const value = flag === 'watch' ? '1' : 'x';
      expect(runInput({}, { [variable]: value })[flag], variable).toBe(flag === 'watch' ? true : value);
    }
  });

  it('answers <command> --help with that command only, in 80 columns', async () => {
    for (const command of ['run', 'validate', 'plan', 'simulate', 'watch', 'read', 'write', 'demo']) {
      const c = capture();
      expect(await runAdapterHostCli([command, '--help'], { out: c, env: {} })).toBe(ExitCode.OK);
      const text = c.out.join('\n');
      expect(text.startsWith(`usage: adapter-host ${command} `), text).toBe(true);
      expect(text).not.toContain('other commands:');
      expect(wide(text)).toEqual([]);
    }
    const anyProbe = capture();
    expect(await runAdapterHostCli(['probe', '--help'], { out: anyProbe, env: {} })).toBe(ExitCode.OK);
    expect(anyProbe.out.join('\n')).toMatch(/^usage: adapter-host probe <adapter> <target> \[options\]\n/);
    const probe = capture();
    expect(await runAdapterHostCli(['probe', 'modbus', '--help'], { out: probe, env: {} })).toBe(ExitCode.OK);
    expect(probe.out.join('\n')).toContain('--type TYPE');
    expect(wide(probe.out.join('\n'))).toEqual([]);
  });

  it('answers a usage error with the message and a short usage line, not the whole help', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['validate', '--bogus'], { out: c, env: {} })).toBe(ExitCode.USAGE);
    expect(c.err.join('\n').split('\n')).toEqual([
      expect.stringContaining("adapter-host: Unknown option '--bogus'"),
      'usage: adapter-host validate <mapping>',
      '(adapter-host validate --help for more)',
    ]);
    const unknown = capture();
    expect(await runAdapterHostCli(['frobnicate', 'x.yml'], { out: unknown, env: {} })).toBe(ExitCode.USAGE);
    const [message, ...short] = unknown.err.join('\n').split('\n');
    expect(message).toContain('unknown command "frobnicate"');
    expect(short).toEqual([
      'usage: adapter-host [<command>] <mapping> [options]',
      '(adapter-host --help for more)',
    ]);
  });
});
