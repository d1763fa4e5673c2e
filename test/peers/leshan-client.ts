/**
 * A real third-party LwM2M 1.1 client for the server-side tests: the Eclipse Leshan client library
 * (leshan-client-cf 2.0.0-M15, Californium 3.12, Maven Central) in a small harness
 * (test/peers/leshan-client/LeshanClientHarness.java) driven over stdio. Maven Central serves no
 * Leshan demo client, hence the harness. It binds an ephemeral UDP port on 127.0.0.1 and registers
 * with `serverUri` (coap://, or coaps:// with `psk`).
 *
 * Objects: Security, Server, Device /3/0 (Reboot /3/0/4, Current Time /3/0/13), Temperature
 * /3303/0 (5700 set by the test with `set`, 5601/5602 follow it, 5605 resets them, 5701 "Cel") and
 * Light Control /3311/0 (5850 boolean, 5851 integer, 5706 string: writable). Leshan's default
 * content formats (advertised ct="60 110 112 11542 11543").
 *
 * Protocol: one JSON object per line both ways (see the .java file), every line validated with zod
 * (leshan-client/schemas.ts); events are logged for tests to wait on. A missing JDK or library
 * fails loudly (MissingPeerError), never skips.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileHarness } from './leshan/harness-build.js';
import { leshanHome } from './leshan.js';
import {
  type LeshanClientEvent,
  type LeshanClientValue,
  leshanClientEventSchema,
  leshanClientReplySchema,
} from './leshan-client/schemas.js';
import { PeerEventLog } from './peer-event-log.js';
import { MissingPeerError, type PeerProcess, requireExecutable, startPeer } from './peer-process.js';

export type { LeshanClientEvent, LeshanClientValue } from './leshan-client/schemas.js';

/** The Leshan client library version the harness is written for (test/peers/leshan-client/pom.xml). */
export const LESHAN_CLIENT_VERSION = '2.0.0-M15';
const MAIN_CLASS = 'LeshanClientHarness';
const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, 'leshan-client');
const clientLib = join(leshanHome, 'client-lib');
const clientClasses = join(leshanHome, 'client-classes');
/** The OMA object definitions (3303, 3311) the harness instantiates; Leshan bundles only the core ones. */
const omaRegistry = join(here, '../../packages/lwm2m-core/registry/oma');
const INSTALL_HINT = 'bash test/peers/install.sh (needs a JDK 17 and mvn; fetches from Maven Central)';
const JVM_OPTIONS = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-Xmx128m',
  // Leshan logs through slf4j-simple: warnings only, on stderr, so stdout stays JSON.
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.logFile=System.err',
];
const COMMAND_TIMEOUT_MS = 15_000;

export interface LeshanClientOptions {
  /** `coap://127.0.0.1:<port>`, or `coaps://...` with `psk`. */
  readonly serverUri: string;
  readonly endpoint: string;
  /** Registration lifetime in seconds (default 300). */
  readonly lifetime?: number;
  /** Short Server ID of the Security and Server instances (default 123). */
  readonly shortServerId?: number;
  /** DTLS-PSK credentials (Security mode 0); the key as hex or bytes. */
  readonly psk?: { readonly identity: string; readonly key: string | Uint8Array };
  /** Device /3/0 strings (defaults: "Eclipse Leshan", "leshan-client-cf harness", "LC-0001", "2.0.0-M15"). */
  readonly device?: {
    readonly manufacturer?: string;
    readonly model?: string;
    readonly serial?: string;
    readonly firmware?: string;
  };
  /** How long Register / Update wait for the server (and a DTLS handshake), default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Register right after the JVM is up (default true); with false, call `start()`. */
  readonly register?: boolean;
  /** Spawn → harness ready (default 30 s). */
  readonly startTimeoutMs?: number;
}

export interface LeshanClient extends AsyncDisposable {
  readonly endpoint: string;
  readonly peer: PeerProcess;
  /** Spawn → harness ready, in ms (JVM start, class loading, objects built). */
  readonly startupMs: number;
  /** Everything the harness reported, in order; wait with `events.waitFor(...)`. */
  readonly events: PeerEventLog<LeshanClientEvent>;
  /** Starts the client: it registers (watch for 'registered' / 'registrationFailed'). */
  start(): Promise<void>;
  /** A Registration Update now. */
  update(): Promise<void>;
  /** A new value for a resource of the harness (typed by its model: a number for 5700); observers are notified. */
  set(path: string, value: LeshanClientValue): Promise<void>;
  /** The current value of a resource as the client holds it. */
  get(path: string): Promise<LeshanClientValue>;
  /** De-registers and stops the client (the JVM stays; `start()` registers again). */
  stop(): Promise<void>;
  /** Kills the JVM without de-registering (closes stdin, then SIGTERM / SIGKILL). Idempotent. */
  close(): Promise<void>;
}

/** The java executable and the harness classpath, compiling the harness first if needed. */
export async function requireLeshanClient(): Promise<{ java: string; classpath: string }> {
  const jdkHint = 'apt-get install openjdk-17-jdk-headless';
  const java = await requireExecutable('java', jdkHint);
  const javac = await requireExecutable('javac', jdkHint);
  const installed = await readFile(join(leshanHome, 'client-installed-version'), 'utf8').then(
    (v) => v.trim(),
    () => undefined,
  );
  if (installed !== LESHAN_CLIENT_VERSION) {
    throw new MissingPeerError(
      `test peer Leshan client library ${LESHAN_CLIENT_VERSION} is not installed in ${clientLib}` +
        ` (found ${installed ?? 'nothing'}): ${INSTALL_HINT}`,
    );
  }
  const libClasspath = join(clientLib, '*');
  const classes = await compileHarness({
    javac,
    classpath: libClasspath,
    libraryVersion: LESHAN_CLIENT_VERSION,
    classesRoot: clientClasses,
    sourceDir,
    mainClass: MAIN_CLASS,
  });
  return { java, classpath: `${libClasspath}:${classes}` };
}

function harnessArgs(options: LeshanClientOptions): string[] {
  const args = ['--server-uri', options.serverUri, '--endpoint', options.endpoint, '--models', omaRegistry];
  if (options.lifetime !== undefined) args.push('--lifetime', String(options.lifetime));
  if (options.shortServerId !== undefined) args.push('--short-server-id', String(options.shortServerId));
  if (options.requestTimeoutMs !== undefined)
    args.push('--request-timeout-ms', String(options.requestTimeoutMs));
  if (options.psk !== undefined) {
    const key =
      typeof options.psk.key === 'string' ? options.psk.key : Buffer.from(options.psk.key).toString('hex');
    args.push('--psk-identity', options.psk.identity, '--psk-key', key);
  }
  const device = options.device ?? {};
  for (const name of ['manufacturer', 'model', 'serial', 'firmware'] as const) {
    const value = device[name];
    if (value !== undefined) args.push(`--${name}`, value);
  }
  return args;
}

interface Pending {
  readonly resolve: (result: LeshanClientValue) => void;
  readonly reject: (error: Error) => void;
}

/** Compiles (if needed) and starts the client harness; registers unless `register: false`. */
export async function startLeshanClient(options: LeshanClientOptions): Promise<LeshanClient> {
  const { java, classpath } = await requireLeshanClient();
  const started = performance.now();
  const peer = startPeer(java, [...JVM_OPTIONS, '-cp', classpath, MAIN_CLASS, ...harnessArgs(options)], {
    stdin: 'pipe',
  });
  const stdin = peer.child.stdin;
  const stdout = peer.child.stdout;
  if (stdin === null || stdout === null)
    throw new Error('the client harness was spawned without stdio pipes');
  // A write after the JVM died reports EPIPE here; the exit handler below fails the waiters.
  stdin.on('error', () => {});

  const events = new PeerEventLog<LeshanClientEvent>(`Leshan client "${options.endpoint}" event`, (e) =>
    e.event === 'request' ? `request ${e.operation} ${e.path} ${e.code}` : e.event,
  );
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const fail = (error: Error) => {
    events.fail(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const onLine = (line: string) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      fail(new Error(`Leshan client harness printed a non-JSON line on stdout: ${line.slice(0, 300)}`));
      return;
    }
    if (typeof json === 'object' && json !== null && 'id' in json) {
      const reply = leshanClientReplySchema.safeParse(json);
      const waiting = reply.success ? pending.get(reply.data.id) : undefined;
      if (!reply.success || waiting === undefined) {
        fail(new Error(`unexpected reply from the Leshan client harness: ${line.slice(0, 300)}`));
        return;
      }
      pending.delete(reply.data.id);
      if (reply.data.ok) waiting.resolve(reply.data.result);
      else waiting.reject(new Error(`Leshan client harness: ${reply.data.error}`));
      return;
    }
    const event = leshanClientEventSchema.safeParse(json);
    if (!event.success) {
      fail(
        new Error(
          `unexpected event from the Leshan client harness: ${line.slice(0, 300)}\n${event.error.message}`,
        ),
      );
      return;
    }
    events.push(event.data);
  };
  let buffer = '';
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') onLine(line);
    }
  });
  peer.child.once('exit', (code, signal) =>
    fail(
      new Error(
        `Leshan client harness exited (code ${code}, signal ${signal}); output:\n${peer.output().slice(-4000)}`,
      ),
    ),
  );

  const command = (cmd: string, body: Record<string, unknown> = {}): Promise<LeshanClientValue> => {
    if (events.failure !== undefined) return Promise.reject(events.failure);
    const id = nextId++;
    return new Promise<LeshanClientValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new Error(`Leshan client harness did not answer ${cmd} #${id} within ${COMMAND_TIMEOUT_MS} ms`),
        );
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      stdin.write(`${JSON.stringify({ id, cmd, ...body })}\n`);
    });
  };

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    stdin.end();
    await peer.stop();
  };

  let startupMs: number;
  try {
    await events.waitFor((e) => e.event === 'ready', options.startTimeoutMs ?? 30_000);
    startupMs = Math.round(performance.now() - started);
    if (options.register ?? true) await command('start');
  } catch (err) {
    await close();
    throw err;
  }

  return {
    endpoint: options.endpoint,
    peer,
    startupMs,
    events,
    start: async () => {
      await command('start');
    },
    update: async () => {
      await command('update');
    },
    set: async (path, value) => {
      await command('set', { path, value });
    },
    get: (path) => command('get', { path }),
    stop: async () => {
      await command('stop');
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
