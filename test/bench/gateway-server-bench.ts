/**
 * gateway-server benchmarks (issue 11). The server runs alone in a child process on the compiled
 * packages (test/bench/gateway/gateway-server-child.mjs, `--expose-gc`, IPC), so its CPU time and
 * memory are its own; the load generators (scripted CoAP clients, adapter-host, the Modbus
 * simulator) run in this process on loopback:
 *  1. registrations: Registers/s and server CPU per Register/De-register, memory per registered client;
 *  2. children: gateways whose /25 lists 10,000 end devices, the time and CPU to take them in, memory per child;
 *  3. ingest: notifications and Send values per second per core, against one peer's message-ID ceiling;
 *  4. latency: a register change at the PLC → the event at the server, through adapter-host.
 * `npm run bench -- gateway-server` runs them all; `gateway-server-<section>` one of them.
 */
import { readFileSync } from 'node:fs';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import { ContentFormat, LwM2mCodecs, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { createModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { EventStreamReader } from './gateway/event-stream-reader.js';
import {
  DEVICE_LINKS,
  gatewayLinks,
  gatewayObject,
  type Representation,
  ScriptedClient,
  type ScriptedClientOptions,
  sendPayload,
  temperatureInstances,
  temperatureTexts,
} from './gateway/scripted-client.js';
import {
  cpuMicrosBetween,
  GatewayServerProcess,
  type ServerCounters,
  type ServerSample,
} from './gateway/server-process.js';
import { benchSimulatorConfig, mappingDir } from './host/bench-mapping.js';

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MiB = 2 ** 20;
const mib = (bytes: number) => fmt(bytes / MiB, 1);
const codecs = new LwM2mCodecs(ObjectRegistry.withOmaObjects());

/** One peer's message IDs (65,536) over EXCHANGE_LIFETIME (247 s) for CON, NON_LIFETIME (145 s) for NON. */
const CON_CEILING_PER_S = 65_536 / 247;
const NON_CEILING_PER_S = 65_536 / 145;

/** UDP datagrams the kernel dropped for a full socket receive buffer, machine-wide (Linux). */
function udpReceiveBufferErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('Udp:'));
    const names = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    return Number(values[names.indexOf('RcvbufErrors')]);
  } catch {
    return Number.NaN;
  }
}

/** Runs `fn` over `items` with at most `limit` at once; resolves with the results in order. */
async function forEachLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index] as T, index);
      }
    }),
  );
  return results;
}

async function openClients(
  server: GatewayServerProcess,
  count: number,
  options: (index: number) => ScriptedClientOptions,
): Promise<ScriptedClient[]> {
  return forEachLimited(
    Array.from({ length: count }, (_, i) => i),
    64,
    (i) => ScriptedClient.open(server.coap, options(i)),
  );
}

async function closeClients(clients: readonly ScriptedClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

/** Waits until `done(counters)` holds (polling every 50 ms); resolves with the counters then. */
async function waitForServer(
  server: GatewayServerProcess,
  done: (c: ServerCounters) => boolean,
  what: string,
  timeoutMs: number,
): Promise<ServerCounters> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counters = await server.counters();
    if (done(counters)) return counters;
    if (counters.syncErrors.length > 0) throw new Error(`${what}: ${counters.syncErrors.join('; ')}`);
    if (performance.now() > deadline) {
      throw new Error(
        `${what}: not reached within ${timeoutMs} ms (children ${counters.children}, registrations ${counters.server.registrations}, out of sync ${counters.gatewaysOutOfSync})`,
      );
    }
    await sleep(50);
  }
}

function expectAll(codes: readonly string[], code: string, what: string): void {
  const bad = codes.filter((c) => c !== code);
  if (bad.length > 0) throw new Error(`${what}: ${bad.length} answered ${[...new Set(bad)].join(', ')}`);
}

const perItem = (a: ServerSample, b: ServerSample, key: 'rss' | 'heapUsed', n: number) =>
  (b.memory[key] - a.memory[key]) / n;
const privateDelta = (a: ServerSample, b: ServerSample) =>
  a.memory.private === null || b.memory.private === null ? Number.NaN : b.memory.private - a.memory.private;

// ---------------------------------------------------------------------------------------------
// 1. registrations

const REG_CLIENTS = 5_000;
const REG_IN_FLIGHT = 64;
const REG_ROUNDS = 3;

async function registrationsBench(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  const server = await GatewayServerProcess.start();
  const clients = await openClients(server, REG_CLIENTS, (i) => ({
    endpoint: `bench-device-${i}`,
    links: DEVICE_LINKS,
  }));
  try {
    // warm-up: the code paths compiled, the first allocations made
    const warm = clients.slice(0, 200);
    expectAll(await forEachLimited(warm, REG_IN_FLIGHT, (c) => c.register()), '2.01', 'warm-up Register');
    expectAll(
      await forEachLimited(warm, REG_IN_FLIGHT, (c) => c.deregister()),
      '2.02',
      'warm-up De-register',
    );
    for (let round = 1; round <= REG_ROUNDS; round++) {
      const base = await server.sample();
      const c0 = await server.counters();
      const parent0 = process.cpuUsage();
      const t0 = performance.now();
      const codes = await forEachLimited(clients, REG_IN_FLIGHT, (c) => c.register());
      const registerS = (performance.now() - t0) / 1000;
      const parentCpu = process.cpuUsage(parent0);
      const c1 = await server.counters();
      expectAll(codes, '2.01', `round ${round} Register`);
      if (c1.server.registrations !== REG_CLIENTS) {
        throw new Error(`${c1.server.registrations} registrations held, expected ${REG_CLIENTS}`);
      }
      const registered = await server.sample();
      const c2 = await server.counters();
      const t2 = performance.now();
      expectAll(
        await forEachLimited(clients, REG_IN_FLIGHT, (c) => c.deregister()),
        '2.02',
        `round ${round} De-register`,
      );
      const deregisterS = (performance.now() - t2) / 1000;
      const c3 = await server.counters();
      const after = await server.sample();
      const cpuRegister = cpuMicrosBetween(c0, c1) / REG_CLIENTS;
      const cpuDeregister = cpuMicrosBetween(c2, c3) / REG_CLIENTS;
      rows.push(
        `| ${round} | ${fmt(REG_CLIENTS)} | ${fmt(REG_CLIENTS / registerS)} | ${fmt(cpuRegister)} | ${fmt(1e6 / cpuRegister)} | ${fmt((parentCpu.user + parentCpu.system) / REG_CLIENTS)} | ${fmt(REG_CLIENTS / deregisterS)} | ${fmt(cpuDeregister)} | ${fmt(perItem(base, registered, 'heapUsed', REG_CLIENTS))} | ${fmt(perItem(base, registered, 'rss', REG_CLIENTS))} | ${fmt(privateDelta(base, registered) / REG_CLIENTS)} | ${fmt((after.memory.heapUsed - base.memory.heapUsed) / 1024)} | ${fmt(after.coap?.deduplication ?? Number.NaN)} |`,
      );
      const retransmissions = clients.reduce((n, c) => n + c.stats().retransmissions, 0);
      if (retransmissions > 0)
        notes.push(`round ${round}: ${retransmissions} client retransmissions so far.`);
    }
  } finally {
    await closeClients(clients);
    await server.close();
  }
  console.log(
    `\n## gateway-server: registrations (${fmt(REG_CLIENTS)} clients, ${REG_IN_FLIGHT} in flight)\n`,
  );
  console.log(
    '| round | clients | Registers/s (wall) | server CPU µs per Register | Registers/s per server core | load generator CPU µs per Register | De-registers/s (wall) | server CPU µs per De-register | heap per registered client (bytes) | RSS per registered client (bytes) | private per registered client (bytes) | heap after De-register vs before the round (KiB) | de-duplication entries held |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  for (const note of notes) console.log(`\n${note}`);
  console.log(
    `\nMethod: the gateway server (\`GatewayServer.start\`, CoAP on 127.0.0.1, no HTTP) runs alone in a \`node --expose-gc\` child on the compiled packages; ${fmt(REG_CLIENTS)} scripted clients in the parent, each a CoapEndpoint on its own UDP socket (one peer each), register (CON POST /rd, \`lt=300\`, 9 links: root with \`ct\`, /1/0, /3/0, /4/0, /3303/0-1, /3304/0, /3308/0, /3311/0) ${REG_IN_FLIGHT} at a time, then de-register (DELETE) the same way; ${REG_ROUNDS} rounds after a warm-up of 200. Server CPU is the child's \`process.cpuUsage()\` across each phase divided by the operations, so "per server core" = 1e6 / CPU µs; the wall rate is bounded by the load generator (its CPU per Register beside it) on a 2-core machine. Memory per registered client: heap, RSS and private (smaps_rollup) of the child with every client registered minus before the round, after two forced GCs, divided by ${fmt(REG_CLIENTS)}. It includes the CoAP de-duplication cache, which keeps each CON request's reply for EXCHANGE_LIFETIME (247 s, bounded at 10,000 entries): the last column shows how many it held after the round, and why the heap after De-register does not fall back to the baseline at once.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. gateways and their children

const CHILDREN_CASES = [
  { gateways: 10, children: 1_000 },
  { gateways: 2, children: 5_000 },
  { gateways: 1, children: 10_000 },
] as const;
const CHILDREN_SYNC_TIMEOUT_MS = 120_000;

interface ChildrenResult {
  readonly gateways: number;
  readonly children: number;
  readonly bytes: number;
  readonly syncMs: number | undefined;
  readonly cpuMs: number;
  readonly base: ServerSample;
  readonly loaded: ServerSample | undefined;
  readonly after: ServerSample | undefined;
  readonly error: string | undefined;
}

async function childrenCase(gateways: number, children: number): Promise<ChildrenResult> {
  const server = await GatewayServerProcess.start();
  const representation = (g: number, n: number) => gatewayObject(codecs, g, n, ContentFormat.SENML_CBOR);
  const object25 = (rep: Representation) =>
    new Map<string, readonly Representation[]>([
      ['/25', [rep]],
      ['/3/0', [{ contentFormat: ContentFormat.TEXT, payload: new Uint8Array() }]],
    ]);
  const reps = Array.from({ length: gateways }, (_, g) => representation(g, children));
  const bytes = reps[0]!.payload.length;
  const clients = await openClients(server, gateways, (g) => ({
    endpoint: `bench-gateway-${g}`,
    links: gatewayLinks(children),
    resources: object25(reps[g]!),
    blockwiseCacheBytes: 4 * bytes + MiB,
  }));
  const warm = await ScriptedClient.open(server.coap, {
    endpoint: 'bench-gateway-warm-up',
    links: gatewayLinks(100),
    resources: object25(representation(99, 100)),
  });
  try {
    expectAll([await warm.register()], '2.01', 'warm-up Register');
    await waitForServer(server, (c) => c.children === 100, 'warm-up children', 20_000);
    expectAll([await warm.deregister()], '2.02', 'warm-up De-register');
    await waitForServer(server, (c) => c.children === 0, 'warm-up children gone', 20_000);
    const base = await server.sample();
    const c0 = await server.counters();
    const t0 = performance.now();
    expectAll(await Promise.all(clients.map((c) => c.register())), '2.01', 'gateway Register');
    let c1: ServerCounters;
    try {
      c1 = await waitForServer(
        server,
        (c) => c.children === gateways * children && c.gatewaysOutOfSync === 0,
        `${gateways} x ${children} children`,
        CHILDREN_SYNC_TIMEOUT_MS,
      );
    } catch (error) {
      const now = await server.counters();
      return {
        gateways,
        children,
        bytes,
        syncMs: undefined,
        cpuMs: cpuMicrosBetween(c0, now) / 1000,
        base,
        loaded: undefined,
        after: undefined,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    const syncMs = c1.at - (performance.timeOrigin + t0);
    const loaded = await server.sample();
    expectAll(await Promise.all(clients.map((c) => c.deregister())), '2.02', 'gateway De-register');
    await waitForServer(server, (c) => c.children === 0, 'children gone', 20_000);
    const after = await server.sample();
    return {
      gateways,
      children,
      bytes,
      syncMs,
      cpuMs: cpuMicrosBetween(c0, c1) / 1000,
      base,
      loaded,
      after,
      error: undefined,
    };
  } finally {
    await warm.close();
    await closeClients(clients);
    await server.close();
  }
}

async function childrenBench(): Promise<void> {
  const results: ChildrenResult[] = [];
  for (const { gateways, children } of CHILDREN_CASES) results.push(await childrenCase(gateways, children));
  console.log('\n## gateway-server: gateways and their children (target: 10,000 children in ≤ 200 MB)\n');
  console.log(
    '| gateways x children | /25 SenML CBOR bytes per gateway | Register → all children held (ms) | server CPU ms | server CPU µs per child | process RSS with children (MiB) | RSS Δ (MiB) | heap Δ (MiB) | private Δ (MiB) | heap per child (bytes) | RSS per child (bytes) | heap after De-register vs before (KiB) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const notes: string[] = [];
  for (const r of results) {
    const n = r.gateways * r.children;
    const name = `${fmt(r.gateways)} x ${fmt(r.children)}`;
    if (r.loaded === undefined || r.after === undefined || r.syncMs === undefined) {
      console.log(`| ${name} | ${fmt(r.bytes)} | failed | ${fmt(r.cpuMs)} | | | | | | | | |`);
      notes.push(`${name}: ${r.error}`);
      continue;
    }
    console.log(
      `| ${name} | ${fmt(r.bytes)} | ${fmt(r.syncMs)} | ${fmt(r.cpuMs)} | ${fmt((r.cpuMs * 1000) / n)} | ${mib(r.loaded.memory.rss)} | ${mib(r.loaded.memory.rss - r.base.memory.rss)} | ${mib(r.loaded.memory.heapUsed - r.base.memory.heapUsed)} | ${mib(privateDelta(r.base, r.loaded))} | ${fmt(perItem(r.base, r.loaded, 'heapUsed', n))} | ${fmt(perItem(r.base, r.loaded, 'rss', n))} | ${fmt((r.after.memory.heapUsed - r.base.memory.heapUsed) / 1024)} |`,
    );
  }
  for (const note of notes) console.log(`\n${note}`);
  console.log(
    `\nMethod: a fresh server child per row (as above). Each gateway is a scripted client that registers with \`</25>;ver=2.0\` and one link per /25 instance (as our client does; the Register goes Block1), and answers GET/Observe /25 with a pre-encoded SenML CBOR object: per end device a Device ID (\`urn:dev:bench:g0-d123\`), a prefix (\`d123\`) and 6 object-instance links in /25/x/3 (${JSON.stringify('</3/0>,</3303/0>,…')}); the CoapEndpoints send it block-wise (1,024-byte Block2). The server observes /25 200 ms after the Register (GatewayChildren), parses every instance and holds the children. Time: from the first Register until the child reports that many children (polled every 50 ms); CPU: the server child's across that time. Memory: after two forced GCs, with the children held minus before the gateways registered (after a warm-up gateway with 100 children came and went); "after De-register" once every child is gone.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. ingest: notifications and Sends

const INGEST_PEERS = 50;
const INGEST_WARMUP_MS = 1_000;
const INGEST_MEASURE_MS = 4_000;
const SEND_PEERS = 16;

/** A short burst above what the peers could sustain, to see the server's CPU near its limit (4 s at 600/s per peer). */
const NOTIFICATION_BURST_PER_S = 30_000;

interface NotificationCase {
  readonly name: string;
  readonly confirmable: boolean;
  readonly format: number;
  readonly path: string;
  readonly values: number;
  /** Offered rate over all peers. */
  readonly rate: number;
}

const NOTIFICATION_CASES: readonly NotificationCase[] = [
  {
    name: 'NON, text/plain /3303/0/5700',
    confirmable: false,
    format: ContentFormat.TEXT,
    path: '/3303/0/5700',
    values: 1,
    rate: Math.ceil(NON_CEILING_PER_S * 10),
  },
  {
    name: 'CON, text/plain /3303/0/5700',
    confirmable: true,
    format: ContentFormat.TEXT,
    path: '/3303/0/5700',
    values: 1,
    rate: Math.ceil(CON_CEILING_PER_S * 10),
  },
  {
    name: 'NON, SenML CBOR /3303/0 (4 values)',
    confirmable: false,
    format: ContentFormat.SENML_CBOR,
    path: '/3303/0',
    values: 4,
    rate: Math.ceil(NON_CEILING_PER_S * 10),
  },
  {
    name: 'NON, text/plain /3303/0/5700, burst',
    confirmable: false,
    format: ContentFormat.TEXT,
    path: '/3303/0/5700',
    values: 1,
    rate: NOTIFICATION_BURST_PER_S,
  },
];

interface Offered {
  sent: number;
  ms: number;
  outcomes: Record<string, number>;
}

/** Offers `rate` notifications/s spread round-robin over the clients, for `ms`. */
async function offerNotifications(
  clients: readonly ScriptedClient[],
  c: NotificationCase,
  payloads: readonly Uint8Array[],
  ms: number,
): Promise<Offered> {
  const offered: Offered = { sent: 0, ms: 0, outcomes: {} };
  const total = Math.round((c.rate * ms) / 1000);
  const t0 = performance.now();
  while (offered.sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * c.rate));
    for (; offered.sent < due; offered.sent++) {
      const client = clients[offered.sent % clients.length]!;
      void client
        .notify(c.path, payloads[offered.sent % payloads.length]!, c.confirmable)
        ?.then((outcome) => {
          offered.outcomes[outcome] = (offered.outcomes[outcome] ?? 0) + 1;
        });
    }
    await sleep(2);
  }
  offered.ms = performance.now() - t0;
  return offered;
}

interface IngestRow {
  readonly cells: string;
  readonly note?: string;
}

async function notificationCase(
  server: GatewayServerProcess,
  c: NotificationCase,
  label: string,
): Promise<IngestRow> {
  const payloads = c.format === ContentFormat.TEXT ? temperatureTexts(64) : temperatureInstances(codecs, 64);
  const clients = await openClients(server, INGEST_PEERS, (i) => ({
    endpoint: `bench-notify-${i}`,
    links: DEVICE_LINKS,
    resources: new Map([[c.path, [{ contentFormat: c.format, payload: payloads[0]! }]]]),
  }));
  try {
    expectAll(await forEachLimited(clients, 16, (x) => x.register()), '2.01', 'Register');
    const observed = await server.request<{ accepted: number; failures: string[] }>('observeAll', {
      path: c.path,
      format: c.format,
    });
    if (observed.accepted !== INGEST_PEERS) {
      throw new Error(`${observed.accepted} observations accepted: ${observed.failures.join('; ')}`);
    }
    await offerNotifications(clients, c, payloads, INGEST_WARMUP_MS);
    await sleep(200);
    const c0 = await server.counters();
    const rcvbuf0 = udpReceiveBufferErrors();
    const offered = await offerNotifications(clients, c, payloads, INGEST_MEASURE_MS);
    await sleep(200);
    const c1 = await server.counters();
    const rcvbufErrors = udpReceiveBufferErrors() - rcvbuf0;
    const seconds = (c1.at - c0.at) / 1000;
    const received = c1.server.notifications - c0.server.notifications;
    const evicted = (c1.coap?.evicted ?? 0) - (c0.coap?.evicted ?? 0);
    const values = c1.notificationValues - c0.notificationValues;
    if (values !== received * c.values || c1.notificationErrors > 0) {
      throw new Error(
        `${values} values decoded from ${received} notifications (expected ${c.values} each), ${c1.notificationErrors} undecodable`,
      );
    }
    const cpu = cpuMicrosBetween(c0, c1);
    const perNotification = cpu / received;
    const ceiling = c.confirmable ? CON_CEILING_PER_S : NON_CEILING_PER_S;
    const perCore = 1e6 / perNotification;
    const outOfOrder = (c1.coap?.observing.outOfOrder ?? 0) - (c0.coap?.observing.outOfOrder ?? 0);
    const dropped = offered.outcomes.dropped ?? 0;
    await server.request('cancelAll');
    await forEachLimited(clients, 16, (x) => x.deregister());
    return {
      cells: `| ${c.name} | ${label} | ${INGEST_PEERS} | ${fmt((offered.sent * 1000) / offered.ms)} | ${fmt((received * 1000) / offered.ms)} | ${fmt(((offered.sent - received) / offered.sent) * 100, 1)} % | ${fmt((cpu / 1e6 / seconds) * 100)} % | ${fmt(perNotification, 1)} | ${fmt(perCore)} | ${fmt(perCore * c.values)} | ${fmt(ceiling)} ${c.confirmable ? 'CON' : 'NON'}/s | ${fmt(perCore / ceiling, 1)} x |`,
      ...(dropped > 0 || outOfOrder > 0 || evicted > 0 || rcvbufErrors > 0
        ? {
            note: `${c.name} (${label}): ${fmt(rcvbufErrors)} datagrams dropped by the kernel for a full socket receive buffer (machine-wide, /proc/net/snmp RcvbufErrors), ${dropped} notifications dropped by the clients' CoAP layer (a newer one superseded a queued one), ${outOfOrder} dropped at the server as out of order, ${fmt(evicted)} entries evicted from the server's de-duplication cache (10,000 entries) before their lifetime.`,
          }
        : {}),
    };
  } finally {
    await closeClients(clients);
  }
}

const SEND_CASES = [1, 10, 100] as const;

async function sendCase(server: GatewayServerProcess, values: number, label: string): Promise<IngestRow> {
  const payload = sendPayload(codecs, values, undefined);
  const clients = await openClients(server, SEND_PEERS, (i) => ({
    endpoint: `bench-send-${values}-${i}`,
    links: DEVICE_LINKS,
  }));
  try {
    expectAll(await forEachLimited(clients, 16, (x) => x.register()), '2.01', 'Register');
    const loop = async (ms: number) => {
      const end = performance.now() + ms;
      const codes: Record<string, number> = {};
      let sends = 0;
      await Promise.all(
        clients.map(async (client) => {
          // bounded per peer: well under the 65,536 message IDs of one EXCHANGE_LIFETIME
          for (let i = 0; performance.now() < end && i < 20_000; i++) {
            const code = await client.send(payload, ContentFormat.SENML_CBOR);
            codes[code] = (codes[code] ?? 0) + 1;
            sends++;
          }
        }),
      );
      return { sends, codes };
    };
    await loop(INGEST_WARMUP_MS);
    const con0 = clients.reduce((n, x) => n + x.stats().sentCon, 0);
    const c0 = await server.counters();
    const { sends, codes } = await loop(INGEST_MEASURE_MS);
    const c1 = await server.counters();
    const con = clients.reduce((n, x) => n + x.stats().sentCon, 0) - con0;
    expectAll(
      Object.entries(codes).flatMap(([code, n]) => Array<string>(n).fill(code)),
      '2.04',
      `Send of ${values}`,
    );
    const seconds = (c1.at - c0.at) / 1000;
    const receivedValues = c1.sendValues - c0.sendValues;
    const receivedSends = c1.server.sends - c0.server.sends;
    if (receivedValues !== receivedSends * values) {
      throw new Error(`${receivedValues} values in ${receivedSends} Sends, expected ${values} each`);
    }
    const cpu = cpuMicrosBetween(c0, c1);
    const perValue = cpu / receivedValues;
    const perCore = 1e6 / perValue;
    const valuesPerCon = receivedValues / con;
    const peerCeiling = CON_CEILING_PER_S * valuesPerCon;
    await forEachLimited(clients, 16, (x) => x.deregister());
    return {
      cells: `| Send (CON POST /dp, SenML CBOR), ${values} value${values === 1 ? '' : 's'}, ${fmt(payload.length)} bytes | ${label} | ${SEND_PEERS} | ${fmt(sends / seconds)} Sends | ${fmt(receivedValues / seconds)} | ${fmt(con / sends, 1)} CON per Send | ${fmt((cpu / 1e6 / seconds) * 100)} % | ${fmt(cpu / receivedSends, 1)} per Send, ${fmt(perValue, 2)} per value | ${fmt(1e6 / (cpu / receivedSends))} Sends | ${fmt(perCore)} | ${fmt(peerCeiling)} values/s | ${fmt(perCore / peerCeiling, 1)} x |`,
    };
  } finally {
    await closeClients(clients);
  }
}

type IngestMode = 'engine' | 'api';

async function ingestBench(): Promise<void> {
  const rows: IngestRow[] = [];
  const notes: string[] = [];
  for (const mode of ['engine', 'api'] as const satisfies readonly IngestMode[]) {
    const server = await GatewayServerProcess.start({ api: mode === 'api' });
    let stream: EventStreamReader | undefined;
    let streamEnded = false;
    try {
      if (mode === 'api') {
        stream = await EventStreamReader.open(server.httpUrl as string, '?types=notification,send', () => {});
        stream.onEnd = () => {
          streamEnded = true;
        };
      }
      const label = mode === 'engine' ? 'engine' : 'engine + events + 1 SSE stream';
      for (const c of NOTIFICATION_CASES) rows.push(await notificationCase(server, c, label));
      for (const values of SEND_CASES) rows.push(await sendCase(server, values, label));
      if (stream !== undefined) {
        notes.push(
          `The SSE consumer read ${fmt(stream.events)} events (${mib(stream.bytes)} MiB)${streamEnded ? ' and was then cut off by the server (it fell more than 1 MiB behind)' : ''}.`,
        );
      }
    } finally {
      stream?.close();
      await server.close();
    }
  }
  console.log(
    "\n## gateway-server: notifications and Sends ingested (against one peer's message-ID ceiling)\n",
  );
  console.log(
    "| case | server | peers | offered /s | received /s | lost | server CPU (of one core) | server CPU µs | per server core /s | values per server core /s | one peer's ceiling | per core ÷ one peer's ceiling |",
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row.cells);
  for (const row of rows) if (row.note !== undefined) console.log(`\n${row.note}`);
  for (const note of notes) console.log(`\n${note}`);
  console.log(
    `\nMethod: one server child (as above) per server column for all its rows: "engine" is \`GatewayServer\` alone; "engine + events + 1 SSE stream" adds the \`GatewayEventSource\` (every notification and Send becomes a JSON event) and the HTTP API, with this process reading \`GET /api/events?types=notification,send\`. Notifications: ${INGEST_PEERS} scripted clients (one UDP socket each) register; the server observes the path at each (Observe through the engine, Accept as in the row; a listener in the child reads each notification's value (the engine decodes on that first access) and counts the values); the clients then send notifications with increasing Observe numbers and varying values, offered at 10x one peer's ceiling in total, spread round-robin over the peers (${fmt(NON_CEILING_PER_S * 10)} NON/s or ${fmt(CON_CEILING_PER_S * 10)} CON/s, paced every 2 ms; the burst row offers ${fmt(NOTIFICATION_BURST_PER_S)}/s, more than the peers could keep up for long, to load the server near a core; ${INGEST_WARMUP_MS / 1000} s warm-up, ${INGEST_MEASURE_MS / 1000} s measured). "received" counts the notifications the engine handed over (its stats), "lost" what was offered but not received (UDP drops, or CON notifications superseded in a client's queue). Sends: ${SEND_PEERS} clients each POST /dp in a closed loop (one Send in flight per peer, at most 20,000 per peer), pre-encoded SenML CBOR records of /3303/x/5700 and /3304/x/5700 floats with one timestamp; the server decodes each (LwM2M codecs) and answers 2.04 ("received" and "per server core" are Sends, the values column counts values). Server CPU: the child's \`process.cpuUsage()\` over the measured window; per server core = 1e6 / CPU µs per notification (or per value): the rate one fully used core would ingest. One peer's ceiling: 65,536 message IDs per peer within EXCHANGE_LIFETIME (247 s) for CON = ${fmt(CON_CEILING_PER_S)}/s, NON_LIFETIME (145 s) for NON = ${fmt(NON_CEILING_PER_S)}/s; for Sends x values per CON message (Block1 blocks each take a message ID). The requirement is per core ÷ ceiling ≥ 10.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 4. register change at the PLC → event on the API stream, through adapter-host

const LATENCY_CHANGES = 200;
const LATENCY_POLL_MS = 100;
const LATENCY_GATEWAY = 'bench-latency-gw';
/** Input register 0 of unit 1 (int16, scale 0.01); `setValue` stops its simulated signal. */
const LATENCY_PATH = '/dev1/3304/0/5700';
const LATENCY_WAIT_MS = 2_000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LatencyResult {
  readonly name: string;
  /** Change → event read from GET /api/events, ms. */
  readonly stream: number[];
  /** Change → the engine's notification event in the server process, ms. */
  readonly engine: number[];
  readonly missed: number;
  readonly unexpected: number;
}

interface Waiting {
  readonly value: number;
  stream: number | undefined;
  engine: number | undefined;
  readonly done: () => void;
}

async function latencyCase(name: string, devices: number, poll: string | undefined, changes: number) {
  const server = await GatewayServerProcess.start({ api: true });
  const sim = createModbusSimulator(benchSimulatorConfig(devices));
  const files = await mappingDir();
  let host: AdapterHost | undefined;
  let stream: EventStreamReader | undefined;
  try {
    const { tcpPort } = await sim.start();
    const file = await files.write('latency.yml', {
      devices,
      port: tcpPort as number,
      ...(poll === undefined ? {} : { poll }),
    });
    const { result, adapters } = await compileMappingFile(file, {});
    if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
    host = await AdapterHost.start({
      mapping: result.mapping,
      adapters,
      server: { uri: server.uri },
      mode: 'gateway',
      endpoint: LATENCY_GATEWAY,
      runner: { observedPollMs: LATENCY_POLL_MS },
    });
    await waitForServer(
      server,
      (c) => c.children === devices && c.gatewaysOutOfSync === 0,
      'the children of adapter-host',
      20_000,
    );
    let raw = 1;
    sim.setValue(1, 'inputRegisters', 0, { type: 'int16', value: raw });
    await sleep(200);
    let waiting: Waiting | undefined;
    let unexpected = 0;
    const settle = (w: Waiting) => {
      if (w.stream !== undefined && w.engine !== undefined) w.done();
    };
    stream = await EventStreamReader.open(
      server.httpUrl as string,
      `?types=notification&endpoint=${LATENCY_GATEWAY}`,
      (event, at) => {
        const values = event.values as readonly { readonly value: unknown }[] | undefined;
        const v = Number(values?.[0]?.value);
        const w = waiting;
        if (w !== undefined && w.stream === undefined && Math.abs(v - w.value) < 1e-9) {
          w.stream = at;
          settle(w);
        } else unexpected++;
      },
    );
    server.onNotification = ({ value, at }) => {
      const w = waiting;
      if (w !== undefined && w.engine === undefined && Math.abs(Number(value) - w.value) < 1e-9) {
        w.engine = at - performance.timeOrigin;
        settle(w);
      }
    };
    await server.request('traceNotifications', { endpoint: LATENCY_GATEWAY, path: LATENCY_PATH });
    const observed = await fetch(`${server.httpUrl}/api/clients/${LATENCY_GATEWAY}${LATENCY_PATH}:observe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'text', attributes: { pmin: 0 } }),
    });
    const answer = await observed.text();
    if (!observed.ok) throw new Error(`POST …${LATENCY_PATH}:observe answered ${observed.status}: ${answer}`);
    const rand = seeded(42);
    const streamMs: number[] = [];
    const engineMs: number[] = [];
    let missed = 0;
    for (let i = 0; i < changes; i++) {
      // a random phase against the poll timer
      await sleep(rand() * LATENCY_POLL_MS);
      raw = raw >= 30_000 ? 1 : raw + 1;
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<Waiting>((resolve) => {
        const w: Waiting = {
          value: raw / 100,
          stream: undefined,
          engine: undefined,
          done: () => {
            clearTimeout(timer);
            resolve(w);
          },
        };
        waiting = w;
        timer = setTimeout(() => resolve(w), LATENCY_WAIT_MS);
      });
      const t0 = performance.now();
      sim.setValue(1, 'inputRegisters', 0, { type: 'int16', value: raw });
      const w = await arrived;
      waiting = undefined;
      if (w.stream === undefined || w.engine === undefined) missed++;
      else {
        streamMs.push(w.stream - t0);
        engineMs.push(w.engine - t0);
      }
    }
    return { name, stream: streamMs, engine: engineMs, missed, unexpected } satisfies LatencyResult;
  } finally {
    stream?.close();
    await host?.close();
    await sim.close();
    await files.remove();
    await server.close();
  }
}

async function latencyBench(): Promise<void> {
  const results: LatencyResult[] = [
    await latencyCase(
      '10 devices x 100 points, only the observed one polled',
      10,
      undefined,
      LATENCY_CHANGES,
    ),
    await latencyCase('10 devices x 100 points, all polled every 1 s besides', 10, '1s', LATENCY_CHANGES / 2),
  ];
  const bound = LATENCY_POLL_MS + 5;
  console.log(
    `\n## gateway-server: register change at the PLC → notification event on GET /api/events, through adapter-host (poll ${LATENCY_POLL_MS} ms, pmin 0; bound poll + 5 ms = ${bound} ms)\n`,
  );
  console.log(
    '| case | changes | p50 ms | p90 ms | p99 ms | max ms | over bound | engine event p50 / p99 ms | engine → stream p50 / p99 ms | missed (2 s) | unexpected events |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of results) {
    const sorted = [...x.stream].sort((a, b) => a - b);
    const engine = [...x.engine].sort((a, b) => a - b);
    const hop = x.stream.map((v, i) => v - (x.engine[i] as number)).sort((a, b) => a - b);
    console.log(
      `| ${x.name} | ${sorted.length} | ${fmt(percentile(sorted, 0.5), 1)} | ${fmt(percentile(sorted, 0.9), 1)} | ${fmt(percentile(sorted, 0.99), 1)} | ${fmt(sorted.at(-1) ?? Number.NaN, 1)} | ${sorted.filter((v) => v > bound).length} | ${fmt(percentile(engine, 0.5), 1)} / ${fmt(percentile(engine, 0.99), 1)} | ${fmt(percentile(hop, 0.5), 2)} / ${fmt(percentile(hop, 0.99), 2)} | ${x.missed} | ${x.unexpected} |`,
    );
  }
  console.log(
    `\nMethod: a server child with the event source and the HTTP API (\`GatewayEventSource\` + \`GatewayHttpApi\` on node:http, composed as the API tests do); in this process the Modbus simulator (10 units) and adapter-host in gateway mode (\`runner.observedPollMs: ${LATENCY_POLL_MS}\`, the generated 100-point template per device), registered to the server over UDP. Once the server holds the 10 children, this process opens \`GET /api/events?types=notification&endpoint=${LATENCY_GATEWAY}\` and observes \`${LATENCY_PATH}\` through the API (\`POST /api/clients/${LATENCY_GATEWAY}${LATENCY_PATH}:observe\`, text, \`attributes: { pmin: 0 }\`). Each change: a random pause in [0, ${LATENCY_POLL_MS}) ms (seeded), then \`sim.setValue\` of the input register to a new value; latency = time until the SSE event carrying that value is read from the stream. One change in flight at a time. "engine event": the same change until the engine's notification event in the server process (timestamps as epoch ms from \`performance.timeOrigin + performance.now()\` in both processes); "engine → stream": the rest (event source JSON, SSE write, HTTP to this process). Expected: a uniform 0..${LATENCY_POLL_MS} ms wait for the host's next poll, plus Modbus read, CoAP notification and event delivery.`,
  );
}

/** The gateway-server benchmark's sections, by the name `npm run bench -- gateway-server-<name>` selects. */
export const gatewayServerBenchSections = {
  registrations: registrationsBench,
  children: childrenBench,
  ingest: ingestBench,
  latency: latencyBench,
} as const satisfies Record<string, () => Promise<void>>;

export async function runGatewayServerBench(
  sections: readonly (keyof typeof gatewayServerBenchSections)[] = Object.keys(
    gatewayServerBenchSections,
  ) as (keyof typeof gatewayServerBenchSections)[],
): Promise<void> {
  const took: string[] = [];
  for (const name of sections) {
    const t0 = performance.now();
    await gatewayServerBenchSections[name]();
    took.push(`${name} ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  console.log(`\ngateway-server benchmarks took ${took.join(', ')}.`);
}
