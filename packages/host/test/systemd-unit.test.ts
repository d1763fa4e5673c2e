/**
 * The systemd unit shipped in packages/host/deploy passes `systemd-analyze verify` without a
 * single complaint, and says what production needs: reload by SIGHUP, a restart policy that does
 * not retry configuration errors, a dedicated user, state and PKI folders. systemd-analyze comes
 * from the Debian `systemd` package (test/peers/install.sh); without it this test fails.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const deploy = resolve(import.meta.dirname, '../deploy');
const BINARY = '/usr/local/bin/adapter-host';

let dir: string;
let unit: string;

/** `systemd-analyze verify` of `text` (as adapter-host.service, its ExecStart binary a stub here). */
async function verify(text: string): Promise<{ code: number; output: string }> {
  const file = join(dir, 'adapter-host.service');
  await writeFile(file, text.replaceAll(BINARY, join(dir, 'adapter-host')));
  try {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', '--man=no', file]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('systemd-analyze is missing: apt-get install systemd (test/peers/install.sh does)');
    }
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-unit-'));
  // systemd-analyze checks that ExecStart names an executable; the installed binary is not here
  await writeFile(join(dir, 'adapter-host'), '#!/bin/sh\nexit 0\n');
  await chmod(join(dir, 'adapter-host'), 0o755);
  unit = await readFile(join(deploy, 'adapter-host.service'), 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deploy/adapter-host.service', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    expect(await verify(unit)).toEqual({ code: 0, output: '' });
  });

  it('is checked for real: a broken copy draws complaints', async () => {
    const broken = await verify(unit.replace('Restart=on-failure', 'Restart=sometimes'));
    expect(broken.output).toContain('Failed to parse service restart specifier');
  });

  it('runs the installed binary as a dedicated user, reloads by SIGHUP, restarts but not on configuration errors', () => {
    const lines = unit.split('\n').filter((l) => !l.startsWith('#'));
    const values = (key: string) =>
      lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
    expect(values('ExecStart')[0]).toMatch(
      /^\/usr\/local\/bin\/adapter-host --mapping \/etc\/adapter-host\//,
    );
    expect(values('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(values('KillSignal')).toEqual(['SIGTERM']);
    expect(values('Restart')).toEqual(['on-failure']);
    expect(values('RestartPreventExitStatus')).toEqual(['2 3']);
    expect(values('User')).toEqual(['adapter-host']);
    expect(values('StateDirectory')).toEqual(['adapter-host']);
    expect(values('ConfigurationDirectory')).toEqual(['adapter-host adapter-host/pki']);
  });

  it('ships the sysusers.d entry that makes the dedicated user', async () => {
    const sysusers = await readFile(join(deploy, 'adapter-host.sysusers.conf'), 'utf8');
    expect(sysusers).toMatch(/^u adapter-host - ".*" \/var\/lib\/adapter-host$/m);
  });
});
