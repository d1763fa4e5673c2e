/**
 * `adapter-host` run through its CLI entry point inside the test process, the way the binary runs
 * it: flags parsed, mapping compiled, /healthz on an ephemeral port, JSON logs captured. Stop it
 * as SIGTERM would, ask for a reload as SIGHUP would.
 */
import { runAdapterHostCli } from '../../src/cli-main.js';
import type { ExitCodeValue } from '../../src/exit-codes.js';

export interface RunningHostCli {
  readonly exited: Promise<ExitCodeValue>;
  /** Where /healthz and /metrics answer. */
  readonly httpUrl: string;
  /** Everything the host wrote, in order (JSON log lines). */
  readonly logs: string[];
  /** Shuts down as SIGTERM does. */
  readonly stop: () => void;
  /** Asks for a reload as SIGHUP does. */
  readonly reload: () => void;
}

/**
 * Starts `adapter-host --mapping <mapping> --server <server> --mode per-device --http 0
 * --lifetime 60 --log-format json <extra>` and resolves once it is running (its /healthz served);
 * rejects if it exits first.
 */
export async function startHostCli(
  mapping: string,
  server: string,
  extra: string[] = [],
): Promise<RunningHostCli> {
  const logs: string[] = [];
  let stop!: () => void;
  const stopSignal = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const reloadListeners = new Set<() => void>();
  let httpUrl = '';
  let exited!: Promise<ExitCodeValue>;
  await new Promise<void>((resolve, reject) => {
    exited = runAdapterHostCli(
      [
        '--mapping',
        mapping,
        '--server',
        server,
        '--mode',
        'per-device',
        '--http',
        '0',
        '--lifetime',
        '60',
        '--log-format',
        'json',
        ...extra,
      ],
      {
        out: { stdout: (t) => logs.push(t), stderr: (t) => logs.push(t) },
        env: {},
        stopSignal,
        onReloadRequest: (listener) => {
          reloadListeners.add(listener);
          return () => reloadListeners.delete(listener);
        },
        isTty: false,
        onReady: (ready) => {
          httpUrl = ready.httpUrl ?? '';
          resolve();
        },
      },
    );
    exited.then(
      (code) => reject(new Error(`adapter-host exited ${code} before it was ready:\n${logs.join('')}`)),
      reject,
    );
  });
  return {
    exited,
    httpUrl,
    logs,
    stop,
    reload: () => {
      for (const listener of reloadListeners) listener();
    },
  };
}

/** The host's JSON log entries with this message, from log index `after` on. */
export function loggedEntries(host: RunningHostCli, msg: string, after = 0): Record<string, unknown>[] {
  return host.logs
    .slice(after)
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

/** Polls `probe` until it returns a value (errors count as "not yet"); fails with the last error after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}
