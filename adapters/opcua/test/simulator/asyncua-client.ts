/**
 * Runs asyncua_client.py (asyncua from the peers venv) against an endpoint. A missing asyncua
 * fails loudly with the command that installs it; nothing is skipped.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingPeerError, peersHome } from '../../../../test/peers/peer-process.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'asyncua_client.py');

export type AsyncuaOp =
  | { readonly op: 'read'; readonly node: string }
  | { readonly op: 'write'; readonly node: string; readonly type: string; readonly value: unknown }
  | {
      readonly op: 'call';
      readonly object: string;
      readonly method: string;
      readonly args?: readonly { readonly type: string; readonly value: unknown }[];
    }
  | { readonly op: 'browse_path'; readonly path: readonly string[] };

export interface AsyncuaResult {
  readonly status: string;
  readonly type?: string | null;
  readonly value?: unknown;
  readonly node?: string;
}

export async function asyncuaPython(): Promise<string> {
  const python = join(peersHome, 'venv', 'bin', 'python');
  try {
    await access(python, constants.X_OK);
  } catch {
    throw new MissingPeerError(
      `test peer asyncua is not installed (no ${python}): bash test/peers/install.sh`,
    );
  }
  return python;
}

export async function runAsyncuaClient(request: {
  readonly endpoint: string;
  readonly username?: string;
  readonly password?: string;
  readonly ops: readonly AsyncuaOp[];
}): Promise<readonly AsyncuaResult[]> {
  const python = await asyncuaPython();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      python,
      [script],
      { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
      (error, out, err) => {
        if (error !== null) {
          reject(
            /No module named 'asyncua'/.test(err)
              ? new MissingPeerError(`asyncua cannot be imported by ${python}: bash test/peers/install.sh`)
              : new Error(`asyncua client failed: ${error.message}\n${err}`),
          );
        } else resolve(out);
      },
    );
    child.stdin?.end(JSON.stringify(request));
  });
  return (JSON.parse(stdout) as { results: AsyncuaResult[] }).results;
}
