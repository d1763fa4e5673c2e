/** Starts asyncua_server.py (asyncua from the peers venv) on a free port; a missing asyncua fails loudly. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingPeerError } from '../../../../test/peers/peer-process.js';
import { asyncuaPython } from '../simulator/asyncua-client.js';
import { freeTcpPort } from '../simulator/free-tcp-port.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'asyncua_server.py');

export interface AsyncuaServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startAsyncuaServer(): Promise<AsyncuaServer> {
  const python = await asyncuaPython();
  const port = await freeTcpPort();
  const child = spawn(python, [script, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`asyncua server did not start in 30 s:\n${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(`listening ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        /No module named 'asyncua'/.test(stderr)
          ? new MissingPeerError(`asyncua cannot be imported by ${python}: bash test/peers/install.sh`)
          : new Error(`asyncua server exited (${code}):\n${stderr}`),
      );
    });
  });
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
