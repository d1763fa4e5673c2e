/**
 * Kafka bridge benchmarks (issue 12), against a real Apache Kafka 4.1 broker (KRaft, one node, the
 * test peer of test/peers/kafka.ts) on this machine:
 *  1. produce: observation records/s through the bridge (event -> record JSON -> on-disk spool ->
 *     idempotent acks=all producer, batches of 2,000), next to kafkajs's own idempotent producer
 *     alone sending ready-made records of the same size in batches of the same size, same run;
 *  2. replay: the spool filled while the broker is down, then the rate at which it drains once
 *     the broker is back;
 *  3. latency: a register change at the PLC (Modbus simulator) -> adapter-host (gateway mode,
 *     100 ms observed poll) -> gateway server (in this process) -> the Kafka record read by a
 *     kafkajs consumer.
 * `npm run bench -- kafka` runs them all; `kafka-<section>` one of them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type GatewayEventFeed,
  GatewayServer,
  type GatewayServerEvent,
  KafkaBridge,
  type KafkaBridgeParts,
} from '@lwm2m-adapters/gateway-server';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import { createModbusSimulator, simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaBroker, startKafkaBroker } from '../peers/kafka.js';
import { benchMappingYaml, benchSimulatorConfig, POINTS_PER_DEVICE } from './host/bench-mapping.js';

/** One peer's message IDs (65,536) over EXCHANGE_LIFETIME (247 s): CON messages/s to one server. */
const CON_CEILING_PER_S = 65_536 / 247;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const kafkaOf = (broker: KafkaBroker) =>
  new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });

/** A stand-in for the event source: the bench pushes NotificationEvents into the bridge. */
class SyntheticFeed implements GatewayEventFeed {
  readonly #listeners = new Set<(event: GatewayServerEvent) => void>();
  #seq = 0;
  on(listener: (event: GatewayServerEvent) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  since(): never {
    throw new Error('not used');
  }
  json(event: GatewayServerEvent) {
    return JSON.stringify(event);
  }
  get lastSeq() {
    return this.#seq;
  }
  /** One notification of one value, from end device `device` of gateway "bench-gw". */
  notify(device: number, value: number): void {
    const event: GatewayServerEvent = {
      v: 1,
      seq: ++this.#seq,
      time: new Date().toISOString(),
      type: 'notification',
      endpoint: 'bench-gw',
      registrationId: 'r1',
      deviceId: `urn:dev:bench:${device}`,
      prefix: `dev${device}`,
      path: `/dev${device}/3303/0/5700`,
      code: '2.05',
      observe: this.#seq,
      confirmable: false,
      contentFormat: 0,
      values: [{ path: `/dev${device}/3303/0/5700`, type: 'float', value }],
      error: null,
    };
    for (const l of this.#listeners) l(event);
  }
}

function bridgeOn(
  broker: KafkaBroker,
  dir: string,
  serverId: string,
  feed: SyntheticFeed,
  batchRecords = 2_000,
): KafkaBridge {
  const parts = {
    server: {},
    children: {},
    events: feed,
    model: ObjectRegistry.withOmaObjects(),
  } as unknown as KafkaBridgeParts;
  return KafkaBridge.start(
    {
      brokers: [broker.bootstrap],
      serverId,
      spoolDir: join(dir, serverId),
      management: false,
      partitions: 3,
      batchRecords,
    },
    parts,
  );
}

async function produceSection(broker: KafkaBroker, dir: string): Promise<void> {
  const total = 200_000;
  const devices = 100;
  const rows: string[] = [];
  for (const [round, batchSize] of [
    [1, 2_000],
    [2, 2_000],
    [3, 5_000],
  ] as const) {
    // our bridge: events in, records out, through the spool
    const feed = new SyntheticFeed();
    const bridge = bridgeOn(broker, dir, `bench-produce-${round}`, feed, batchSize);
    if (!(await bridge.flush(30_000))) throw new Error('topics not ready');
    const warm = 2_000;
    for (let i = 0; i < warm; i++) feed.notify(i % devices, i);
    await bridge.flush(30_000);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      feed.notify(i % devices, i / 10);
      if (i % 5_000 === 4_999) await new Promise((r) => setImmediate(r)); // events arrive over time
    }
    if (!(await bridge.flush(120_000))) throw new Error('bridge did not drain');
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const bridgeRate = total / (ms / 1000);
    const bridgeCpu = (cpu.user + cpu.system) / total;
    const sample = bridge.stats();
    await bridge.close();

    // kafkajs alone: the same number of records of the same size, idempotent, acks=all, batches of 2,000
    const kafka = kafkaOf(broker);
    const topic = `bench.alone-${round}.observations`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const value = JSON.stringify({
      v: 1,
      serverId: 'bench',
      runId: 'mxb0xymj-d012f156',
      key: 'bench-gw/dev1',
      seq: 12345,
      source: 'notification',
      endpoint: 'bench-gw',
      registrationId: 'r1',
      deviceId: 'urn:dev:bench:1',
      prefix: 'dev1',
      path: '/dev1/3303/0/5700',
      type: 'float',
      value: 12.5,
      clientTime: null,
      receivedAt: new Date().toISOString(),
      observe: 1,
    });
    const batch = Array.from({ length: batchSize }, (_, i) => ({ key: `bench-gw/dev${i % devices}`, value }));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch }] });
    const cpu1 = process.cpuUsage();
    const t1 = performance.now();
    for (let sent = 0; sent < total; sent += batch.length) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch }] });
    }
    const aloneMs = performance.now() - t1;
    const aloneCpuUsage = process.cpuUsage(cpu1);
    await producer.disconnect();
    const aloneRate = total / (aloneMs / 1000);
    const aloneCpu = (aloneCpuUsage.user + aloneCpuUsage.system) / total;
    rows.push(
      `| ${round} | ${fmt(batchSize)} | ${fmt(total)} | **${fmt(bridgeRate)}** | ${fmt(bridgeCpu, 1)} | ${fmt(aloneRate)} | ${fmt(aloneCpu, 1)} | ${fmt(bridgeRate / aloneRate, 2)} | ${fmt(sample.producer.batches)} |`,
    );
  }
  console.log('\n## Kafka bridge: records produced per second, next to kafkajs alone\n');
  console.log(
    '| run | batch | records | **bridge records/s** (event → spool → Kafka) | bridge CPU µs/record | kafkajs alone records/s | kafkajs alone CPU µs/record | bridge / alone | bridge batches |',
  );
  console.log('| --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const row of rows) console.log(row);
}

async function replaySection(broker: KafkaBroker, dir: string): Promise<void> {
  const total = 100_000;
  const feed = new SyntheticFeed();
  const bridge = bridgeOn(broker, dir, 'bench-replay', feed);
  if (!(await bridge.flush(30_000))) throw new Error('topics not ready');
  await broker.pause();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    feed.notify(i % 100, i);
    if (i % 5_000 === 4_999) await new Promise((r) => setImmediate(r));
  }
  await sleep(50);
  const spoolMs = performance.now() - t0;
  const spooled = bridge.stats().spool;
  const resumeAt = performance.now();
  await broker.resume();
  const up = performance.now();
  while (bridge.stats().producer.connected !== true) await sleep(20);
  const connectedAt = performance.now();
  if (!(await bridge.flush(120_000))) throw new Error('replay did not finish');
  const drainedAt = performance.now();
  await bridge.close();
  console.log('\n## Kafka bridge: spool replay after an outage\n');
  console.log(
    '| records spooled while the broker was down | spool MiB | spooling records/s | broker start ms | first batch after broker up, ms | **replay records/s** |',
  );
  console.log('| --: | --: | --: | --: | --: | --: |');
  console.log(
    `| ${fmt(spooled.pending)} | ${fmt(spooled.bytes / 2 ** 20, 1)} | ${fmt(total / (spoolMs / 1000))} | ${fmt(up - resumeAt)} | ${fmt(connectedAt - up)} | **${fmt(spooled.pending / ((drainedAt - connectedAt) / 1000))}** |`,
  );
}

async function latencySection(broker: KafkaBroker, dir: string): Promise<void> {
  const sim = createModbusSimulator(
    simulatorConfigFromPoints([
      { unitId: 1, points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }] },
    ]),
  );
  const port = (await sim.start()).tcpPort as number;
  const gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    requestTimeoutMs: 5_000,
    kafka: {
      brokers: [broker.bootstrap],
      serverId: 'bench-lat',
      spoolDir: join(dir, 'bench-lat'),
      partitions: 3,
    },
  });
  const file = join(dir, 'lat.yml');
  await writeFile(
    file,
    `version: 1
defaults: { poll: 1s }
devices:
  - id: dev-1
    prefix: dev1
    endpoint: urn:dev:bench:1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 } }
`,
  );
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const host = await AdapterHost.start({
    mapping: result.mapping as CompiledMapping,
    adapters: adapters as Map<string, AdapterDefinition>,
    server: { uri: `coap://127.0.0.1:${gateway.address('coap')?.port}`, lifetime: 300 },
    mode: 'gateway',
    endpoint: 'bench-lat-gw',
    runner: { observedPollMs: 100 },
  });
  const consumer = kafkaOf(broker).consumer({ groupId: `bench-lat-${Date.now()}` });
  const waiting = new Map<number, (at: number) => void>();
  try {
    while (gateway.children.child('bench-lat-gw', 'dev1') === undefined) await sleep(20);
    await consumer.connect();
    while (!(await gateway.kafka?.flush(1_000))) await sleep(50);
    await consumer.subscribe({ topic: 'iot.bench-lat.observations', fromBeginning: false });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = performance.now();
        const record = JSON.parse(message.value?.toString() ?? '{}') as { value?: number };
        if (typeof record.value === 'number') waiting.get(record.value)?.(at);
      },
    });
    while (!joined) await sleep(20);
    const child = gateway.children.child('bench-lat-gw', 'dev1');
    if (child === undefined) throw new Error('no child');
    const target = gateway.children.resolve({ deviceId: child.deviceId }, '/3303/0/5700');
    await gateway.server.writeAttributes(target.registration, target.path, { pmin: 0 });
    await gateway.server.observe(target.registration, target.path);
    await sleep(500);
    const latencies: number[] = [];
    let missed = 0;
    let rng = 12345;
    for (let i = 1; i <= 200; i++) {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff;
      await sleep(rng % 100);
      const value = 1000 + i;
      const arrived = new Promise<number>((resolve) => waiting.set(value, resolve));
      const t0 = performance.now();
      sim.setValue(1, 'holdingRegisters', 0, { type: 'int16', value });
      const at = await Promise.race([arrived, sleep(3_000).then(() => Number.NaN)]);
      waiting.delete(value);
      if (Number.isNaN(at)) missed++;
      else latencies.push(at - t0);
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
    console.log('\n## Kafka bridge: register change at the PLC → Kafka record\n');
    console.log('| changes | p50 ms | p90 ms | **p99 ms** | max ms | missed |');
    console.log('| --: | --: | --: | --: | --: | --: |');
    console.log(
      `| ${latencies.length + missed} | ${fmt(q(0.5), 1)} | ${fmt(q(0.9), 1)} | **${fmt(q(0.99), 1)}** | ${fmt(latencies.at(-1) ?? Number.NaN, 1)} | ${missed} |`,
    );
  } finally {
    await consumer.disconnect();
    await host.close();
    await gateway.close();
    await sim.close();
  }
}

async function endToEndSection(broker: KafkaBroker, dir: string): Promise<void> {
  const rows: string[] = [];
  for (const [devices, poll] of [
    [20, '1s'],
    [50, '100ms'],
  ] as const) {
    rows.push(await endToEndRow(broker, dir, devices, poll));
  }
  console.log('\n## Kafka bridge: points end to end, simulators → adapter-host → gateway server → Kafka\n');
  console.log(
    "| points polled | poll | offered points/s | Sends/s | values per Send | **records in Kafka /s** | CPU of this process (of one core) | one peer's ceiling × values per Send | **÷ ceiling** |",
  );
  console.log('| --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const row of rows) console.log(row);
}

async function endToEndRow(broker: KafkaBroker, dir: string, devices: number, poll: string): Promise<string> {
  const sim = createModbusSimulator(benchSimulatorConfig(devices, 100));
  const port = (await sim.start()).tcpPort as number;
  const gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    requestTimeoutMs: 10_000,
    kafka: {
      brokers: [broker.bootstrap],
      serverId: 'bench-e2e',
      spoolDir: join(dir, 'bench-e2e'),
      partitions: 3,
    },
  });
  const file = join(dir, 'e2e.yml');
  await writeFile(file, benchMappingYaml({ devices, port, poll }));
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const host = await AdapterHost.start({
    mapping: result.mapping as CompiledMapping,
    adapters: adapters as Map<string, AdapterDefinition>,
    server: { uri: `coap://127.0.0.1:${gateway.address('coap')?.port}`, lifetime: 300 },
    mode: 'gateway',
    endpoint: 'bench-e2e-gw',
    send: { intervalMs: 250, maxValues: 256 },
  });
  try {
    while (gateway.children.children('bench-e2e-gw').length < devices) await sleep(50);
    await sleep(5_000); // warm-up: first polls, topics, producer
    const kafka = () => gateway.kafka?.stats();
    const sends = () => gateway.server.stats().sends;
    const before = { produced: kafka()?.producer.sent ?? 0, sends: sends(), cpu: process.cpuUsage() };
    const t0 = performance.now();
    const windowMs = 20_000;
    await sleep(windowMs);
    await gateway.kafka?.flush(10_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(before.cpu);
    const produced = (kafka()?.producer.sent ?? 0) - before.produced;
    const sent = sends() - before.sends;
    const valuesPerSend = produced / Math.max(1, sent);
    const pointsPerS = produced / seconds;
    const ceiling = CON_CEILING_PER_S * valuesPerSend;
    const offered = (devices * POINTS_PER_DEVICE * 1000) / (poll === '1s' ? 1000 : 100);
    return `| ${fmt(devices * POINTS_PER_DEVICE)} | ${poll} | ${fmt(offered)} | ${fmt(sent / seconds, 1)} | ${fmt(valuesPerSend, 1)} | **${fmt(pointsPerS)}** | ${fmt(((cpu.user + cpu.system) / 1e6 / seconds) * 100)} % | ${fmt(ceiling)} | **${fmt(pointsPerS / ceiling, 2)}** |`;
  } finally {
    await host.close();
    await gateway.close();
    await sim.close();
  }
}

export const kafkaBenchSections = {
  produce: produceSection,
  replay: replaySection,
  latency: latencySection,
  e2e: endToEndSection,
} as const;

export async function runKafkaBench(only?: readonly (keyof typeof kafkaBenchSections)[]): Promise<void> {
  const broker = await startKafkaBroker();
  const dir = await mkdtemp(join(tmpdir(), 'kafka-bench-'));
  try {
    for (const [name, run] of Object.entries(kafkaBenchSections)) {
      if (only !== undefined && !only.includes(name as keyof typeof kafkaBenchSections)) continue;
      await run(broker, dir);
    }
  } finally {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
