/**
 * `npm run bench -- client-compare`: our LwM2M client against the Leshan client (issue 16), one
 * after the other in one run, under the same read load:
 *  - `host`: the `adapter-host run` CLI (packages/host/dist) in per-device mode with a mapping of
 *    constants only (what users run); `engine`: a minimal process on LwM2mClient + transport-node;
 *    `leshan`: the Leshan client 2.0.0-M15 (Californium, Java 17) in test/peers/leshan-client.ts;
 *    `leshan-quiet`: the same library without the harness's per-request log (clients-under-test.ts);
 *  - the load: an LwM2M server (our lwm2m-server engine) alone in a child process
 *    (read-load-child.mjs) keeps IN_FLIGHT CON GETs (Accept text/plain) of /3303/0/5700
 *    outstanding, for a warm-up and then a measured window, each bounded in time and in reads so
 *    one client peer gets fewer than 60,000 CON messages (the 65,536 message IDs of one
 *    EXCHANGE_LIFETIME, 247 s; a fresh server and client process for every measurement);
 *  - measured for the client process only, from /proc/<pid> (compare/proc-stat.ts): reads/s, CPU µs
 *    per read (utime + stime over the window ÷ reads), RSS idle (registered, no load) and the
 *    highest RSS under load, spawn → Register at the server (every start); read latency at the server.
 * Runs alternate the order of the sides. A missing JDK or Leshan library fails (MissingPeerError).
 * COMPARE_RUNS (3), COMPARE_CLIENT_SIDES (host,engine,leshan,leshan-quiet), COMPARE_CLIENT_STARTS (3 per side per
 * run), COMPARE_CLIENT_IDLE_S (5), COMPARE_CLIENT_WARMUP_S (10), COMPARE_CLIENT_WARMUP_READS (30,000; the window
 * gets 59,000 minus these), COMPARE_CLIENT_WINDOW_S (10),
 * COMPARE_HOST_CLI (another adapter-host.js), COMPARE_LESHAN_JVM_OPTS (JVM options of leshan-quiet).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { LESHAN_CLIENT_VERSION, requireLeshanClient } from '../../peers/leshan-client.js';
import { type ProcSample, sampleProc } from '../compare/proc-stat.js';
import { envNumber, fmt, median, range, sleep } from '../compare/side-by-side-stats.js';
import { benchSimulatorConfig } from '../host/bench-mapping.js';
import {
  type ClientProcess,
  endpointOf,
  HOST_CLI,
  LESHAN_SIDES,
  QUIET_JVM_OPTIONS,
  requireQuietLeshan,
  SIDE_LABELS,
  SIDES,
  type Side,
  type StartContext,
  startClient,
} from './clients-under-test.js';
import { type LoadResult, ReadLoadServer } from './read-load-server.js';

const IN_FLIGHT = 16;
/** Reads of one client in the warm-up and the window together: with the check read, under the child's 60,000. */
const READS_PER_CLIENT = 59_000;
const REGISTER_TIMEOUT_MS = 60_000;
const RSS_SAMPLE_MS = 250;
const MiB = 2 ** 20;

interface Settings {
  readonly runs: number;
  readonly sides: readonly Side[];
  readonly starts: number;
  readonly idleMs: number;
  readonly warmupMs: number;
  /** Reads in the warm-up at most; the window gets READS_PER_CLIENT minus these. */
  readonly warmupReads: number;
  readonly windowMs: number;
}

function settings(): Settings {
  const sides = (process.env.COMPARE_CLIENT_SIDES ?? SIDES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = sides.filter((s) => !(SIDES as readonly string[]).includes(s));
  if (unknown.length > 0 || sides.length === 0) {
    throw new Error(
      `COMPARE_CLIENT_SIDES: unknown side(s) ${unknown.join(', ')}; known: ${SIDES.join(', ')}`,
    );
  }
  return {
    runs: envNumber('COMPARE_RUNS', 3),
    sides: sides as Side[],
    starts: envNumber('COMPARE_CLIENT_STARTS', 3),
    idleMs: envNumber('COMPARE_CLIENT_IDLE_S', 5) * 1000,
    warmupMs: envNumber('COMPARE_CLIENT_WARMUP_S', 10) * 1000,
    warmupReads: Math.min(envNumber('COMPARE_CLIENT_WARMUP_READS', 30_000), READS_PER_CLIENT - 10_000),
    windowMs: envNumber('COMPARE_CLIENT_WINDOW_S', 10) * 1000,
  };
}

interface Measured {
  readonly side: Side;
  readonly run: number;
  /** Spawn → Register at the server, ms, every start of this run. */
  readonly registerMs: readonly number[];
  readonly rssIdle: number;
  readonly rssLoadMax: number;
  readonly warmup: LoadResult;
  readonly window: LoadResult;
  /** Client process CPU over the window, ms. */
  readonly cpuMs: number;
}

const readsPerSecond = (load: LoadResult) => load.reads / load.seconds;
const cpuMicrosPerRead = (m: Measured) => (m.cpuMs * 1000) / m.window.reads;
const loaderCpuPercent = (load: LoadResult) => load.cpuMicros / (load.seconds * 1e4);

async function startRegistered(
  side: Side,
  server: ReadLoadServer,
  context: StartContext,
): Promise<{ client: ClientProcess; registerMs: number }> {
  const client = await startClient(side, context);
  try {
    const registered = server.registeredAt(endpointOf(side), client.spawnedAt, REGISTER_TIMEOUT_MS);
    const exited = (async () => {
      while (client.alive()) await sleep(100);
      throw new Error(`the ${side} client exited before registering: ${client.output()}`);
    })();
    const at = await Promise.race([registered, exited]);
    return { client, registerMs: at - client.spawnedAt };
  } catch (error) {
    await client.stop();
    throw error;
  }
}

/** Starts `starts` times (keeping the last), then idle, warm-up and the measured window. */
async function measureSide(
  side: Side,
  run: number,
  s: Settings,
  dir: string,
  modbusPort: number,
): Promise<Measured> {
  await using server = await ReadLoadServer.start();
  const port = Number(new URL(server.uri).port);
  const context: StartContext = { serverUri: server.uri, serverPort: port, dir, modbusPort };
  const registerMs: number[] = [];
  let client: ClientProcess | undefined;
  try {
    for (let i = 0; i < s.starts; i++) {
      await client?.stop();
      const started = await startRegistered(side, server, context);
      client = started.client;
      registerMs.push(started.registerMs);
    }
    if (client === undefined) throw new Error('no client started');
    const endpoint = endpointOf(side);
    await sleep(s.idleMs);
    const rssIdle = sampleProc(client.pid).rss;
    const check = await server.read(endpoint);
    if (check.code !== '2.05' || check.payload !== '21.5') {
      throw new Error(
        `${side}: GET /3303/0/5700 answered ${check.code} "${check.payload}", expected 2.05 "21.5"`,
      );
    }
    // paced so the whole warm-up time passes (the JVM's JIT compiles in background threads)
    const warmup = await server.load({
      endpoint,
      inFlight: IN_FLIGHT,
      ms: s.warmupMs,
      maxReads: s.warmupReads,
      perSecond: (1000 * s.warmupReads) / s.warmupMs,
    });
    const pid = client.pid;
    const first = sampleProc(pid);
    const samples: ProcSample[] = [first];
    const sampler = setInterval(() => samples.push(sampleProc(pid)), RSS_SAMPLE_MS);
    let window: LoadResult;
    try {
      window = await server.load({
        endpoint,
        inFlight: IN_FLIGHT,
        ms: s.windowMs,
        maxReads: READS_PER_CLIENT - s.warmupReads,
      });
    } finally {
      clearInterval(sampler);
    }
    const last = sampleProc(pid);
    samples.push(last);
    if (!client.alive()) throw new Error(`the ${side} client exited under load: ${client.output()}`);
    if (window.reads === 0) throw new Error(`${side}: no read answered (${window.firstError ?? 'no error'})`);
    return {
      side,
      run,
      registerMs,
      rssIdle,
      rssLoadMax: Math.max(...samples.map((sample) => sample.rss)),
      warmup,
      window,
      cpuMs: last.cpuMs - first.cpuMs,
    };
  } finally {
    await client?.stop();
  }
}

function printRuns(measured: readonly Measured[]): void {
  console.log(
    '| run | client | start → registered ms (each start) | RSS idle MiB | warm-up reads | reads | window s | reads/s | CPU µs/read | p50 µs | p99 µs | RSS under load MiB | load child CPU % | failures |',
  );
  console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of measured) {
    const w = m.window;
    console.log(
      `| ${m.run} | ${m.side} | ${m.registerMs.map((ms) => fmt(ms)).join(', ')} | ${fmt(m.rssIdle / MiB, 1)} | ${fmt(m.warmup.reads)} | ${fmt(w.reads)} | ${fmt(w.seconds, 2)} | ${fmt(readsPerSecond(w))} | ${fmt(cpuMicrosPerRead(m), 1)} | ${fmt(w.p50Us ?? Number.NaN)} | ${fmt(w.p99Us ?? Number.NaN)} | ${fmt(m.rssLoadMax / MiB, 1)} | ${fmt(loaderCpuPercent(w))} | ${w.failures + m.warmup.failures} |`,
    );
  }
}

interface Row {
  readonly label: string;
  readonly digits: number;
  readonly value: (m: Measured) => number;
  /** Values pooled over every start instead of one per run (registration). */
  readonly pooled?: (m: Measured) => readonly number[];
}

const ROWS: readonly Row[] = [
  { label: 'reads/s, 16 CON GETs in flight', digits: 0, value: (m) => readsPerSecond(m.window) },
  { label: 'CPU µs per read (client process)', digits: 1, value: cpuMicrosPerRead },
  { label: 'read latency p50 at the server, µs', digits: 0, value: (m) => m.window.p50Us ?? Number.NaN },
  { label: 'read latency p99 at the server, µs', digits: 0, value: (m) => m.window.p99Us ?? Number.NaN },
  { label: 'RSS idle (registered, no load), MiB', digits: 1, value: (m) => m.rssIdle / MiB },
  { label: 'RSS under load (highest), MiB', digits: 1, value: (m) => m.rssLoadMax / MiB },
  {
    label: 'spawn → registered, ms (median of starts)',
    digits: 0,
    value: (m) => median(m.registerMs),
    pooled: (m) => m.registerMs,
  },
];

/** Ratio columns: each of our sides ÷ each Leshan side, the ratio of medians and its per-run range. */
function printSummary(measured: readonly Measured[], sides: readonly Side[], runs: number): void {
  const of = (side: Side) => measured.filter((m) => m.side === side);
  const ours = sides.filter((side) => !LESHAN_SIDES.includes(side));
  const pairs = ours.flatMap((a) =>
    sides.filter((b) => LESHAN_SIDES.includes(b)).map((b) => [a, b] as const),
  );
  const header = [
    'measure',
    ...sides.map((side) => `${SIDE_LABELS[side]} (min–max)`),
    ...pairs.map(([a, b]) => `${a} ÷ ${b}: medians (per run)`),
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(
    `|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  );
  for (const row of ROWS) {
    const values = (side: Side) => (row.pooled ? of(side).flatMap(row.pooled) : of(side).map(row.value));
    const cells = [row.label, ...sides.map((side) => range(values(side), row.digits))];
    for (const [a, b] of pairs) {
      const perRun: number[] = [];
      for (let run = 1; run <= runs; run++) {
        const ma = of(a).find((m) => m.run === run);
        const mb = of(b).find((m) => m.run === run);
        if (ma !== undefined && mb !== undefined) perRun.push(row.value(ma) / row.value(mb));
      }
      cells.push(`${fmt(median(values(a)) / median(values(b)), 2)} (${range(perRun, 2)})`);
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
}

export async function runClientCompareBench(): Promise<void> {
  const s = settings();
  // fails here, loudly, without a JDK or the Leshan client library (MissingPeerError with the hint)
  if (s.sides.includes('leshan')) await requireLeshanClient();
  if (s.sides.includes('leshan-quiet')) await requireQuietLeshan();
  console.log(
    `\n## LwM2M client against the Leshan client: ${IN_FLIGHT} CON GETs of /3303/0/5700 in flight, ${s.runs} run(s)\n`,
  );
  console.log(
    `Sides: host = \`adapter-host run --mode per-device\` (${HOST_CLI}), a mapping of constants only; engine = test/bench/client-compare/engine-client.mjs (LwM2mClient + transport-node); leshan = Leshan client ${LESHAN_CLIENT_VERSION} on Californium in test/peers/leshan-client (java on PATH, -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx128m; it prints one JSON line per request it answers); leshan-quiet = the same library in client-compare/leshan-quiet/LeshanQuietClient.java without that log (JVM options: ${QUIET_JVM_OPTIONS.length === 0 ? 'none, the defaults' : QUIET_JVM_OPTIONS.join(' ')}). Per side and run: ${s.starts} start(s) (spawn → Register at the server; the last one stays), ${s.idleMs / 1000} s idle, warm-up ${s.warmupMs / 1000} s paced at ≤ ${fmt((1000 * s.warmupReads) / s.warmupMs)} reads/s (${fmt(s.warmupReads)} reads at most), window ≤ ${s.windowMs / 1000} s or ${fmt(READS_PER_CLIENT - s.warmupReads)} reads (whichever first: one peer stays under the CoAP message-ID budget).\n`,
  );
  const sim = createModbusSimulator(benchSimulatorConfig(1));
  const { tcpPort } = await sim.start();
  const dir = await mkdtemp(join(tmpdir(), 'client-compare-'));
  const measured: Measured[] = [];
  try {
    for (let run = 1; run <= s.runs; run++) {
      const order = run % 2 === 1 ? s.sides : [...s.sides].reverse();
      for (const side of order) measured.push(await measureSide(side, run, s, dir, tcpPort!));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sim.close();
  }
  printRuns(measured);
  console.log('');
  printSummary(measured, s.sides, s.runs);
  console.log(
    '\nCPU and RSS are the client process alone (/proc/<pid>/stat utime + stime of every thread, 10 ms ticks; VmRSS, the highest of samples every 250 ms during the window). Latency is request → response at the load child. "load child CPU %" is the server + load generator process: near 100 % it, not the client, limits reads/s.',
  );
}
