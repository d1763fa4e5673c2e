/**
 * OPC UA benchmarks (issue 10), `npm run bench -- opcua` or one section (`opcua-ingest`,
 * `opcua-memory`, `opcua-start`, `opcua-restart`):
 *  1. ingest: 10,000 monitored items, value changes/s and client CPU µs per change, the adapter's
 *     session next to node-opcua's bare client (server in a child process; test/bench/opcua/ingest.ts);
 *  2. memory: RSS of the adapter-host CLI (gateway mode) with one OPC UA device of 1,000 points,
 *     unobserved and with every point observed (1,000 monitored items);
 *  3. start: CLI spawn → Register at the LwM2M server, one OPC UA device of 10,000 points;
 *  4. restart: OPC UA server killed and started again on the same port, time from it listening
 *     again to the first notification at the LwM2M server (and to every observed point's).
 * The OPC UA server is the `opcua-simulator` CLI and the host the `adapter-host` CLI, each in its
 * own process on the compiled packages; the LwM2M server (GatewayServer) runs in this process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import { BenchLwm2mServer, type Notification } from './host/bench-lwm2m-server.js';
import { HostProcess, itemPath } from './opcua/host-process.js';
import { INGEST_SETUP, type IngestResult, measureIngest } from './opcua/ingest.js';
import { SimulatorProcess } from './opcua/simulator-process.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const MiB = 2 ** 20;
const REGISTER_TIMEOUT_MS = 30_000;
const OBSERVES_IN_FLIGHT = 16;
const SMALL_YOUNG_GEN = '--max-semi-space-size=2';
/** RSS sampled every second for this long after the host registered (and observes were answered). */
const MEMORY_SAMPLE_S = 30;
/** How long after the OPC UA server's return the restart section waits for notifications. */
const RESTART_WINDOW_MS = 15_000;
/**
 * Values change every 5 s in the restart section: 1,000 observed points then make ~200
 * notifications/s, within a registration's CoAP message-ID budget (65,536 per 145 s, ~450/s);
 * at 1,000/s the host stops notifying after 65,535 notifications, restart or not.
 */
const RESTART_TICK_MS = 5_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "median (min–max)" of a series. */
function spread(values: readonly number[], digits = 0): string {
  if (values.length === 0) return 'n/a';
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

/** The simulator, the LwM2M server and a folder for mappings; closed together. */
async function rig(items: number, tickMs: number) {
  const simulator = await SimulatorProcess.start({ items, tickMs });
  const server = await BenchLwm2mServer.start();
  const folder = await mkdtemp(join(tmpdir(), 'opcua-bench-host-'));
  return {
    simulator,
    server,
    folder,
    startHost: (hostItems: number, nodeFlags: readonly string[] = []) =>
      HostProcess.start({
        folder,
        endpoint: simulator.endpoint,
        items: hostItems,
        serverUri: server.uri,
        nodeFlags,
      }),
    async close() {
      await server.close();
      await simulator.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function registered(
  server: BenchLwm2mServer,
  host: HostProcess,
): Promise<PeerAddress & { at: number }> {
  try {
    const event = await server.nextRegistration(REGISTER_TIMEOUT_MS, host.startedAt);
    return { ...event.peer, at: event.at };
  } catch (error) {
    throw new Error(`the host did not register: ${host.errors}`, { cause: error });
  }
}

/**
 * Observes items 0..count-1 (text/plain, OBSERVES_IN_FLIGHT at a time); the first one is retried
 * until the device is connected (5.03 before). Notifications go to `listener` with the item index.
 */
async function observeAll(
  server: BenchLwm2mServer,
  peer: PeerAddress,
  count: number,
  listener: (index: number, notification: Notification) => void,
): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      await server.observe(peer, itemPath(0), (n) => listener(0, n), 0);
      break;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(100);
    }
  }
  let next = 1;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await server.observe(peer, itemPath(index), (n) => listener(index, n), index);
    }
  };
  await Promise.all(Array.from({ length: OBSERVES_IN_FLIGHT }, worker));
}

async function ingestSection(): Promise<void> {
  const items = Number(process.env.OPCUA_BENCH_ITEMS ?? 10_000);
  const rounds = Number(process.env.OPCUA_BENCH_ROUNDS ?? 3);
  const { nodeOpcua, adapter } = await measureIngest(items, rounds);
  console.log(
    `\n## OPC UA ingest (${fmt(items)} items, each changing every ${INGEST_SETUP.changeEveryMs} ms, server in a child process; median (min–max) of ${rounds} runs of ${INGEST_SETUP.measuredMs / 1000} s)\n`,
  );
  console.log('| client | changes/s | client CPU µs per change (target ≤ 20) | client CPU, % of a core |');
  console.log('|---|---:|---:|---:|');
  const row = (name: string, results: readonly IngestResult[]) =>
    console.log(
      `| ${name} | ${spread(results.map((r) => r.changesPerSecond))} | ${spread(
        results.map((r) => r.cpuUsPerChange),
        1,
      )} | ${spread(
        results.map((r) => r.cpuShare * 100),
        0,
      )} |`,
    );
  row('node-opcua ClientMonitoredItemGroup, empty handler', nodeOpcua);
  row('@lwm2m-adapters/opcua session → readings', adapter);
  const overhead = adapter.map((r, i) => r.cpuUsPerChange - (nodeOpcua[i]?.cpuUsPerChange ?? Number.NaN));
  console.log(`\nadapter cost per change over node-opcua (same round): ${spread(overhead, 1)} µs`);
}

async function memorySection(): Promise<void> {
  const items = 1_000;
  const r = await rig(items, 1_000);
  const rows: string[] = [];
  try {
    for (const [observed, nodeFlags] of [
      [false, []],
      [true, []],
      [false, [SMALL_YOUNG_GEN]],
      [true, [SMALL_YOUNG_GEN]],
    ] as const) {
      const host = await r.startHost(items, nodeFlags);
      try {
        const peer = await registered(r.server, host);
        let notifications = 0;
        if (observed)
          await observeAll(r.server, peer, items, () => {
            notifications++;
          });
        else await sleep(1_000);
        const samples: number[] = [];
        const cpu0 = await host.cpuSeconds();
        const notified0 = notifications;
        for (let s = 0; s < MEMORY_SAMPLE_S; s++) {
          await sleep(1_000);
          samples.push(await host.rssBytes());
        }
        const cpu = (await host.cpuSeconds()) - cpu0;
        rows.push(
          `| ${fmt(items)} points, ${observed ? `all observed (${fmt(items)} monitored items)` : 'none observed'}${nodeFlags.length > 0 ? `, \`${nodeFlags.join(' ')}\`` : ''} | ${fmt(samples[4]! / MiB, 1)} | ${fmt(samples[14]! / MiB, 1)} | ${fmt(samples.at(-1)! / MiB, 1)} | ${fmt(Math.max(...samples) / MiB, 1)} | ${fmt((notifications - notified0) / MEMORY_SAMPLE_S)} | ${fmt((cpu / MEMORY_SAMPLE_S) * 100)} % |`,
        );
      } finally {
        await host.close();
      }
    }
  } finally {
    await r.close();
  }
  console.log(
    '\n## adapter-host CLI with one OPC UA device: RSS (target ≤ 130 MB with 1,000 items; values change every 1 s)\n',
  );
  console.log(
    `| host | RSS MiB at 5 s | at 15 s | at ${MEMORY_SAMPLE_S} s | max RSS MiB | notifications/s | host CPU |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}

async function startSection(): Promise<void> {
  const items = Number(process.env.OPCUA_BENCH_START_ITEMS ?? 10_000);
  const runs = Number(process.env.OPCUA_BENCH_START_RUNS ?? 5);
  const profileDir = process.env.OPCUA_BENCH_CPU_PROF;
  const r = await rig(items, 1_000);
  const registeredMs: number[] = [];
  const firstValueMs: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const host = await r.startHost(
        items,
        profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir],
      );
      try {
        const peer = await registered(r.server, host);
        registeredMs.push(peer.at - host.startedAt);
        // the last point's first value through an Observe: the device is connected and resolved
        let first: number | undefined;
        const deadline = performance.now() + 30_000;
        while (first === undefined) {
          try {
            await r.server.observe(peer, itemPath(items - 1), () => {});
            first = performance.now();
          } catch (error) {
            if (performance.now() > deadline) throw error;
            await sleep(50);
          }
        }
        firstValueMs.push(first - host.startedAt);
      } finally {
        await host.close();
      }
    }
  } finally {
    await r.close();
  }
  console.log(
    `\n## adapter-host CLI start → registered, one OPC UA device of ${fmt(items)} points (target ≤ 1.5 s; ${runs} runs)\n`,
  );
  console.log('| measure | median ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|');
  const row = (name: string, values: number[]) =>
    console.log(
      `| ${name} | ${fmt(median(values))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`,
    );
  row('spawn → Register at the server', registeredMs);
  row('spawn → first value of the last point (Observe answered 2.05)', firstValueMs);
}

async function restartSection(): Promise<void> {
  const items = Number(process.env.OPCUA_BENCH_RESTART_ITEMS ?? 1_000);
  const restarts = Number(process.env.OPCUA_BENCH_RESTARTS ?? 5);
  const r = await rig(items, RESTART_TICK_MS);
  const firstMs: number[] = [];
  const halfMs: number[] = [];
  const allMs: number[] = [];
  const coverage: number[] = [];
  const downMs: number[] = [];
  let steady = 0;
  let steadyAllMs = Number.NaN;
  try {
    const host = await r.startHost(items);
    try {
      const peer = await registered(r.server, host);
      let backAt = Number.POSITIVE_INFINITY;
      let notified = new Map<number, number>();
      await observeAll(r.server, peer, items, (index, notification) => {
        if (notification.at < backAt || !Number.isFinite(Number(notification.payload))) return;
        if (!notified.has(index)) notified.set(index, notification.at);
      });
      await sleep(3_000);
      // baseline: points notified in the same window without a restart
      notified = new Map();
      backAt = performance.now();
      while (notified.size < items && performance.now() < backAt + RESTART_WINDOW_MS) await sleep(20);
      steady = notified.size;
      steadyAllMs = notified.size < items ? Number.NaN : Math.max(...notified.values()) - backAt;
      for (let n = 0; n < restarts; n++) {
        notified = new Map();
        backAt = Number.POSITIVE_INFINITY;
        const killedAt = performance.now();
        backAt = await r.simulator.restart();
        downMs.push(backAt - killedAt);
        const deadline = backAt + RESTART_WINDOW_MS;
        while (notified.size < items && performance.now() < deadline) await sleep(20);
        const times = [...notified.values()].sort((a, b) => a - b);
        firstMs.push((times[0] ?? Number.NaN) - backAt);
        halfMs.push((times[Math.ceil(items / 2) - 1] ?? Number.NaN) - backAt);
        allMs.push((times[items - 1] ?? Number.NaN) - backAt);
        coverage.push(notified.size);
        await sleep(2_000);
      }
    } finally {
      await host.close();
    }
  } finally {
    await r.close();
  }
  console.log(
    `\n## OPC UA server restart → notifications at the LwM2M server (${fmt(items)} points observed, values changing every ${RESTART_TICK_MS / 1000} s; target ≤ 5 s; ${restarts} restarts)\n`,
  );
  console.log('| measure | median | min | max | runs without |');
  console.log('|---|---:|---:|---:|---:|');
  const row = (name: string, values: number[]) => {
    const seen = values.filter(Number.isFinite);
    console.log(
      `| ${name} | ${seen.length === 0 ? 'n/a' : `${fmt(median(seen))} ms`} | ${seen.length === 0 ? 'n/a' : `${fmt(Math.min(...seen))} ms`} | ${seen.length === 0 ? 'n/a' : `${fmt(Math.max(...seen))} ms`} | ${values.length - seen.length} |`,
    );
  };
  row('server down (kill → listening again)', downMs);
  row('listening again → first notification', firstMs);
  row(`listening again → half the points notified`, halfMs);
  row(`listening again → every point notified (within ${RESTART_WINDOW_MS / 1000} s)`, allMs);
  console.log(
    `\npoints notified within ${RESTART_WINDOW_MS / 1000} s of the server's return: ${coverage.map((c) => fmt(c)).join(', ')} of ${fmt(items)}; without a restart, ${fmt(steady)} in ${RESTART_WINDOW_MS / 1000} s${Number.isFinite(steadyAllMs) ? ` (all within ${fmt(steadyAllMs)} ms)` : ''}`,
  );
}

export const opcuaBenchSections = {
  ingest: ingestSection,
  memory: memorySection,
  start: startSection,
  restart: restartSection,
} as const;

export async function runOpcuaBench(
  only: readonly (keyof typeof opcuaBenchSections)[] = Object.keys(
    opcuaBenchSections,
  ) as (keyof typeof opcuaBenchSections)[],
): Promise<void> {
  for (const section of only) await opcuaBenchSections[section]();
}
