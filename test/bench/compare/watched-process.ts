/**
 * A benchmark's child process (a poller, a client under test): the last 4,000 characters it
 * printed, for error messages, and a stop that sends SIGTERM, then SIGKILL after a grace period.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface WatchedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** The tail of its stdout and stderr together. */
  output(): string;
  alive(): boolean;
  /** SIGTERM, SIGKILL after `killAfterMs`; resolves once it exited. Idempotent. */
  stop(killAfterMs: number): Promise<void>;
}

export function spawnWatched(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): WatchedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    output: () => output,
    alive,
    async stop(killAfterMs) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
