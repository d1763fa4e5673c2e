/**
 * Acceptance of the Kafka bridge against a real Apache Kafka 4.1 broker (KRaft, from the Maven
 * Central jars; test/peers/kafka.ts) and Debian's kcat (librdkafka) as the independent consumer and
 * producer: adapter-host in gateway mode on the Modbus simulator registers with the gateway
 * server; its children's registrations and observations arrive as records keyed by gateway
 * endpoint + prefix, each valid against the topic's JSON Schema; management requests (read,
 * write, execute, observe; malformed; an offline endpoint; a duplicate ticket) get their replies;
 * the broker stopped for 30 s mid-stream and restarted loses and reorders nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import type { ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, kcat, startKafkaBroker } from '../../../test/peers/kafka.js';
import { type LeshanClient, startLeshanClient } from '../../../test/peers/leshan-client.js';
import { type PeerProcess, startPeer } from '../../../test/peers/peer-process.js';
import { GatewayServer, topicPattern } from '../src/index.js';
import {
  type CollectedRecord,
  checkSequences,
  collect,
  type KafkaCollector,
  testKafka,
} from './support/kafka-collector.js';
import { startPlantSimulator } from './support/plant-simulator.js';
import { waitUntil } from './support/wait-until.js';

const SERVER_ID = 'edge1';
const T = {
  registrations: `iot.${SERVER_ID}.registrations`,
  observations: `iot.${SERVER_ID}.observations`,
  req: `iot.${SERVER_ID}.management.req`,
  rep: `iot.${SERVER_ID}.management.rep`,
};
const OUTAGE_MS = Number(process.env.KAFKA_OUTAGE_MS ?? 30_000);

let broker: KafkaBroker;
let simulator: ModbusSimulator;
let simulatorPort: number;
let dir: string;
let gateway: GatewayServer;
let host: AdapterHost;
let collector: KafkaCollector;
let ticketNo = 0;
/** edge1's log lines, printed when a test fails. */
const log: string[] = [];
const logLine = (level: string) => (fields: Record<string, unknown>, message: string) =>
  log.push(`${new Date().toISOString()} ${level} ${message} ${JSON.stringify(fields)}`);
const logger = {
  debug: logLine('debug'),
  info: logLine('info'),
  warn: logLine('warn'),
  error: logLine('error'),
};

async function startHost(
  coapPort = gateway.address('coap')?.port,
  endpoint = 'plant-gw',
): Promise<AdapterHost> {
  const file = join(dir, 'plant.yml');
  const port = simulatorPort;
  await writeFile(
    file,
    `version: 1
defaults: { poll: 100ms }
devices:
  - id: boiler-1
    prefix: boiler1
    endpoint: urn:dev:acme:boiler-1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }
      /3303/0/5605: { source: { table: coil, address: 10 } }
  - id: chiller-3
    prefix: chiller3
    endpoint: urn:dev:acme:chiller-3
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 3, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
`,
  );
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return AdapterHost.start({
    mapping: result.mapping as CompiledMapping,
    adapters: adapters as Map<string, AdapterDefinition>,
    server: { uri: `coap://127.0.0.1:${coapPort}`, lifetime: 300 },
    mode: 'gateway',
    endpoint,
  });
}

/** Sends a management request with kcat (the independent producer) and waits for its reply. */
async function request(
  body: Record<string, unknown>,
  raw?: string,
  timeoutMs = 20_000,
): Promise<CollectedRecord['value']> {
  const ticket = (body.ticket as string | undefined) ?? `t-${++ticketNo}`;
  const value = raw ?? JSON.stringify({ serverId: SERVER_ID, ticket, ...body });
  await kcat(broker, ['-P', '-t', T.req, '-k', String(body.ep ?? 'x')], { input: `${value}\n` });
  const reply = await collector.waitFor(
    (r) => r.topic === T.rep && r.value.ticket === (raw === undefined ? ticket : (body.expectTicket ?? null)),
    `the reply to ${value}`,
    timeoutMs,
  );
  return reply.value;
}

beforeAll(async () => {
  broker = await startKafkaBroker();
  ({ simulator, port: simulatorPort } = await startPlantSimulator());
  dir = await mkdtemp(join(tmpdir(), 'gateway-kafka-'));
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    requestTimeoutMs: 5_000,
    logger,
    kafka: { brokers: [broker.bootstrap], serverId: SERVER_ID, spoolDir: join(dir, 'spool'), partitions: 3 },
  });
  await waitUntil(() => gateway.kafka?.stats().consuming === true, 'the management consumer joined', 60_000);
  collector = await collect(broker.bootstrap, [T.registrations, T.observations, T.rep]);
  host = await startHost();
}, 120_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail')
    console.log(log.filter((l) => !l.includes(' debug ')).join('\n'));
});

afterAll(async () => {
  await host?.close();
  await gateway?.close();
  await collector?.close();
  await simulator?.close();
  await broker?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the Kafka bridge against a KRaft broker', () => {
  it('creates the four topics and produces the registrations of the gateway and its children, keyed by endpoint and prefix', async () => {
    const topics = await kcat(broker, ['-L', '-J']);
    const metadata = JSON.parse(topics) as { topics: { topic: string; partitions: unknown[] }[] };
    for (const topic of Object.values(T)) {
      expect(metadata.topics.find((t) => t.topic === topic)?.partitions).toHaveLength(3);
    }
    const gw = await collector.waitFor(
      (r) => r.topic === T.registrations && r.key === 'plant-gw' && r.value.event === 'register',
      'the gateway registration',
    );
    expect(gw.value).toMatchObject({ endpoint: 'plant-gw', deviceId: null, seq: 1, serverId: SERVER_ID });
    const child = await collector.waitFor(
      (r) => r.topic === T.registrations && r.key === 'plant-gw/boiler1',
      'the boiler child registration',
    );
    expect(child.value).toMatchObject({
      event: 'register',
      endpoint: 'plant-gw',
      deviceId: 'urn:dev:acme:boiler-1',
      prefix: 'boiler1',
      child: { prefix: 'boiler1', gatewayEndpoint: 'plant-gw' },
    });
    await collector.waitFor((r) => r.key === 'plant-gw/chiller3', 'the chiller child registration');
  });

  it('answers read, write, execute and observe on /<prefix>/3303/0/5700 behind adapter-host, sent by kcat', async () => {
    const read = await request({
      ep: 'plant-gw',
      kind: 'read',
      path: '/boiler1/3303/0/5700',
      contentFormat: 'text',
    });
    expect(read).toMatchObject({
      success: true,
      code: '2.05',
      result: { values: [{ path: '/boiler1/3303/0/5700', type: 'float', value: 21.5 }] },
      error: null,
    });
    const write = await request({
      ep: 'plant-gw',
      kind: 'write',
      path: '/boiler1/3308/0/5900',
      body: { value: 42.5 },
    });
    expect(write).toMatchObject({ success: true, code: '2.04' });
    expect(simulator.getWords(1, 'holdingRegisters', 10, 1)).toEqual([425]);
    const coilWrites = () => simulator.stats().byFunction[5] ?? 0;
    const before = coilWrites();
    const execute = await request({ ep: 'plant-gw', kind: 'execute', path: '/boiler1/3303/0/5605' });
    expect(execute).toMatchObject({ success: true, code: '2.04' });
    expect(coilWrites()).toBeGreaterThan(before);
    const observe = await request({
      ep: 'plant-gw',
      kind: 'observe',
      path: '/boiler1/3303/0/5700',
      contentFormat: 'text',
      body: { attributes: { pmin: 0 } },
    });
    expect(observe).toMatchObject({
      success: true,
      code: '2.05',
      result: { observation: { token: expect.any(String) } },
    });
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 230 });
    const notified = await collector.waitFor(
      (r) => r.topic === T.observations && r.key === 'plant-gw/boiler1' && r.value.value === 23,
      'the notification of 23.0',
    );
    expect(notified.value).toMatchObject({
      source: 'notification',
      endpoint: 'plant-gw',
      deviceId: 'urn:dev:acme:boiler-1',
      prefix: 'boiler1',
      path: '/boiler1/3303/0/5700',
      type: 'float',
      clientTime: null,
    });
    // kcat, the independent consumer, reads the same record off the observations topic
    const consumed = await kcat(broker, [
      '-C',
      '-t',
      T.observations,
      '-o',
      'beginning',
      '-e',
      '-f',
      '%k\t%s\n',
    ]);
    const line = consumed
      .split('\n')
      .find((l) => l.startsWith('plant-gw/boiler1\t') && l.includes('"value":23'));
    expect(line).toBeDefined();
  });

  it('answers a malformed request with an error on the reply topic and counts it; an offline endpoint with an error', async () => {
    const before = gateway.kafka?.stats().management.malformed ?? 0;
    const notJson = await request({ ep: 'x', expectTicket: null }, '{not json');
    expect(notJson).toMatchObject({ success: false, ticket: null, error: { code: 'KAFKA_REQUEST_INVALID' } });
    const noKind = await request({ ep: 'plant-gw', path: '/boiler1/3303/0/5700', kind: 'frobnicate' });
    expect(noKind).toMatchObject({
      success: false,
      ep: 'plant-gw',
      error: { code: 'KAFKA_REQUEST_INVALID' },
    });
    expect(gateway.kafka?.stats().management.malformed).toBe(before + 2);
    const offline = await request({ ep: 'nobody-here', kind: 'read', path: '/3303/0/5700' });
    expect(offline).toMatchObject({ success: false, code: null, error: { code: 'CLIENT_NOT_REGISTERED' } });
    const badBody = await request({
      ep: 'plant-gw',
      kind: 'write',
      path: '/boiler1/3308/0/5900',
      body: { nope: 1 },
    });
    expect(badBody).toMatchObject({ success: false, error: { code: 'API_REQUEST_INVALID' } });
  });

  it('answers a ticket once, however often the request is read', async () => {
    const value = JSON.stringify({
      serverId: SERVER_ID,
      ticket: 'dup-1',
      ep: 'plant-gw',
      kind: 'read',
      path: '/chiller3/3303/0/5700',
    });
    await kcat(broker, ['-P', '-t', T.req, '-k', 'plant-gw'], { input: `${value}\n${value}\n${value}\n` });
    await collector.waitFor((r) => r.topic === T.rep && r.value.ticket === 'dup-1', 'the reply to dup-1');
    await waitUntil(() => (gateway.kafka?.stats().management.duplicates ?? 0) >= 2, 'two duplicates seen');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.records.filter((r) => r.topic === T.rep && r.value.ticket === 'dup-1')).toHaveLength(1);
  });

  it(
    `loses and reorders nothing when the broker is stopped for ${OUTAGE_MS / 1000} s mid-stream and restarted`,
    async () => {
      let value = 100;
      const ticker = setInterval(() => {
        value = value >= 400 ? 100 : value + 1;
        simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value });
      }, 100);
      try {
        const observations = () => gateway.kafka?.stats().recordsIn ?? 0;
        const start = observations();
        await waitUntil(() => observations() > start + 10, 'observations flowing');
        await broker.pause();
        const atStop = observations();
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        const spooled = gateway.kafka?.stats().spool.pending ?? 0;
        expect(observations()).toBeGreaterThan(atStop + 20); // the stream went on into the spool
        expect(spooled).toBeGreaterThan(0);
        const resumed = performance.now();
        await broker.resume();
        await waitUntil(() => gateway.kafka?.stats().producer.connected === true, 'producing again', 60_000);
        console.log(
          `outage: ${spooled} records spooled; producing ${Math.round(performance.now() - resumed)} ms after the broker restart began`,
        );
      } finally {
        clearInterval(ticker);
      }
      const flushStart = performance.now();
      expect(await gateway.kafka?.flush(30_000)).toBe(true);
      console.log(`outage: spool drained in ${Math.round(performance.now() - flushStart)} ms`);
      const collectStart = performance.now();
      const taken = gateway.kafka?.stats();
      const produced = () => collector.records.filter((r) => r.topic === T.observations);
      const expected = (await kafkaObservationCount()) ?? 0;
      await waitUntil(
        () => produced().length >= expected,
        `the collector has all ${expected} observations`,
        60_000,
      );
      console.log(`outage: collector caught up in ${Math.round(performance.now() - collectStart)} ms`);
      const { perKey, problems, duplicates } = checkSequences(produced());
      expect(problems).toEqual([]);
      // every observation the bridge took is in Kafka, each key's numbers contiguous from 1
      const boiler = perKey.get('plant-gw/boiler1') ?? 0;
      expect(boiler).toBeGreaterThan(OUTAGE_MS / 1000);
      expect(taken?.spool.dropped).toBe(0);
      expect(taken?.spool.pending).toBe(0);
      console.log(`outage: ${boiler} boiler observations, ${duplicates} duplicates after the restart`);
    },
    OUTAGE_MS + 180_000,
  );

  it('loses nothing spooled when the gateway server (the binary) is killed with SIGKILL: on restart it goes out first', async () => {
    const id = 'edge9';
    const topics = { obs: `iot.${id}.observations`, req: `iot.${id}.management.req` };
    const spoolDir = join(dir, 'spool-edge9');
    // the compiled binary (npm test builds before it tests), so SIGKILL reaches the server itself
    const cli = fileURLToPath(new URL('../dist/cli/gateway-server.js', import.meta.url));
    const run = () =>
      startPeer(
        process.execPath,
        [cli, '--coap-port', '0', '--http', '127.0.0.1:0', '--kafka', broker.bootstrap, '--server-id', id],
        {
          env: {
            GATEWAY_SERVER_LOG_FORMAT: 'json',
            GATEWAY_SERVER_QUIET: '1',
            GATEWAY_SERVER_SPOOL_DIR: spoolDir,
            GATEWAY_SERVER_SPOOL_FSYNC: 'never', // a process crash loses nothing written: no fsync needed
          },
        },
      );
    const listening = async (server: PeerProcess) => {
      const m = await server.waitFor(/"coap":\{"address":"[^"]+","port":(\d+)[^\n]*"http":"([^"]+)"/, 30_000);
      return { coap: Number(m[1]), http: m[2] as string };
    };
    const spooled = async (http: string) => {
      const text = await (await fetch(`${http}/metrics`)).text();
      return Number(/^gateway_server_kafka_spool_records (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    };
    const first = run();
    let second: PeerProcess | undefined;
    let killHost: AdapterHost | undefined;
    let edge9: KafkaCollector | undefined;
    let value = 500;
    const ticker = setInterval(() => {
      value = value >= 900 ? 500 : value + 1;
      simulator.setValue(3, 'holdingRegisters', 0, { type: 'int16', value });
    }, 100);
    try {
      const { coap, http } = await listening(first);
      killHost = await startHost(coap, 'kill-gw');
      await first.waitFor(/Kafka: producing/, 30_000);
      // the observe below is for an end device: wait until the server has read the gateway's /25
      await waitUntil(
        async () => (await (await fetch(`${http}/api/devices`)).text()).includes('chiller-3'),
        'chiller-3 known',
        30_000,
      );
      edge9 = await collect(broker.bootstrap, [topics.obs, `iot.${id}.management.rep`]);
      const records = edge9.records;
      const producer = testKafka(broker.bootstrap).producer();
      await producer.connect();
      // the management consumer may still be joining: the request waits in the topic for it
      await producer.send({
        topic: topics.req,
        messages: [
          {
            key: 'kill-gw',
            value: JSON.stringify({
              serverId: id,
              ticket: 'kill-observe',
              ep: 'kill-gw',
              kind: 'observe',
              path: '/chiller3/3303/0/5700',
              contentFormat: 'text',
              body: { attributes: { pmin: 0 } },
            }),
          },
        ],
      });
      await producer.disconnect();
      await edge9.waitFor((r) => r.key === 'kill-gw/chiller3', 'edge9 observations', 60_000);
      const replies = () =>
        edge9?.records.filter(
          (r) => r.topic === `iot.${id}.management.rep` && r.value.ticket === 'kill-observe',
        ) ?? [];
      await waitUntil(() => replies().length === 1, 'the reply to kill-observe');
      await broker.pause();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const atKill = await spooled(http);
      expect(atKill).toBeGreaterThan(10);
      first.child.kill('SIGKILL');
      await first.stop();
      await killHost.close();
      killHost = undefined;
      await broker.resume();
      second = run();
      await second.waitFor(/records from before go out first/, 30_000);
      await waitUntil(() => records.length > 0, 'records');
      const obs = (rs: typeof records) => rs.filter((r) => r.topic === topics.obs);
      const firstRun = obs(records)[0]?.value.runId;
      const ofFirstRun = () => obs(records).filter((r) => r.value.runId === firstRun);
      await waitUntil(
        () => ofFirstRun().length >= atKill,
        `at least the ${atKill} records spooled at the kill`,
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const { problems, perKey } = checkSequences(ofFirstRun());
      expect(problems).toEqual([]);
      expect(perKey.get('kill-gw/chiller3') ?? 0).toBeGreaterThanOrEqual(atKill);
      expect(edge9.invalid).toEqual([]);

      // at most once per ticket across a restart: the ticket window was kept in the spool folder
      const again = testKafka(broker.bootstrap).producer();
      await again.connect();
      await again.send({
        topic: topics.req,
        messages: [
          {
            key: 'kill-gw',
            value: JSON.stringify({
              serverId: id,
              ticket: 'kill-observe',
              ep: 'kill-gw',
              kind: 'read',
              path: '/chiller3/3303/0/5700',
            }),
          },
        ],
      });
      await again.disconnect();
      const secondHttp = (await listening(second)).http;
      const duplicates = async () => {
        const text = await (await fetch(`${secondHttp}/metrics`)).text();
        return Number(
          /^gateway_server_kafka_management_requests_total\{outcome="duplicate"\} (\d+)/m.exec(text)?.[1] ??
            0,
        );
      };
      const deadline = Date.now() + 30_000;
      while ((await duplicates()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await duplicates()).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(replies()).toHaveLength(1);
    } finally {
      clearInterval(ticker);
      await killHost?.close();
      await first.stop();
      await second?.stop();
      await edge9?.close();
    }
  }, 240_000);

  it("two servers on one cluster: each answers only its own management topic (the Leshan client read and written through Kafka); one consumer group reads both servers' observations through a topic pattern", async () => {
    const second = await GatewayServer.start({
      coap: { host: '127.0.0.1', port: 0 },
      requestTimeoutMs: 10_000,
      kafka: {
        brokers: [broker.bootstrap],
        serverId: 'edge2',
        spoolDir: join(dir, 'spool-edge2'),
        partitions: 2,
      },
    });
    let leshan: LeshanClient | undefined;
    const fleet: KafkaCollector[] = [];
    try {
      await waitUntil(() => second.kafka?.stats().consuming === true, 'edge2 consumer joined', 60_000);
      const edge2 = await collect(broker.bootstrap, ['iot.edge2.management.rep', 'iot.edge2.registrations']);
      fleet.push(edge2);
      leshan = await startLeshanClient({
        serverUri: `coap://127.0.0.1:${second.address('coap')?.port}`,
        endpoint: 'leshan-k',
        lifetime: 120,
      });
      await leshan.set('/3303/0/5700', 19.5);
      await leshan.start();
      await edge2.waitFor(
        (r) => r.key === 'leshan-k' && r.value.event === 'register',
        'leshan registered',
        30_000,
      );
      const ask = async (body: Record<string, unknown>) => {
        const ticket = `e2-${++ticketNo}`;
        const value = JSON.stringify({ serverId: 'edge2', ticket, ...body });
        await kcat(broker, ['-P', '-t', 'iot.edge2.management.req', '-k', 'leshan-k'], {
          input: `${value}\n`,
        });
        return (await edge2.waitFor((r) => r.value.ticket === ticket, `reply ${ticket}`)).value;
      };
      expect(
        await ask({ ep: 'leshan-k', kind: 'read', path: '/3303/0/5700', contentFormat: 'senml-json' }),
      ).toMatchObject({
        success: true,
        code: '2.05',
        result: { values: [{ path: '/3303/0/5700', value: 19.5 }] },
      });
      expect(
        await ask({
          ep: 'leshan-k',
          kind: 'write',
          path: '/3311/0/5850',
          body: { value: true },
          contentFormat: 'tlv',
        }),
      ).toMatchObject({ success: true, code: '2.04' });
      expect(await leshan.get('/3311/0/5850')).toBe(true);
      expect(
        await ask({ ep: 'leshan-k', kind: 'observe', path: '/3303/0/5700', contentFormat: 'senml-json' }),
      ).toMatchObject({ success: true, code: '2.05' });
      expect(await ask({ ep: 'leshan-k', kind: 'discover', path: '/3303' })).toMatchObject({
        success: true,
        code: '2.05',
      });
      // edge1 does not answer edge2's requests: its reply topic has none of edge2's tickets
      expect(
        collector.records.some((r) => r.topic === T.rep && String(r.value.ticket).startsWith('e2-')),
      ).toBe(false);
      // a request for edge2 put on edge1's topic is refused by edge1 (whose consumer rejoins its
      // group after the broker outages above: allow for the rebalance)
      const misrouted = await request(
        { ep: 'leshan-k', kind: 'read', path: '/3303/0/5700', serverId: 'edge2' },
        undefined,
        60_000,
      );
      expect(misrouted).toMatchObject({ success: false, error: { code: 'KAFKA_REQUEST_INVALID' } });

      // one downstream group, two members, reading every server's observations by pattern
      const group = `fleet-${Date.now()}`;
      fleet.push(await collect(broker.bootstrap, [topicPattern('observations')], group));
      fleet.push(await collect(broker.bootstrap, [topicPattern('observations')], group));
      await leshan.set('/3303/0/5700', 24.25);
      simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 333 });
      const both = () => [...(fleet[1]?.records ?? []), ...(fleet[2]?.records ?? [])];
      await waitUntil(
        () =>
          both().some((r) => r.topic === 'iot.edge2.observations' && r.value.value === 24.25) &&
          both().some((r) => r.topic === T.observations && r.value.value === 33.3),
        'observations of both servers in the group',
        30_000,
      );
      // each partition went to one member: no record twice across the group
      const ids = both().map((r) => `${r.topic} ${r.value.runId} ${r.key} ${r.value.seq}`);
      expect(new Set(ids).size).toBe(ids.length);
      for (const c of fleet) expect(c.invalid).toEqual([]);
    } finally {
      await leshan?.close();
      await second.close();
      for (const c of fleet) await c.close();
    }
  }, 180_000);

  it('every record read from the topics is valid against its JSON Schema', () => {
    expect(collector.records.length).toBeGreaterThan(0);
    expect(collector.invalid).toEqual([]);
  });
});

/** The observation records in the topic, summed over partitions (high watermarks, via kafkajs admin). */
async function kafkaObservationCount(): Promise<number> {
  const admin = testKafka(broker.bootstrap).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(T.observations);
    return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}
