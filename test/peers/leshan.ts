/**
 * The Eclipse Leshan demo server (a real third-party LwM2M server) as a test peer: started on
 * 127.0.0.1 with ephemeral CoAP, CoAPs and web ports, driven through its REST API and its
 * server-sent events, stopped by pid. A missing install fails loudly (MissingPeerError); nothing
 * is skipped.
 *
 * Version: org.eclipse.leshan:leshan-server-demo 2.0.0-M4 (July 2021), the newest Leshan demo
 * server published on Maven Central. Later milestones publish only the libraries
 * (leshan-lwm2m-server, leshan-tl-cf-server-coap...); their demo apps with the REST API never went
 * to Central. M4 therefore brings LwM2M 1.1 registration, TLV / SenML JSON / SenML CBOR, Observe
 * and DTLS-PSK, but its REST API has no composite operations and its events no Send; nor does it
 * handle gateway prefixes (object 25).
 *
 * Run as: java --add-opens ... -cp $PEERS/leshan/lib/* org.eclipse.leshan.server.demo.LeshanServerDemo
 *   -lh 127.0.0.1 -lp <coap> -slh 127.0.0.1 -slp <coaps> -wh 127.0.0.1 -wp <web>
 * in a temporary working directory, which receives Californium.properties and the file security
 * store (data/security.data); Redis (-r) and mDNS (-mdns) stay off. The --add-opens let M4's Gson
 * serialise registrations on Java 17 (without them GET /api/clients answers HTTP 500).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LeshanEventStream } from './leshan/events.js';
import { freeTcpPort, freeUdpPorts } from './leshan/free-ports.js';
import { type LeshanPskKey, LeshanRestClient } from './leshan/rest-client.js';
import {
  MissingPeerError,
  type PeerProcess,
  peersHome,
  requireExecutable,
  startPeer,
} from './peer-process.js';

export type { LeshanEvent, LeshanEventStream } from './leshan/events.js';
export {
  type LeshanContentFormat,
  LeshanHttpError,
  type LeshanResponse,
  LeshanRestClient,
} from './leshan/rest-client.js';
export type { LeshanLink, LeshanNode, LeshanRegistration, LeshanSecurityInfo } from './leshan/schemas.js';

/** The Leshan demo server version the harness is written for (pinned in test/peers/leshan/pom.xml). */
export const LESHAN_VERSION = '2.0.0-M4';
export const LESHAN_MAIN_CLASS = 'org.eclipse.leshan.server.demo.LeshanServerDemo';
/** Where test/peers/install.sh puts the jars: lib/ and the installed-version marker. */
export const leshanHome = join(peersHome, 'leshan');

const here = dirname(fileURLToPath(import.meta.url));
const logbackConfig = join(here, 'leshan', 'logback.xml');
const INSTALL_HINT = 'bash test/peers/install.sh (needs java 17 and mvn; fetches from Maven Central)';
const JVM_OPTIONS = [
  '--add-opens',
  'java.base/java.util=ALL-UNNAMED',
  '--add-opens',
  'java.base/java.lang=ALL-UNNAMED',
  '--add-opens',
  'java.base/java.net=ALL-UNNAMED',
  // quicker start and a smaller heap for a short-lived test peer
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xmx256m',
];

export interface LeshanPskEntry {
  readonly endpoint: string;
  readonly identity: string;
  /** Hex string or raw bytes. */
  readonly key: LeshanPskKey;
}

export interface LeshanServerOptions {
  /** PSK entries added once the server is up; the demo's file store keeps them across restart(). */
  readonly psk?: readonly LeshanPskEntry[];
  /** Spawn → REST API ready, per start (default 30 s). */
  readonly startTimeoutMs?: number;
}

export interface LeshanServer {
  /** Plain CoAP (UDP) port on 127.0.0.1. */
  readonly coapPort: number;
  /** DTLS port on 127.0.0.1 (PSK, RPK, X.509). */
  readonly coapsPort: number;
  /** HTTP port of the web UI and REST API. */
  readonly webPort: number;
  /** `http://127.0.0.1:<webPort>` */
  readonly baseUrl: string;
  readonly api: LeshanRestClient;
  /** Events of every endpoint since the first start, re-subscribed after restart(). */
  readonly events: LeshanEventStream;
  /** The running JVM (changes on restart()). */
  readonly peer: PeerProcess;
  /** Spawn → REST API ready of the latest start, in ms. */
  readonly startupMs: number;
  /** Kills the JVM (SIGTERM, then SIGKILL) and removes its working directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops and starts again on the same ports and working directory (registrations are lost, PSK entries kept). */
  restart(): Promise<void>;
}

/** java and the Leshan classpath, or a MissingPeerError saying how to install them. */
export async function requireLeshan(): Promise<{ java: string; classpath: string }> {
  const java = await requireExecutable('java', 'apt-get install openjdk-17-jre-headless');
  const installed = await readFile(join(leshanHome, 'installed-version'), 'utf8').then(
    (v) => v.trim(),
    () => undefined,
  );
  if (installed !== LESHAN_VERSION) {
    throw new MissingPeerError(
      `test peer Leshan demo server ${LESHAN_VERSION} is not installed in ${leshanHome}` +
        ` (found ${installed ?? 'nothing'}): ${INSTALL_HINT}`,
    );
  }
  return { java, classpath: join(leshanHome, 'lib', '*') };
}

interface Ports {
  readonly coapPort: number;
  readonly coapsPort: number;
  readonly webPort: number;
}

async function pickPorts(): Promise<Ports> {
  const [coapPort, coapsPort] = await freeUdpPorts(2);
  if (coapPort === undefined || coapsPort === undefined) throw new Error('no free UDP ports');
  return { coapPort, coapsPort, webPort: await freeTcpPort() };
}

interface Launched {
  readonly peer: PeerProcess;
  readonly startupMs: number;
}

async function launch(
  java: string,
  classpath: string,
  workDir: string,
  ports: Ports,
  timeoutMs: number,
): Promise<Launched> {
  const host = '127.0.0.1';
  const started = performance.now();
  const peer = startPeer(
    java,
    [
      ...JVM_OPTIONS,
      `-Dlogback.configurationFile=${logbackConfig}`,
      '-cp',
      classpath,
      LESHAN_MAIN_CLASS,
      ...['-lh', host, '-lp', String(ports.coapPort)],
      ...['-slh', host, '-slp', String(ports.coapsPort)],
      ...['-wh', host, '-wp', String(ports.webPort)],
    ],
    { cwd: workDir },
  );
  try {
    await peer.waitFor(/LWM2M server started at coap:\/\/\/[\d.]+:\d+ coaps:\/\/\/[\d.]+:\d+/, timeoutMs);
    await peer.waitFor(/Web server started at /, timeoutMs);
    const api = new LeshanRestClient(`http://${host}:${ports.webPort}`);
    const bound = await api.serverPorts(
      Math.max(1000, Math.round(timeoutMs - (performance.now() - started))),
    );
    if (bound.coapPort !== ports.coapPort || bound.coapsPort !== ports.coapsPort) {
      throw new Error(
        `Leshan reports CoAP ports ${JSON.stringify(bound)}, expected ${JSON.stringify(ports)}`,
      );
    }
    return { peer, startupMs: Math.round(performance.now() - started) };
  } catch (err) {
    await peer.stop();
    throw err;
  }
}

/** Starts the Leshan demo server on free loopback ports and waits until its REST API and CoAP ports serve. */
export async function startLeshanServer(options: LeshanServerOptions = {}): Promise<LeshanServer> {
  const { java, classpath } = await requireLeshan();
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const workDir = await mkdtemp(join(tmpdir(), 'leshan-'));
  const start = (ports: Ports) => launch(java, classpath, workDir, ports, timeoutMs);

  let ports: Ports | undefined;
  let running: Launched | undefined;
  let events: LeshanEventStream | undefined;
  try {
    // A port picked free can be taken before the JVM binds it: pick again a couple of times.
    for (let attempt = 1; running === undefined; attempt++) {
      ports = await pickPorts();
      try {
        running = await start(ports);
      } catch (err) {
        if (attempt >= 3 || !/BindException|Address already in use|is already used/.test(String(err)))
          throw err;
      }
    }
    if (ports === undefined) throw new Error('unreachable: Leshan started without ports');
    const api = new LeshanRestClient(`http://127.0.0.1:${ports.webPort}`);
    events = await api.events();
    for (const entry of options.psk ?? []) await api.addPsk(entry);
  } catch (err) {
    events?.close();
    await running?.peer.stop();
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  if (ports === undefined || running === undefined || events === undefined) throw new Error('unreachable');

  const fixedPorts = ports;
  const baseUrl = `http://127.0.0.1:${fixedPorts.webPort}`;
  const stream = events;
  let current = running;
  let stopped = false;
  return {
    ...fixedPorts,
    baseUrl,
    api: new LeshanRestClient(baseUrl),
    events: stream,
    get peer() {
      return current.peer;
    },
    get startupMs() {
      return current.startupMs;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stream.close();
      await current.peer.stop();
      await rm(workDir, { recursive: true, force: true });
    },
    async restart() {
      if (stopped) throw new Error('Leshan server was stopped; start a new one');
      stream.disconnect();
      await current.peer.stop();
      current = await start(fixedPorts);
      await stream.reconnect(baseUrl);
    },
  };
}
