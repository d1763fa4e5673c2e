/**
 * Apache Kafka 4.1.x (KRaft, one node acting as broker and controller) as a test peer, from the
 * Maven Central jars test/peers/install.sh fetches (org.apache.kafka:kafka_2.13 + slf4j-simple):
 * `kafka.tools.StorageTool format`, then `kafka.Kafka server.properties`, on 127.0.0.1 with
 * ephemeral ports and a temporary log dir. `stop()` kills the JVM by pid; `restart()` starts it
 * again on the same ports and log dir (the records survive), for outage tests. A missing install
 * fails loudly (MissingPeerError); nothing is skipped.
 *
 * Also `kcat` (Debian package kcat, librdkafka): the independent consumer and producer.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './leshan/free-ports.js';
import {
  execFileAsync,
  MissingPeerError,
  type PeerProcess,
  peersHome,
  requireExecutable,
  startPeer,
} from './peer-process.js';

/** The broker version the harness is written for (pinned in test/peers/kafka/pom.xml). */
export const KAFKA_VERSION = '4.1.1';
export const kafkaHome = join(peersHome, 'kafka');
const INSTALL_HINT = 'bash test/peers/install.sh (needs java 17 and mvn; fetches from Maven Central)';
const JVM_OPTIONS = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

export interface KafkaBroker {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly port: number;
  readonly logDir: string;
  readonly peer: PeerProcess;
  /** Spawn -> "Kafka Server started" of the latest start, in ms. */
  readonly startupMs: number;
  /** Kills the JVM (SIGTERM, then SIGKILL) and, unless `keepData`, removes the log dir. Idempotent. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Stops the JVM (keeping the data) without removing anything; `start()` brings it back. */
  pause(): Promise<void>;
  /** Starts the JVM again on the same ports and log dir after `pause()`. */
  resume(): Promise<void>;
}

/** java and the Kafka classpath, or a MissingPeerError saying how to install them. */
export async function requireKafka(): Promise<{ java: string; classpath: string }> {
  const java = await requireExecutable('java', 'apt-get install openjdk-17-jre-headless');
  const installed = await readFile(join(kafkaHome, 'installed-version'), 'utf8').then(
    (v) => v.trim(),
    () => undefined,
  );
  if (installed !== KAFKA_VERSION) {
    throw new MissingPeerError(
      `test peer Apache Kafka ${KAFKA_VERSION} is not installed in ${kafkaHome}` +
        ` (found ${installed ?? 'nothing'}): ${INSTALL_HINT}`,
    );
  }
  return { java, classpath: join(kafkaHome, 'lib', '*') };
}

/** kcat (Debian package kcat), or a MissingPeerError. */
export function requireKcat(): Promise<string> {
  return requireExecutable('kcat', 'apt-get install kcat');
}

function serverProperties(port: number, controllerPort: number, logDir: string, partitions: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    `num.partitions=${partitions}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

export interface KafkaBrokerOptions {
  /** Spawn -> ready, per start (default 90 s: a JVM on a busy 2-core box). */
  readonly startTimeoutMs?: number;
  /** A fixed PLAINTEXT port (default: a free one). */
  readonly port?: number;
  /** Default partitions of topics created without a count. */
  readonly partitions?: number;
  /** Log the broker's output to the terminal as it comes (the local broker command). */
  readonly inheritOutput?: boolean;
}

/** Formats a temporary log dir and starts a single-node KRaft broker on 127.0.0.1. */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const { java, classpath } = await requireKafka();
  const port = options.port ?? (await freeTcpPort());
  const controllerPort = await freeTcpPort();
  const workDir = await mkdtemp(join(tmpdir(), 'kafka-peer-'));
  const logDir = join(workDir, 'data');
  const properties = join(workDir, 'server.properties');
  await writeFile(properties, serverProperties(port, controllerPort, logDir, options.partitions ?? 1));
  const { stdout: uuid } = await execFileAsync(java, [
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'random-uuid',
  ]);
  await execFileAsync(java, [
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    uuid.trim(),
    '-c',
    properties,
  ]);
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const launch = async () => {
    const started = performance.now();
    const peer = startPeer(java, [
      ...JVM_OPTIONS,
      `-Dlog4j.configuration=file:/dev/null`,
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      '-cp',
      classpath,
      'kafka.Kafka',
      properties,
    ]);
    if (options.inheritOutput === true) {
      peer.child.stdout?.pipe(process.stdout);
      peer.child.stderr?.pipe(process.stderr);
    }
    try {
      await peer.waitFor(/Kafka Server started|\bstarted \(kafka\.server\.KafkaRaftServer\)/, timeoutMs);
    } catch (error) {
      await peer.stop();
      throw error;
    }
    return { peer, startupMs: Math.round(performance.now() - started) };
  };
  let current = await launch();
  let removed = false;
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    logDir,
    get peer() {
      return current.peer;
    },
    get startupMs() {
      return current.startupMs;
    },
    async pause() {
      await current.peer.stop(10_000);
    },
    async resume() {
      current = await launch();
    },
    async stop({ keepData = false } = {}) {
      await current.peer.stop(10_000);
      if (!keepData && !removed) {
        removed = true;
        await rm(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs kcat with `args` against the broker; stdout, or the error with stderr. */
export async function kcat(
  broker: KafkaBroker,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const bin = await requireKcat();
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-b', broker.bootstrap, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
    });
    child.stdin.end(options.input ?? '');
  });
}
