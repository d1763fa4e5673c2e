/**
 * A Leshan LwM2M server built from the Leshan server library (2.0.0-M15, Maven Central), driven over
 * stdio by test/peers/leshan/harness/LeshanHarness.java, for what the Leshan demo server's REST API
 * (2.0.0-M4, test/peers/leshan.ts) cannot do: Read-Composite, Observe-Composite with active cancel,
 * and receiving Send (POST /dp) with its timestamps. NoSec CoAP on 127.0.0.1, ephemeral port (the
 * JVM binds port 0 and reports it). A missing JDK or library fails loudly (MissingPeerError).
 *
 * Why not the M4 library next to the demo: leshan-core 2.0.0-M4 has no ObserveCompositeRequest at
 * all, and its SendListener hands over the values without their SenML timestamps.
 *
 * Protocol: one JSON object per line both ways (see LeshanHarness.java); every line is validated
 * with zod (leshan/harness-schemas.ts). Events are logged for tests to wait on, like the demo's
 * server-sent events in leshan/events.ts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { compileHarness, HARNESS_MAIN_CLASS } from './leshan/harness-build.js';
import {
  type HarnessCompositeResult,
  type HarnessEvent,
  type HarnessNode,
  type HarnessNodes,
  type HarnessReadResult,
  type HarnessResponse,
  type HarnessValue,
  harnessCompositeResultSchema,
  harnessEventSchema,
  harnessReadResultSchema,
  harnessReplySchema,
  harnessResponseSchema,
} from './leshan/harness-schemas.js';
import { leshanHome } from './leshan.js';
import { PeerEventLog } from './peer-event-log.js';
import { MissingPeerError, type PeerProcess, requireExecutable, startPeer } from './peer-process.js';

export type {
  HarnessCompositeResult,
  HarnessEvent,
  HarnessNode,
  HarnessNodes,
  HarnessReadResult,
  HarnessResponse,
  HarnessValue,
} from './leshan/harness-schemas.js';

/** The Leshan server library version the harness is written for (test/peers/leshan/harness/pom.xml). */
export const LESHAN_HARNESS_VERSION = '2.0.0-M15';
const harnessLib = join(leshanHome, 'harness-lib');
const harnessClasses = join(leshanHome, 'harness-classes');
/** The OMA object definitions the client under test uses; Leshan bundles only the core objects. */
const omaRegistry = join(dirname(fileURLToPath(import.meta.url)), '../../packages/lwm2m-core/registry/oma');
const INSTALL_HINT = 'bash test/peers/install.sh (needs a JDK 17 and mvn; fetches from Maven Central)';
const JVM_OPTIONS = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xmx256m',
  // Leshan logs through slf4j-simple: warnings only, on stderr, so stdout stays JSON.
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.logFile=System.err',
];

/** LwM2M content formats by Leshan's names. */
export type HarnessContentFormat = 'TLV' | 'TEXT' | 'OPAQUE' | 'SENML_JSON' | 'SENML_CBOR' | 'CBOR' | 'LINK';

export interface HarnessRequestOptions {
  /** How long Leshan waits for the device (default 5000 ms); the reply gets 3 s more. */
  readonly timeoutMs?: number;
}

export interface LeshanHarness {
  readonly coapPort: number;
  readonly peer: PeerProcess;
  /** Spawn (after compiling) → ready, in ms. */
  readonly startupMs: number;
  readonly events: readonly HarnessEvent[];
  /** Index of the next event; pass it as `after` to ignore what came before. */
  cursor(): number;
  /** The first event at index >= `after` matching `predicate`, received or to come; rejects after `timeoutMs`. */
  waitForEvent<T extends HarnessEvent>(
    predicate: (event: HarnessEvent) => event is T,
    timeoutMs: number,
    options?: { after?: number },
  ): Promise<T>;
  waitForEvent(
    predicate: (event: HarnessEvent) => boolean,
    timeoutMs: number,
    options?: { after?: number },
  ): Promise<HarnessEvent>;
  read(
    endpoint: string,
    path: string,
    options?: HarnessRequestOptions & { format?: HarnessContentFormat },
  ): Promise<HarnessReadResult>;
  /** Read-Composite: FETCH / with the paths; request and response in `format` (default SENML_CBOR). */
  readComposite(
    endpoint: string,
    paths: readonly string[],
    options?: HarnessRequestOptions & { format?: 'SENML_CBOR' | 'SENML_JSON' },
  ): Promise<HarnessCompositeResult>;
  /** Observe-Composite: notifications arrive as `compositeNotification` events. */
  observeComposite(
    endpoint: string,
    paths: readonly string[],
    options?: HarnessRequestOptions & { format?: 'SENML_CBOR' | 'SENML_JSON' },
  ): Promise<HarnessCompositeResult>;
  /** Active cancel (FETCH with Observe=1) of the composite observation of exactly these paths. */
  cancelCompositeObservation(
    endpoint: string,
    paths: readonly string[],
    options?: HarnessRequestOptions,
  ): Promise<HarnessCompositeResult>;
  /** Write (replace) of one single-instance resource. */
  write(
    endpoint: string,
    path: string,
    value:
      | { type: 'BOOLEAN'; value: boolean }
      | { type: 'INTEGER' | 'FLOAT'; value: number }
      | {
          type: 'STRING';
          value: string;
        },
    options?: HarnessRequestOptions & { format?: HarnessContentFormat },
  ): Promise<HarnessResponse>;
  /** Closes stdin (the harness exits by itself), then SIGTERM / SIGKILL. Idempotent. */
  stop(): Promise<void>;
}

/** java, javac and the compiled harness classpath, or a MissingPeerError saying how to install them. */
export async function requireLeshanHarness(): Promise<{ java: string; classpath: string }> {
  const jdkHint = 'apt-get install openjdk-17-jdk-headless';
  const java = await requireExecutable('java', jdkHint);
  const javac = await requireExecutable('javac', jdkHint);
  const installed = await readFile(join(leshanHome, 'harness-installed-version'), 'utf8').then(
    (v) => v.trim(),
    () => undefined,
  );
  if (installed !== LESHAN_HARNESS_VERSION) {
    throw new MissingPeerError(
      `test peer Leshan server library ${LESHAN_HARNESS_VERSION} is not installed in ${harnessLib}` +
        ` (found ${installed ?? 'nothing'}): ${INSTALL_HINT}`,
    );
  }
  const libClasspath = join(harnessLib, '*');
  const classes = await compileHarness({
    javac,
    classpath: libClasspath,
    libraryVersion: LESHAN_HARNESS_VERSION,
    classesRoot: harnessClasses,
  });
  return { java, classpath: `${libClasspath}:${classes}` };
}

/** Flattens decoded nodes to leaf paths: `{"/3/0/0": "acme", "/3/0/11/0": 0, ...}`. */
export function leafValues(
  content: HarnessNodes | HarnessNode | null,
  at = '',
): Record<string, HarnessValue> {
  const out: Record<string, HarnessValue> = {};
  const visit = (node: HarnessNode | null, path: string) => {
    if (node === null) return;
    switch (node.kind) {
      case 'resource':
      case 'resourceInstance':
        out[path] = node.value;
        break;
      case 'multiple':
        for (const [id, value] of Object.entries(node.values)) out[`${path}/${id}`] = value;
        break;
      case 'instance':
        for (const r of node.resources) visit(r, `${path}/${r.id}`);
        break;
      case 'object':
        for (const i of node.instances) visit(i, `${path}/${i.id}`);
        break;
      case 'root':
        for (const o of node.objects) visit(o, `/${o.id}`);
        break;
    }
  };
  // a node has a string `kind`; a path-keyed record cannot (its keys are paths like "/3/0/0")
  if (content !== null && typeof content.kind === 'string') visit(content as HarnessNode, at);
  else for (const [path, node] of Object.entries((content ?? {}) as HarnessNodes)) visit(node, path);
  return out;
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** Compiles (if needed) and starts the harness on 127.0.0.1, resolving once it reports its CoAP port. */
export async function startLeshanHarness(options: { startTimeoutMs?: number } = {}): Promise<LeshanHarness> {
  const { java, classpath } = await requireLeshanHarness();
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const started = performance.now();
  const peer = startPeer(
    java,
    [
      ...JVM_OPTIONS,
      '-cp',
      classpath,
      HARNESS_MAIN_CLASS,
      ...['--host', '127.0.0.1', '--port', '0', '--models', omaRegistry],
    ],
    { stdin: 'pipe' },
  );
  const stdin = peer.child.stdin;
  const stdout = peer.child.stdout;
  if (stdin === null || stdout === null) throw new Error('the harness was spawned without stdio pipes');
  // A write after the JVM died reports EPIPE here; the exit handler below fails the waiters.
  stdin.on('error', () => {});

  const log = new PeerEventLog<HarnessEvent>('Leshan harness event', (e) =>
    'endpoint' in e ? `${e.event} ${e.endpoint}` : e.event,
  );
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const fail = (error: Error) => {
    log.fail(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  let buffer = '';
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line === '') continue;
      try {
        onLine(line);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
  });
  const onLine = (line: string) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      fail(new Error(`Leshan harness printed a non-JSON line on stdout: ${line.slice(0, 300)}`));
      return;
    }
    if (typeof json === 'object' && json !== null && 'id' in json) {
      const reply = harnessReplySchema.safeParse(json);
      const waiting = reply.success ? pending.get(reply.data.id) : undefined;
      if (!reply.success || waiting === undefined) {
        fail(new Error(`unexpected reply from the Leshan harness: ${line.slice(0, 300)}`));
        return;
      }
      pending.delete(reply.data.id);
      if (reply.data.ok) waiting.resolve(reply.data.result);
      else waiting.reject(new Error(`Leshan harness: ${reply.data.error}`));
      return;
    }
    const event = harnessEventSchema.safeParse(json);
    if (!event.success) {
      fail(
        new Error(`unexpected event from the Leshan harness: ${line.slice(0, 300)}\n${event.error.message}`),
      );
      return;
    }
    log.push(event.data);
  };
  peer.child.once('exit', (code, signal) =>
    fail(
      new Error(
        `Leshan harness exited (code ${code}, signal ${signal}); output:\n${peer.output().slice(-4000)}`,
      ),
    ),
  );

  const waitForEvent: LeshanHarness['waitForEvent'] = log.waitFor.bind(log);

  const command = async <S extends z.ZodType>(
    schema: S,
    cmd: string,
    body: Record<string, unknown>,
    deviceTimeoutMs: number,
  ): Promise<z.infer<S>> => {
    if (log.failure !== undefined) throw log.failure;
    const id = nextId++;
    const result = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`Leshan harness did not answer ${cmd} #${id} within ${deviceTimeoutMs + 3000} ms`));
      }, deviceTimeoutMs + 3000);
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
      stdin.write(`${JSON.stringify({ id, cmd, timeoutMs: deviceTimeoutMs, ...body })}\n`);
    });
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      throw new Error(
        `Leshan harness ${cmd}: unexpected result ${JSON.stringify(result)}\n${parsed.error.message}`,
      );
    }
    return parsed.data;
  };

  let coapPort: number;
  try {
    const ready = await waitForEvent((e) => e.event === 'ready', timeoutMs);
    if (ready.event !== 'ready') throw new Error('unreachable');
    coapPort = ready.coapPort;
  } catch (err) {
    stdin.end();
    await peer.stop();
    throw err;
  }
  const startupMs = Math.round(performance.now() - started);

  let stopped = false;
  return {
    coapPort,
    peer,
    startupMs,
    events: log.events,
    cursor: () => log.cursor(),
    waitForEvent,
    read: (endpoint, path, o = {}) =>
      command(harnessReadResultSchema, 'read', { endpoint, path, format: o.format }, o.timeoutMs ?? 5000),
    readComposite: (endpoint, paths, o = {}) =>
      command(
        harnessCompositeResultSchema,
        'readComposite',
        { endpoint, paths, format: o.format },
        o.timeoutMs ?? 5000,
      ),
    observeComposite: (endpoint, paths, o = {}) =>
      command(
        harnessCompositeResultSchema,
        'observeComposite',
        { endpoint, paths, format: o.format },
        o.timeoutMs ?? 5000,
      ),
    cancelCompositeObservation: (endpoint, paths, o = {}) =>
      command(
        harnessCompositeResultSchema,
        'cancelCompositeObservation',
        { endpoint, paths },
        o.timeoutMs ?? 5000,
      ),
    write: (endpoint, path, value, o = {}) =>
      command(
        harnessResponseSchema,
        'write',
        { endpoint, path, type: value.type, value: value.value, format: o.format },
        o.timeoutMs ?? 5000,
      ),
    async stop() {
      if (stopped) return;
      stopped = true;
      stdin.end();
      await peer.stop();
    },
  };
}
