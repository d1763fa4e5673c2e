/** When `adapter-host` restarts itself with a small young generation, and with what command line. */
import { describe, expect, it } from 'vitest';
import { relaunchArgs } from '../src/cli/young-generation.js';

const facts = (argv: string[], env: Record<string, string> = {}, execArgv: string[] = []) => ({
  execPath: '/usr/bin/node',
  execArgv,
  argv: ['/usr/bin/node', '/opt/bin/adapter-host.js', ...argv],
  env,
});

describe('relaunchArgs', () => {
  it('restarts `run` (named or the default command) with --max-semi-space-size=2 and --heap-growing-percent=25, keeping flags and arguments', () => {
    expect(relaunchArgs(facts(['run', '--mapping', 'plc.yml'], {}, ['--enable-source-maps']))).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=2',
      '--heap-growing-percent=25',
      '--enable-source-maps',
      '/opt/bin/adapter-host.js',
      'run',
      '--mapping',
      'plc.yml',
    ]);
    expect(relaunchArgs(facts(['--mapping', 'plc.yml']))?.slice(1, 4)).toEqual([
      '--max-semi-space-size=2',
      '--heap-growing-percent=25',
      '/opt/bin/adapter-host.js',
    ]);
    // a growth the user chose stays theirs
    expect(relaunchArgs(facts(['run'], {}, ['--heap-growing-percent=50']))).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=2',
      '--heap-growing-percent=50',
      '/opt/bin/adapter-host.js',
      'run',
    ]);
  });

  it('takes the size from ADAPTER_HOST_SEMI_SPACE_MB; 0 or off keeps Node default', () => {
    expect(relaunchArgs(facts(['run'], { ADAPTER_HOST_SEMI_SPACE_MB: '4' }))?.[1]).toBe(
      '--max-semi-space-size=4',
    );
    expect(relaunchArgs(facts(['run'], { ADAPTER_HOST_SEMI_SPACE_MB: 'off' }))).toBeUndefined();
    expect(relaunchArgs(facts(['run'], { ADAPTER_HOST_SEMI_SPACE_MB: '0' }))).toBeUndefined();
    expect(relaunchArgs(facts(['run'], { ADAPTER_HOST_SEMI_SPACE_MB: 'lots' }))).toBeUndefined();
  });

  it('does not restart when the size is chosen already (flag or NODE_OPTIONS) or for other commands', () => {
    expect(relaunchArgs(facts(['run'], {}, ['--max-semi-space-size=8']))).toBeUndefined();
    expect(relaunchArgs(facts(['run'], { NODE_OPTIONS: '--max-semi-space-size=1' }))).toBeUndefined();
    expect(relaunchArgs(facts(['validate', 'plc.yml']))).toBeUndefined();
    expect(relaunchArgs(facts(['--help']))).toBeUndefined();
  });
});
