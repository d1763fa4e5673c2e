/** When `adapter-host` restarts itself with its V8 heap flags, and with what command line. */
import { describe, expect, it } from 'vitest';
import { relaunchArgs } from '../src/cli/heap-flags.js';

const facts = (argv: string[], env: Record<string, string> = {}, execArgv: string[] = []) => ({
  execPath: '/usr/bin/node',
  execArgv,
  argv: ['/usr/bin/node', '/opt/bin/adapter-host.js', ...argv],
  env,
});

describe('relaunchArgs', () => {
  it('restarts `run` (named or the default command) with --max-semi-space-size=2, --heap-growing-percent=25 and no pretenuring, keeping flags and arguments', () => {
    expect(relaunchArgs(facts(['run', '--mapping', 'plc.yml'], {}, ['--enable-source-maps']))).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=2',
      '--heap-growing-percent=25',
      '--no-allocation-site-pretenuring',
      '--enable-source-maps',
      '/opt/bin/adapter-host.js',
      'run',
      '--mapping',
      'plc.yml',
    ]);
    expect(relaunchArgs(facts(['--mapping', 'plc.yml']))?.slice(1, 5)).toEqual([
      '--max-semi-space-size=2',
      '--heap-growing-percent=25',
      '--no-allocation-site-pretenuring',
      '/opt/bin/adapter-host.js',
    ]);
    // a growth or pretenuring the user chose stays theirs (flag or NODE_OPTIONS, - or _)
    expect(relaunchArgs(facts(['run'], {}, ['--heap-growing-percent=50']))).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=2',
      '--no-allocation-site-pretenuring',
      '--heap-growing-percent=50',
      '/opt/bin/adapter-host.js',
      'run',
    ]);
    expect(
      relaunchArgs(
        facts(['run'], { NODE_OPTIONS: '--allocation_site_pretenuring' }, ['--heap_growing_percent=40']),
      ),
    ).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=2',
      '--heap_growing_percent=40',
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
