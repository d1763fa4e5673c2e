/**
 * LwM2M client engine over CoAP/UDP on loopback (CoapEndpoint + UdpTransport), against an
 * in-process LwM2M server (the lwm2m-server engine on a second CoapEndpoint + UdpTransport) and
 * against the Leshan demo server:
 *  - cached-resource reads/s with 16 requests in flight, latency, CPU µs per read;
 *  - CPU µs per notification (end to end, and the client side alone with a discarding sink);
 *  - registration round trip (start() -> registered).
 * Client and in-process server share this process, so CPU figures cover both sides.
 */

import { CoapEndpoint, type DatagramSink, type PeerAddress } from '@lwm2m-adapters/coap';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { startLeshanServer } from '../peers/leshan.js';

const registry = ObjectRegistry.withOmaObjects();
const HOST = '127.0.0.1';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The in-process LwM2M server: the lwm2m-server engine on its own CoapEndpoint + UdpTransport. It
 * answers Register (2.01), Update (2.04) and De-register (2.02); the read benchmark sends its GETs
 * through the endpoint's `request()`; the notification benchmark observes through the engine
 * (notifications acknowledged when CON, dropped when older than the last) and counts them.
 */
class MiniServer {
  notifications = 0;
  lastNotification = '';
  #notificationWaiter: (() => void) | undefined;
  readonly #decoder = new TextDecoder();

  private constructor(
    readonly transport: UdpTransport,
    readonly endpoint: CoapEndpoint,
    readonly server: Lwm2mServer,
  ) {}

  static async start(): Promise<MiniServer> {
    const transport = await UdpTransport.open({ host: HOST });
    const endpoint = new CoapEndpoint({ sink: transport, limits: { maxOutstandingRequests: 64 } });
    transport.setReceiver(endpoint);
    return new MiniServer(transport, endpoint, new Lwm2mServer({ endpoint, model: registry }));
  }

  get peer(): PeerAddress {
    return this.transport.localAddress;
  }

  /** Observes /3303/0/5700 (Accept text/plain) of the client registered as `endpointName`. */
  async observe(endpointName: string): Promise<void> {
    const result = await this.server.observe(endpointName, '/3303/0/5700', {
      format: 0,
      timeoutMs: 5_000,
      onNotification: (notification) => {
        this.notifications++;
        this.lastNotification = this.#decoder.decode(notification.payload);
        const waiter = this.#notificationWaiter;
        this.#notificationWaiter = undefined;
        waiter?.();
      },
    });
    if (result.code !== '2.05' || result.observation === undefined) {
      throw new Error(
        `Observe answered ${result.code}${result.observation === undefined ? ' without Observe' : ''}`,
      );
    }
  }

  nextNotification(): Promise<void> {
    return new Promise((resolve) => {
      this.#notificationWaiter = resolve;
    });
  }

  async close(): Promise<void> {
    this.server.close();
    this.endpoint.close();
    await this.transport.close();
  }
}

/** A sink that forwards to the UDP transport until `discard` is set, then counts and drops. */
class SwitchableSink implements DatagramSink {
  discard = false;
  discarded = 0;
  #waiter: (() => void) | undefined;

  constructor(readonly transport: UdpTransport) {}

  send(datagram: Uint8Array, peer: PeerAddress): void {
    if (!this.discard) {
      this.transport.send(datagram, peer);
      return;
    }
    this.discarded++;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}

interface ClientRig {
  readonly client: LwM2mClient;
  readonly endpoint: CoapEndpoint;
  readonly transport: UdpTransport;
  readonly sink: SwitchableSink;
  readonly peer: PeerAddress;
  readonly state: { value: number };
  close(): Promise<void>;
}

/** A fresh client + endpoint + UDP socket; /3303/0/5700 static (cached) or backed by `state.value`. */
async function clientRig(
  server: PeerAddress,
  endpointName: string,
  resource: 'static' | 'handler',
): Promise<ClientRig> {
  const transport = await UdpTransport.open({ host: HOST });
  const sink = new SwitchableSink(transport);
  const endpoint = new CoapEndpoint({ sink });
  transport.setReceiver(endpoint);
  const state = { value: 21.5 };
  const client = new LwM2mClient({
    endpointName,
    server: { peer: server, shortServerId: 1, lifetime: 300 },
    registry,
    link: endpointLink(endpoint),
  });
  client.objects.defineObject(3303, {
    instances: {
      0: {
        5700: resource === 'static' ? 21.5 : { read: () => state.value },
        5701: 'Cel',
      },
    },
  });
  return {
    client,
    endpoint,
    transport,
    sink,
    peer: transport.localAddress,
    state,
    async close() {
      sink.discard = false;
      await client.close();
      endpoint.close();
      await transport.close();
    },
  };
}

/** start() → 'registered', in ms. */
async function register(client: LwM2mClient, timeoutMs = 15_000): Promise<number> {
  const registered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('registration timed out')), timeoutMs);
    const off = client.on('registered', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });
  const t0 = process.hrtime.bigint();
  client.start();
  await registered;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// ---------------------------------------------------------------------------------------------

const IN_FLIGHT = 16;
/** CON requests towards one peer: stay well under the 65,536 message IDs of one EXCHANGE_LIFETIME. */
const READ_MESSAGE_BUDGET = 60_000;

async function readBench(): Promise<void> {
  const server = await MiniServer.start();
  const rig = await clientRig(server.peer, 'bench-reads', 'static');
  try {
    await register(rig.client);
    const get = { method: 'GET', uriPath: ['3303', '0', '5700'], accept: 0 } as const;
    const check = await server.endpoint.request(rig.peer, get, { timeoutMs: 2_000 });
    if (check.code !== '2.05' || Buffer.from(check.payload).toString() !== '21.5') {
      throw new Error(`unexpected read answer ${check.code} "${Buffer.from(check.payload).toString()}"`);
    }
    let sent = 1;
    const latencies = new Float64Array(READ_MESSAGE_BUDGET);
    let recorded = 0;
    let recording = false;
    let failures = 0;
    const phase = async (ms: number) => {
      const end = performance.now() + ms;
      const worker = async () => {
        while (performance.now() < end && sent < READ_MESSAGE_BUDGET) {
          sent++;
          const t0 = performance.now();
          const response = await server.endpoint.request(rig.peer, get, { timeoutMs: 5_000 });
          if (response.code !== '2.05') failures++;
          if (recording) latencies[recorded++] = (performance.now() - t0) * 1000;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    };
    await phase(500);
    recording = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await phase(2_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuMicros(process.cpuUsage(cpu0));
    const sorted = latencies.subarray(0, recorded).sort();
    const stats = server.endpoint.stats();
    console.log('\n## LwM2M client: cached-resource reads (16 in flight)\n');
    console.log(
      '| case | reads | reads/s | p50 µs | p99 µs | CPU µs/read (both sides) | failures | MID refusals |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| CON GET /3303/0/5700 text, static value | ${fmt(recorded)} | ${fmt(recorded / seconds)} | ${fmt(percentile(sorted, 0.5))} | ${fmt(percentile(sorted, 0.99))} | ${fmt(cpu / recorded, 1)} | ${failures + stats.requests.timeouts} | ${stats.messageIds.refusals} |`,
    );
    console.log(
      `\nMethod: LwM2mClient (static 21.5) on CoapEndpoint+UdpTransport, registered to an in-process server endpoint on its own UDP socket (loopback, one process: CPU = process CPU of client + server + 2 sockets, divided by reads). 16 async workers keep 16 CON GETs (Accept text/plain, piggy-backed 2.05) outstanding; 0.5 s warm-up then ~2 s measured. Bounded to ${fmt(READ_MESSAGE_BUDGET)} CON messages in total (${fmt(sent)} sent) from one server peer, so the burst stays under the 65,536 message IDs one peer pair may use within EXCHANGE_LIFETIME (247 s; sustained ceiling ~265 CON/s per peer): a short-burst figure, not a sustained per-peer rate; CON (as a server would send) rather than NON, because NON has the same 16-bit ID space (~450/s sustained) and the burst fits either way.`,
    );
  } finally {
    await rig.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

/** Message IDs: NON notifications also reserve one each for NON_LIFETIME (145 s) towards the server. */
const NOTIFY_BUDGET = 40_000;

async function notifyBench(): Promise<void> {
  const server = await MiniServer.start();
  const e2e = await clientRig(server.peer, 'bench-notify', 'handler');
  const local = await clientRig(server.peer, 'bench-notify-local', 'handler');
  const rows: string[] = [];
  try {
    // End to end: changed() → NON 2.05 over UDP → counted at the server; one at a time.
    await register(e2e.client);
    await server.observe('bench-notify');
    const path = '/3303/0/5700';
    const oneE2e = async () => {
      e2e.state.value += 1;
      const arrived = server.nextNotification();
      e2e.client.changed(path);
      await arrived;
    };
    let n = 0;
    const warmEnd = performance.now() + 300;
    while (performance.now() < warmEnd && n < 2_000) {
      await oneE2e();
      n++;
    }
    const received0 = server.notifications;
    let cpu0 = process.cpuUsage();
    let t0 = performance.now();
    let end = t0 + 2_000;
    const latencies: number[] = [];
    while (performance.now() < end && n < NOTIFY_BUDGET) {
      const s = performance.now();
      await oneE2e();
      latencies.push((performance.now() - s) * 1000);
      n++;
    }
    let seconds = (performance.now() - t0) / 1000;
    let cpu = cpuMicros(process.cpuUsage(cpu0));
    const received = server.notifications - received0;
    if (Number(server.lastNotification) !== e2e.state.value) {
      throw new Error(`last notification "${server.lastNotification}", expected ${e2e.state.value}`);
    }
    latencies.sort((a, b) => a - b);
    const e2eStats = e2e.endpoint.stats();
    rows.push(
      `| end to end (client + server + UDP, one process) | ${fmt(received)} | ${fmt(received / seconds)} | ${fmt(percentile(latencies, 0.5))} | ${fmt(cpu / received, 1)} | ${e2eStats.sent.NON}/${e2eStats.sent.CON} |`,
    );

    // Client side alone: the same path into a sink that discards (no socket, no server).
    await register(local.client);
    await server.observe('bench-notify-local');
    local.sink.discard = true;
    const oneLocal = async () => {
      local.state.value += 1;
      const out = local.sink.next();
      local.client.changed(path);
      await out;
    };
    n = 0;
    const warmLocal = performance.now() + 300;
    while (performance.now() < warmLocal && n < 5_000) {
      await oneLocal();
      n++;
    }
    const discarded0 = local.sink.discarded;
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    end = t0 + 2_000;
    while (performance.now() < end && n < NOTIFY_BUDGET) {
      await oneLocal();
      n++;
    }
    seconds = (performance.now() - t0) / 1000;
    cpu = cpuMicros(process.cpuUsage(cpu0));
    const discarded = local.sink.discarded - discarded0;
    const localStats = local.endpoint.stats();
    rows.push(
      `| client side only (DatagramSink discards) | ${fmt(discarded)} | ${fmt(discarded / seconds)} | | ${fmt(cpu / discarded, 1)} | ${localStats.sent.NON}/${localStats.sent.CON} |`,
    );
    console.log('\n## LwM2M client: notifications\n');
    console.log(
      '| case | notifications | per s | p50 µs (changed → received) | CPU µs/notification | sent NON/CON |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
    console.log(
      `\nMethod: the server sends GET Observe=0 /3303/0/5700 (Accept text) to the client (no attributes: pmin 0, default NON notifications); then, one at a time, the read handler's value is bumped, client.changed() is called and the next notification is awaited (at the server's socket, or at the client's sink). ~0.3 s warm-up, ~2 s measured, at most ${fmt(NOTIFY_BUDGET)} per client so NON message IDs (reserved 145 s each) never run out. CPU is process CPU divided by notifications; end to end it includes the server's receive side and both UDP sockets.`,
    );
  } finally {
    await e2e.close();
    await local.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function registrationBench(): Promise<void> {
  const rows: string[] = [];
  const server = await MiniServer.start();
  try {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const rig = await clientRig(server.peer, `bench-reg-${i}`, 'static');
      const ms = await register(rig.client);
      if (i > 0) times.push(ms); // the first one warms the code up
      await rig.close();
    }
    rows.push(
      `| in-process server (2.01 at once) | ${times.length} | ${fmt(median(times), 2)} | ${fmt(Math.min(...times), 2)} | ${fmt(Math.max(...times), 2)} |`,
    );
  } finally {
    await server.close();
  }

  let leshanNote = '';
  try {
    const leshan = await startLeshanServer();
    try {
      const peer = { address: HOST, port: leshan.coapPort };
      const times: number[] = [];
      let first = Number.NaN;
      for (let i = 0; i < 11; i++) {
        const rig = await clientRig(peer, `bench-reg-leshan-${Date.now()}-${i}`, 'static');
        const ms = await register(rig.client);
        if (i === 0) first = ms;
        else times.push(ms);
        await rig.close();
        await sleep(50);
      }
      rows.push(
        `| Leshan demo server 2.0.0-M4 (JVM, C1 only) | ${times.length} | ${fmt(median(times), 2)} | ${fmt(Math.min(...times), 2)} | ${fmt(Math.max(...times), 2)} |`,
      );
      leshanNote = ` Leshan: started with startLeshanServer() (startup ${fmt(leshan.startupMs)} ms); its first registration (${fmt(first, 1)} ms, cold JVM) is left out; 50 ms pause between clients.`;
    } finally {
      await leshan.stop();
    }
  } catch (error) {
    leshanNote = ` Leshan: not measured (${error instanceof Error ? error.message : String(error)}).`;
  }
  console.log('\n## LwM2M client: registration round trip\n');
  console.log('| server | registrations | median ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(
    `\nMethod: for each registration a fresh UdpTransport (ephemeral port), CoapEndpoint and LwM2mClient; time from client.start() to its 'registered' event (CON POST /rd with links, 2.01 Location-Path), then client.close() (De-register) before the next. In-process: median of 20 after one warm-up registration.${leshanNote}`,
  );
}

export async function runLwM2mClientBench(): Promise<void> {
  await readBench();
  await notifyBench();
  await registrationBench();
}
