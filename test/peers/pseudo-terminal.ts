/**
 * A pseudo-terminal for tests of terminal output (`adapter-host watch`): Python's standard `pty`
 * module, run by the peers venv that install.sh guarantees. A missing venv fails loudly
 * (MissingPeerError) with the command that installs it; nothing is skipped.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingPeerError, peersHome } from './peer-process.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'pty_run.py');

export interface PtyRun {
  /** Everything the command wrote to its terminal, raw (escape sequences and \r\n included). */
  readonly output: string;
  readonly exitCode: number | null;
}

/** Runs `command args` with a terminal as stdin/stdout/stderr until it exits (or timeoutMs, then SIGTERM). */
export async function runUnderPty(
  command: string,
  args: readonly string[],
  options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv },
): Promise<PtyRun> {
  const python = join(peersHome, 'venv', 'bin', 'python');
  try {
    await access(python, constants.X_OK);
  } catch {
    throw new MissingPeerError(
      `no Python for the pseudo-terminal (${python}): run test/peers/install.sh (bash .ci/run installs every peer)`,
    );
  }
  const child = spawn(python, [script, command, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  clearTimeout(timer);
  if (errors !== '') output += errors;
  return { output, exitCode };
}
