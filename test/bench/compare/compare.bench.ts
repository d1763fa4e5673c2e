/**
 * `npm run bench -- compare`: the adapter-host against Telegraf's `inputs.modbus`, one after the
 * other in one run, polling the same points of the same Modbus simulator every second
 * (test/bench/host/bench-mapping.ts: 100 points per unit, 3 requests per unit per cycle).
 *  - the host: the `adapter-host` CLI (packages/host/dist, as users run it) in gateway mode,
 *    registered to a gateway server in another child process (test/bench/gateway/);
 *  - Telegraf: request mode, `optimization = "max_insert"`, `outputs.discard`, interval 1 s
 *    (telegraf on PATH or $TELEGRAF; without one the suite prints how to build it and fails).
 * Both poll through a counting proxy (requests on the wire, poll-cycle span first request → last
 * reply). CPU and RSS of the poller process only, from /proc. Idle: the host with a mapping of one
 * constant, Telegraf with `inputs.mem` only. COMPARE_RUNS (default 3), COMPARE_WINDOW_S (default
 * 20 s measured after COMPARE_WARMUP_S, default 8 s), COMPARE_POINTS (default 1000,10000).
 * `compare-soak`: the host alone at 10,000 points for COMPARE_SOAK_S (default 600 s), RSS and CPU
 * per interval. COMPARE_HOST_CLI: another adapter-host build to run (default this checkout's).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { GatewayServerProcess } from '../gateway/server-process.js';
import { benchMappingYaml, benchSimulatorConfig, POINTS_PER_DEVICE } from '../host/bench-mapping.js';
import { CountingProxy, type PollCycle } from './counting-proxy.js';
import { cpuPercent, type ProcSample, sampleProc } from './proc-stat.js';
import { envNumber, fmt, median, range, sleep } from './side-by-side-stats.js';
import {
  findTelegraf,
  TELEGRAF_BUILD_HINT,
  telegrafIdleConfig,
  telegrafModbusConfig,
} from './telegraf-config.js';
import { spawnWatched, type WatchedProcess } from './watched-process.js';

const ROOT = join(import.meta.dirname, '../../..');
/** The binary under test; COMPARE_HOST_CLI runs another build (e.g. a worktree of an older commit). */
const HOST_CLI = process.env.COMPARE_HOST_CLI || join(ROOT, 'packages/host/dist/cli/adapter-host.js');
const MiB = 2 ** 20;

type Side = 'host' | 'telegraf';

/** A poller (Telegraf or the host) gets this long to stop on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 15_000;

interface Rig {
  readonly proxy: CountingProxy;
  readonly server: GatewayServerProcess;
  readonly dir: string;
  readonly telegraf: string;
  close(): Promise<void>;
}

async function rig(telegraf: string, devices: number): Promise<Rig> {
  const sim = createModbusSimulator(benchSimulatorConfig(devices));
  const { tcpPort } = await sim.start();
  const proxy = await CountingProxy.start(tcpPort!);
  const server = await GatewayServerProcess.start();
  const dir = await mkdtemp(join(tmpdir(), 'compare-bench-'));
  return {
    proxy,
    server,
    dir,
    telegraf,
    async close() {
      await server.close();
      await proxy.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let endpointSerial = 0;

/** Starts the side's poller on `devices` units (0: idle configuration) and waits until it works. */
async function startSide(
  r: Rig,
  side: Side,
  devices: number,
  extraNodeFlags: readonly string[] = [],
): Promise<WatchedProcess> {
  if (side === 'telegraf') {
    const file = join(r.dir, `telegraf-${devices}.conf`);
    await writeFile(file, devices === 0 ? telegrafIdleConfig() : telegrafModbusConfig(devices, r.proxy.port));
    const poller = spawnWatched(r.telegraf, ['--config', file]);
    await sleep(1_000);
    if (poller.child.exitCode !== null) throw new Error(`telegraf exited: ${poller.output()}`);
    return poller;
  }
  const file = join(r.dir, `host-${devices}.yml`);
  await writeFile(file, benchMappingYaml({ devices, port: r.proxy.port, poll: '1s' }));
  const before = (await r.server.counters()).gateways;
  const endpoint = `compare-host-${++endpointSerial}`;
  const poller = spawnWatched(
    process.execPath,
    [
      ...extraNodeFlags,
      HOST_CLI,
      'run',
      '--mapping',
      file,
      '--server',
      r.server.uri,
      '--mode',
      'gateway',
      '--endpoint',
      endpoint,
      '--log-level',
      'warn',
    ],
    { ...process.env, NODE_OPTIONS: '' },
  );
  const deadline = performance.now() + 30_000;
  while ((await r.server.counters()).gateways <= before) {
    if (poller.child.exitCode !== null) throw new Error(`adapter-host exited: ${poller.output()}`);
    if (performance.now() > deadline) {
      await poller.stop(STOP_GRACE_MS);
      throw new Error(`adapter-host did not register within 30 s: ${poller.output()}`);
    }
    await sleep(50);
  }
  return poller;
}

interface Measured {
  readonly side: Side;
  readonly points: number;
  readonly cpuPercent: number;
  readonly rssMax: number;
  readonly rssLast: number;
  readonly requestsPerSecond: number;
  readonly cycles: readonly PollCycle[];
}

/** Polls for warm-up, then measures for the window: CPU, RSS every second, requests, cycles. */
async function measureSide(
  r: Rig,
  side: Side,
  devices: number,
  warmupMs: number,
  windowMs: number,
): Promise<Measured> {
  const poller = await startSide(r, side, devices);
  try {
    await sleep(warmupMs);
    const pid = poller.child.pid!;
    const first = sampleProc(pid);
    const requests0 = r.proxy.requests;
    const samples: ProcSample[] = [first];
    while (performance.now() - first.at < windowMs) {
      await sleep(1_000);
      samples.push(sampleProc(pid));
    }
    const last = samples.at(-1)!;
    const requests = r.proxy.requests - requests0;
    if (poller.child.exitCode !== null) throw new Error(`${side} exited: ${poller.output()}`);
    return {
      side,
      points: devices * POINTS_PER_DEVICE,
      cpuPercent: cpuPercent(first, last),
      rssMax: Math.max(...samples.map((s) => s.rss)),
      rssLast: last.rss,
      requestsPerSecond: (1000 * requests) / (last.at - first.at),
      // whole cycles inside the window (the proxy closes one after 250 ms of quiet)
      cycles: r.proxy.cyclesSince(first.at).filter((c) => c.start + c.spanMs <= last.at),
    };
  } finally {
    await poller.stop(STOP_GRACE_MS);
  }
}

/** Idle: RSS after `settleMs` of running with nothing to poll, CPU over the next `windowMs`. */
async function measureIdle(r: Rig, side: Side, settleMs: number, windowMs: number) {
  const poller = await startSide(r, side, 0);
  try {
    await sleep(settleMs);
    const first = sampleProc(poller.child.pid!);
    await sleep(windowMs);
    const last = sampleProc(poller.child.pid!);
    return { side, rss: last.rss, cpuPercent: cpuPercent(first, last) };
  } finally {
    await poller.stop(STOP_GRACE_MS);
  }
}

const µsPerPoint = (m: Measured) => (m.cpuPercent * 10_000) / m.points; // % of a core at 1 poll/s

export async function runCompareBench(): Promise<void> {
  const telegraf = findTelegraf();
  if (telegraf === undefined) {
    console.error(TELEGRAF_BUILD_HINT);
    process.exitCode = 1;
    return;
  }
  const runs = envNumber('COMPARE_RUNS', 3);
  const windowMs = envNumber('COMPARE_WINDOW_S', 20) * 1000;
  const warmupMs = envNumber('COMPARE_WARMUP_S', 8) * 1000;
  const pointCounts = (process.env.COMPARE_POINTS ?? '1000,10000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0 && n % POINTS_PER_DEVICE === 0);
  const devicesMax = Math.max(...pointCounts) / POINTS_PER_DEVICE;
  console.log(
    `\n## adapter-host (${HOST_CLI}) vs Telegraf inputs.modbus (${telegraf}), ${runs} run(s), ${windowMs / 1000} s measured after ${warmupMs / 1000} s\n`,
  );
  const r = await rig(telegraf, devicesMax);
  const idle: { side: Side; rss: number; cpuPercent: number }[] = [];
  const measured: Measured[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      for (const side of ['host', 'telegraf'] as const) idle.push(await measureIdle(r, side, 5_000, 5_000));
      for (const points of pointCounts) {
        for (const side of ['host', 'telegraf'] as const) {
          const m = await measureSide(r, side, points / POINTS_PER_DEVICE, warmupMs, windowMs);
          measured.push(m);
          const spans = m.cycles.map((c) => c.spanMs);
          console.log(
            `run ${run} ${side.padEnd(8)} ${String(points).padStart(6)} points: CPU ${fmt(m.cpuPercent, 2)} % (${fmt(µsPerPoint(m), 2)} µs/point), RSS ${fmt(m.rssLast / MiB, 1)} MiB (max ${fmt(m.rssMax / MiB, 1)}), ${fmt(m.requestsPerSecond, 1)} req/s, cycle span median ${fmt(median(spans), 1)} ms (${m.cycles.length} cycles, ${fmt(median(m.cycles.map((c) => c.requests)), 0)} req/cycle)`,
          );
        }
      }
    }
  } finally {
    await r.close();
  }
  const of = (side: Side, points: number) => measured.filter((m) => m.side === side && m.points === points);
  const idleOf = (side: Side) => idle.filter((m) => m.side === side);
  const ratio = (a: readonly number[], b: readonly number[]) => median(a) / median(b);
  const rows: string[][] = [];
  const row = (name: string, host: readonly number[], tg: readonly number[], digits: number) =>
    rows.push([name, range(host, digits), range(tg, digits), fmt(ratio(host, tg), 2)]);
  row(
    'RSS idle, MiB',
    idleOf('host').map((m) => m.rss / MiB),
    idleOf('telegraf').map((m) => m.rss / MiB),
    1,
  );
  row(
    'CPU idle, % of a core',
    idleOf('host').map((m) => m.cpuPercent),
    idleOf('telegraf').map((m) => m.cpuPercent),
    2,
  );
  for (const points of pointCounts) {
    const h = of('host', points);
    const t = of('telegraf', points);
    const p = fmt(points);
    row(
      `Modbus requests/s, ${p} points`,
      h.map((m) => m.requestsPerSecond),
      t.map((m) => m.requestsPerSecond),
      1,
    );
    row(
      `CPU, ${p} points, % of a core`,
      h.map((m) => m.cpuPercent),
      t.map((m) => m.cpuPercent),
      2,
    );
    row(`CPU µs per polled point, ${p} points`, h.map(µsPerPoint), t.map(µsPerPoint), 2);
    row(
      `RSS under load, ${p} points, MiB`,
      h.map((m) => m.rssLast / MiB),
      t.map((m) => m.rssLast / MiB),
      1,
    );
    row(
      `poll-cycle span, ${p} points, median ms`,
      h.map((m) => median(m.cycles.map((c) => c.spanMs))),
      t.map((m) => median(m.cycles.map((c) => c.spanMs))),
      1,
    );
  }
  if (pointCounts.length >= 2) {
    const [lo, hi] = [Math.min(...pointCounts), Math.max(...pointCounts)];
    const growth = (side: Side) => {
      const a = of(side, lo);
      const b = of(side, hi);
      return a.map((m, i) => (((b[i]?.rssLast ?? Number.NaN) - m.rssLast) / MiB) * (10_000 / (hi - lo)));
    };
    row('RSS growth per 10,000 points, MiB', growth('host'), growth('telegraf'), 1);
  }
  console.log(`\n| measure | adapter-host | Telegraf | ratio (medians) |\n| --- | ---: | ---: | ---: |`);
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
  console.log('\n(ranges are min–max over the runs)');
}

/** The host alone at 10,000 points for COMPARE_SOAK_S: RSS and CPU per interval (trend, not level). */
export async function runCompareSoak(): Promise<void> {
  const soakMs = envNumber('COMPARE_SOAK_S', 600) * 1000;
  const points = envNumber('COMPARE_SOAK_POINTS', 10_000);
  const intervalMs = Math.max(10_000, Math.round(soakMs / 20 / 10_000) * 10_000);
  console.log(`\n## adapter-host soak: ${fmt(points)} points for ${soakMs / 1000} s\n`);
  const r = await rig('', points / POINTS_PER_DEVICE);
  try {
    const poller = await startSide(r, 'host', points / POINTS_PER_DEVICE);
    try {
      const pid = poller.child.pid!;
      const start = sampleProc(pid);
      const requests0 = r.proxy.requests;
      let previous = start;
      console.log(
        '| t s | RSS MiB | CPU % of a core (interval) | Modbus requests/s (cumulative) |\n| ---: | ---: | ---: | ---: |',
      );
      while (previous.at - start.at < soakMs) {
        await sleep(intervalMs);
        const now = sampleProc(pid);
        if (poller.child.exitCode !== null) throw new Error(`adapter-host exited: ${poller.output()}`);
        console.log(
          `| ${fmt((now.at - start.at) / 1000)} | ${fmt(now.rss / MiB, 1)} | ${fmt(cpuPercent(previous, now), 2)} | ${fmt((1000 * (r.proxy.requests - requests0)) / (now.at - start.at), 1)} |`,
        );
        previous = now;
      }
    } finally {
      await poller.stop(STOP_GRACE_MS);
    }
  } finally {
    await r.close();
  }
}
