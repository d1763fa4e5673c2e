/**
 * The LwM2M client processes the client-compare benchmark puts side by side, each serving
 * /3303/0/5700 = 21.5 (and 5701 "Cel") and registering to coap://127.0.0.1:<port>:
 *  - `host`: the `adapter-host run` CLI (packages/host/dist, as users run it) in per-device mode,
 *    with a mapping of constants only (one Modbus device whose points are all constants, so nothing
 *    is read from Modbus; its connection points at a simulator in the benchmark process);
 *  - `engine`: the smallest client on our packages (engine-client.mjs: LwM2mClient + CoapEndpoint +
 *    UdpTransport, a static value);
 *  - `leshan`: the Leshan client library 2.0.0-M15 (Californium) in the test harness
 *    (test/peers/leshan-client.ts, its JVM options and start/stop);
 *  - `leshan-quiet`: the same library in leshan-quiet/LeshanQuietClient.java, the same objects for
 *    this read, without the harness's stdio protocol (the harness prints a JSON line per request)
 *    and on the JVM's defaults (G1, C2, heap up to 1/4 of RAM) unless COMPARE_LESHAN_JVM_OPTS
 *    (space-separated) names options: the harness's -Xmx128m is too small for this load
 *    (Californium keeps every received CON for EXCHANGE_LIFETIME for deduplication: ~50,000 fill
 *    the heap and the JVM spends its time in full GCs).
 * Each is its own OS process, so /proc/<pid> covers it alone.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileHarness } from '../../peers/leshan/harness-build.js';
import { leshanHome } from '../../peers/leshan.js';
import {
  LESHAN_CLIENT_VERSION,
  type LeshanClient,
  requireLeshanClient,
  startLeshanClient,
} from '../../peers/leshan-client.js';
import { requireExecutable } from '../../peers/peer-process.js';
import { spawnWatched } from '../compare/watched-process.js';
import { epochNow } from '../gateway/server-process.js';

export const SIDES = ['host', 'engine', 'leshan', 'leshan-quiet'] as const;
/** The sides that run the Leshan client library. */
export const LESHAN_SIDES: readonly Side[] = ['leshan', 'leshan-quiet'];
export type Side = (typeof SIDES)[number];

const ROOT = join(import.meta.dirname, '../../..');
/** The adapter-host build under test; COMPARE_HOST_CLI runs another (e.g. a worktree of an older commit). */
export const HOST_CLI = process.env.COMPARE_HOST_CLI || join(ROOT, 'packages/host/dist/cli/adapter-host.js');
const ENGINE_CLIENT = join(import.meta.dirname, 'engine-client.mjs');
const QUIET_SOURCES = join(import.meta.dirname, 'leshan-quiet');
const QUIET_MAIN_CLASS = 'LeshanQuietClient';
const OMA_REGISTRY = join(ROOT, 'packages/lwm2m-core/registry/oma');
/** JVM options of the quiet Leshan client: none (the JVM's defaults) unless COMPARE_LESHAN_JVM_OPTS. */
export const QUIET_JVM_OPTIONS = (process.env.COMPARE_LESHAN_JVM_OPTS ?? '')
  .split(/\s+/)
  .filter((o) => o !== '');

export const SIDE_LABELS: Record<Side, string> = {
  host: 'adapter-host CLI, per-device',
  engine: 'LwM2mClient engine alone',
  leshan: `Leshan client ${LESHAN_CLIENT_VERSION}`,
  'leshan-quiet': `Leshan client ${LESHAN_CLIENT_VERSION}, no request log`,
};

/** The endpoint name each side registers as. */
export const endpointOf = (side: Side) => `client-compare-${side}`;

export interface ClientProcess {
  readonly side: Side;
  readonly pid: number;
  /** Epoch ms just before the process was spawned. */
  readonly spawnedAt: number;
  alive(): boolean;
  /** The last few kB the process printed. */
  output(): string;
  /** Stops the process: SIGTERM (ours and the quiet Leshan de-register), the harness's close (no De-register). */
  stop(): Promise<void>;
}

/** The mapping of the `host` side: constants only, per-device endpoint name `client-compare-host`. */
export function constantsMapping(modbusPort: number): string {
  return [
    'version: 1',
    'devices:',
    '  - id: bench-client',
    `    endpoint: ${endpointOf('host')}`,
    '    adapter: modbus',
    `    connection: { transport: tcp, host: 127.0.0.1, port: ${modbusPort}, unitId: 1 }`,
    '    points:',
    '      /3303/0/5700: 21.5',
    '      /3303/0/5701: Cel',
    '',
  ].join('\n');
}

/**
 * The java executable and classpath of the quiet Leshan client, compiled if needed; checks the
 * library install first (MissingPeerError with the install hint).
 */
export async function requireQuietLeshan(): Promise<{ java: string; classpath: string }> {
  const { java } = await requireLeshanClient();
  const javac = await requireExecutable('javac', 'apt-get install openjdk-17-jdk-headless');
  const libClasspath = join(leshanHome, 'client-lib', '*');
  const classes = await compileHarness({
    javac,
    classpath: libClasspath,
    libraryVersion: LESHAN_CLIENT_VERSION,
    classesRoot: join(leshanHome, 'client-classes'),
    sourceDir: QUIET_SOURCES,
    mainClass: QUIET_MAIN_CLASS,
  });
  return { java, classpath: `${libClasspath}:${classes}` };
}

function spawnClient(side: Side, command: string, args: readonly string[]): ClientProcess {
  const spawnedAt = epochNow();
  const watched = spawnWatched(command, args, { ...process.env, NODE_OPTIONS: '' });
  const { pid } = watched.child;
  if (pid === undefined) throw new Error(`could not spawn the ${side} client: ${watched.output()}`);
  return {
    side,
    pid,
    spawnedAt,
    alive: watched.alive,
    output: watched.output,
    stop: () => watched.stop(10_000),
  };
}

function leshanProcess(client: LeshanClient, spawnedAt: number): ClientProcess {
  const child = client.peer.child;
  if (child.pid === undefined) throw new Error('the Leshan client JVM has no pid');
  return {
    side: 'leshan',
    pid: child.pid,
    spawnedAt,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => client.peer.output().slice(-4000),
    stop: () => client.close(),
  };
}

export interface StartContext {
  readonly serverUri: string;
  readonly serverPort: number;
  /** A directory for the host's mapping file. */
  readonly dir: string;
  readonly modbusPort: number;
}

/** Spawns the side's client process; it registers on its own (watch the server for it). */
export async function startClient(side: Side, context: StartContext): Promise<ClientProcess> {
  switch (side) {
    case 'host': {
      const mapping = join(context.dir, 'constants.yml');
      await writeFile(mapping, constantsMapping(context.modbusPort));
      return spawnClient(side, process.execPath, [
        HOST_CLI,
        'run',
        '--mapping',
        mapping,
        '--server',
        context.serverUri,
        '--mode',
        'per-device',
        '--log-level',
        'warn',
      ]);
    }
    case 'engine':
      return spawnClient(side, process.execPath, [
        ENGINE_CLIENT,
        String(context.serverPort),
        endpointOf('engine'),
      ]);
    case 'leshan': {
      const spawnedAt = epochNow();
      const client = await startLeshanClient({
        serverUri: context.serverUri,
        endpoint: endpointOf('leshan'),
      });
      return leshanProcess(client, spawnedAt);
    }
    case 'leshan-quiet': {
      const { java, classpath } = await requireQuietLeshan();
      return spawnClient(side, java, [
        ...QUIET_JVM_OPTIONS,
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        classpath,
        QUIET_MAIN_CLASS,
        '--server-uri',
        context.serverUri,
        '--endpoint',
        endpointOf(side),
        '--models',
        OMA_REGISTRY,
      ]);
    }
  }
}
