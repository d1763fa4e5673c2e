/**
 * Starting and stopping third-party peers (pymodbus, socat, mbpoll, Leshan...) from tests.
 * A missing peer fails loudly with the command that installs it; nothing is ever skipped.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

/** Where user-space peers live (pymodbus venv, Leshan jars); `.ci/run` and `npm test` fill it. */
export const peersHome =
  process.env.LWM2M_ADAPTERS_PEERS ?? join(homedir(), '.cache', 'lwm2m-adapters', 'peers');

export class MissingPeerError extends Error {
  override readonly name = 'MissingPeerError';
}

/** Absolute path of an executable on PATH, or a MissingPeerError naming how to install it. */
export async function requireExecutable(name: string, installHint: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new MissingPeerError(
    `test peer "${name}" is not installed: ${installHint} (bash .ci/run installs every peer)`,
  );
}

export interface PeerProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr), for assertions and failure messages. */
  output(): string;
  /** Resolves when `pattern` appears in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<PeerProcess>();
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

export function startPeer(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** 'pipe' for peers driven over stdin (child.stdin); default 'ignore'. */
    stdin?: 'ignore' | 'pipe';
  } = {},
): PeerProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-500_000);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      out += `\n[spawn error] ${String(err)}`;
      resolve();
    });
  });
  let exitedFlag = false;
  void exited.then(() => {
    exitedFlag = true;
    for (const w of waiters) w();
  });
  const peer: PeerProcess = {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          } else if (exitedFlag) {
            cleanup();
            reject(new Error(`${command} exited before printing ${pattern}; output:\n${out.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `${command} did not print ${pattern} within ${timeoutMs} ms; output:\n${out.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 3000) {
      running.delete(peer);
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(peer);
  return peer;
}
