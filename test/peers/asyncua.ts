/**
 * asyncua (PyPI 2.1.x, test/peers/requirements.txt) as the independent OPC UA server of the
 * interop and acceptance tests (asyncua_server.py): started on 127.0.0.1 with an ephemeral port
 * (kept across restarts), stopped and restarted on demand, values changed from the server side.
 * A missing peer fails loudly with the command that installs it; nothing is skipped.
 */
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileAsync, MissingPeerError, type PeerProcess, peersHome, startPeer } from './peer-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'asyncua_server.py');

export const ASYNCUA_VERSION = '2.1';

export interface AsyncuaServerConfig {
  readonly port?: number;
  /**
   * Offer only secured endpoints (`policies`), with a certificate made (once) in this folder, and
   * accept the user certificate it also makes there (user-cert.pem, user-key.pem).
   */
  readonly certDir?: string;
  /** asyncua SecurityPolicyType names; default ["Basic256Sha256_SignAndEncrypt"]. */
  readonly policies?: readonly string[];
  /** UserName tokens accepted (anonymous refused when given). */
  readonly users?: Readonly<Record<string, string>>;
  /** Objects of the address space (asyncua_server.py describes them); default ["Boiler1"]. */
  readonly objects?: readonly ('Boiler1' | 'Plant')[];
}

/** A value the server writes itself (a string NodeId of the test namespace). */
export interface AsyncuaServerWrite {
  /** e.g. "Boiler1.Float". */
  readonly node: string;
  /** asyncua VariantType name: Float, Double, Int64, Boolean, String, DateTime, ... */
  readonly type: string;
  /** bigint and Date are sent as decimal string and ISO 8601. */
  readonly value: number | bigint | boolean | string | Date;
}

export interface AsyncuaServer {
  readonly port: number;
  /** Namespace index of urn:lwm2m-adapters:asyncua-test. */
  readonly ns: number;
  readonly endpoint: string;
  readonly peer: PeerProcess;
  stop(): Promise<void>;
  /** Starts it again on the same port (a fresh server: values back to their defaults). */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** The server writes a value itself (as its process would); rejects when asyncua refuses it. */
  set(write: AsyncuaServerWrite): Promise<void>;
  /** The value the server holds, read by the server itself: JSON text (integers exact). */
  get(node: string): Promise<string>;
  /** Resolves with "a=<a> b=<b>" of the next Boiler1.Add call after `since` calls were seen. */
  waitForCall(since: number, timeoutMs?: number): Promise<string>;
  /** Add calls seen by the running process. */
  calls(): number;
}

export async function requireAsyncuaPython(): Promise<string> {
  const python = join(peersHome, 'venv', 'bin', 'python');
  const hint = `bash test/peers/install.sh (or ${python} -m pip install 'asyncua==${ASYNCUA_VERSION}.*')`;
  try {
    await access(python, constants.X_OK);
  } catch {
    throw new MissingPeerError(`test peer asyncua is not installed (no ${python}): ${hint}`);
  }
  const { stdout } = await execFileAsync(python, ['-c', 'import asyncua; print(asyncua.__version__)']).catch(
    (err: unknown) => {
      throw new MissingPeerError(
        `test peer asyncua cannot be imported by ${python}: ${hint}\n${String(err)}`,
      );
    },
  );
  if (!stdout.trim().startsWith(`${ASYNCUA_VERSION}.`))
    throw new MissingPeerError(
      `asyncua ${stdout.trim()} found, the tests are written for ${ASYNCUA_VERSION}.x: ${hint}`,
    );
  return python;
}

function addCalls(output: string): string[] {
  return [...output.matchAll(/^CALL Add (a=.*)$/gm)].map((m) => m[1] ?? '');
}

export async function startAsyncuaServer(config: AsyncuaServerConfig = {}): Promise<AsyncuaServer> {
  const python = await requireAsyncuaPython();
  const launch = async (port: number | undefined) => {
    const peer = startPeer(python, ['-u', script, JSON.stringify({ ...config, port: port ?? 0 })], {
      stdin: 'pipe',
    });
    try {
      const match = await peer.waitFor(/READY port=(\d+) ns=(\d+)/, 30_000);
      return { peer, port: Number(match[1]), ns: Number(match[2]) };
    } catch (err) {
      await peer.stop();
      throw err;
    }
  };
  let current: Awaited<ReturnType<typeof launch>> | undefined = await launch(config.port);
  const port = current.port;
  const ns = current.ns;
  const running = () => {
    if (current === undefined) throw new Error('the asyncua server is stopped');
    return current.peer;
  };
  let writes = 0;
  const server: AsyncuaServer = {
    port,
    ns,
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    get peer() {
      return running();
    },
    async stop() {
      await current?.peer.stop();
      current = undefined;
    },
    async start() {
      if (current !== undefined) return;
      // the port may linger briefly after a stop: retry a few times
      for (let attempt = 0; ; attempt++) {
        try {
          current = await launch(port);
          return;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
    async restart() {
      await server.stop();
      await server.start();
    },
    async set(write) {
      const peer = running();
      const value =
        typeof write.value === 'bigint'
          ? write.value.toString()
          : write.value instanceof Date
            ? write.value.toISOString()
            : write.value;
      const n = ++writes;
      const tag = `set-${n}`;
      peer.child.stdin?.write(`${JSON.stringify({ ...write, value, tag })}\n`);
      const answer = await peer.waitFor(new RegExp(`SET ${tag} (ok|error .*)`), 10_000);
      if (answer[1] !== 'ok') throw new Error(`asyncua refused ${JSON.stringify(write)}: ${answer[1]}`);
    },
    async get(node) {
      const peer = running();
      const tag = `get-${++writes}`;
      peer.child.stdin?.write(`${JSON.stringify({ node, tag })}\n`);
      const answer = await peer.waitFor(new RegExp(`GOT ${tag} (.*)`), 10_000);
      const text = answer[1] ?? '';
      if (text.startsWith('error ')) throw new Error(`asyncua cannot read ${node}: ${text}`);
      return text;
    },
    calls: () => addCalls(running().output()).length,
    async waitForCall(since, timeoutMs = 10_000) {
      const peer = running();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = addCalls(peer.output());
        const call = seen[since];
        if (call !== undefined) return call;
        if (Date.now() > deadline)
          throw new Error(
            `asyncua saw no Add call #${since + 1} in ${timeoutMs} ms:\n${peer.output().slice(-2000)}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return server;
}
