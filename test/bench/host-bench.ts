/**
 * adapter-host benchmarks (Modbus devices exposed to an LwM2M server, gateway mode):
 *  1. start → registered with 1,000 (and 10,000) points, and the mapping's compile time;
 *  2. idle memory of a host process with 0 / 1,000 / 10,000 points (child processes);
 *  3. latency from a register change to the notification at the server (pmin 0, 100 ms poll);
 *  4. Send batching: values per message and per CoAP message, messages/s, against the message-ID ceiling;
 *  5. a server observing every point: the Observe burst, then the notifications it brings.
 * The Modbus simulator and the LwM2M server (CoapEndpoint + UdpTransport, test/bench/host/) run in
 * this process on loopback; the idle-memory hosts run in child processes on the compiled packages.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import { AdapterHost, type AdapterHostOptions, compileMappingFile } from '@lwm2m-adapters/host';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import { createModbusSimulator, type ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { BenchLwm2mServer } from './host/bench-lwm2m-server.js';
import { type BenchMappingOptions, benchSimulatorConfig, mappingDir } from './host/bench-mapping.js';

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MiB = 2 ** 20;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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

const boundPoints = (mapping: CompiledMapping) =>
  mapping.devices.reduce((n, d) => n + d.points.filter((p) => p.kind === 'bound').length, 0);

interface Rig {
  readonly sim: ModbusSimulator;
  readonly port: number;
  readonly server: BenchLwm2mServer;
  readonly files: Awaited<ReturnType<typeof mappingDir>>;
  close(): Promise<void>;
}

/** Simulator (units 1..devices, signals every 100 ms), LwM2M server, a directory for mapping files. */
async function rig(devices: number): Promise<Rig> {
  const sim = createModbusSimulator(benchSimulatorConfig(devices));
  const { tcpPort } = await sim.start();
  const server = await BenchLwm2mServer.start();
  const files = await mappingDir();
  return {
    sim,
    port: tcpPort!,
    server,
    files,
    async close() {
      await server.close();
      await sim.close();
      await files.remove();
    },
  };
}

async function compile(file: string): Promise<{
  mapping: CompiledMapping;
  adapters: Map<string, AdapterDefinition>;
  ms: number;
}> {
  const t0 = performance.now();
  const { result, adapters } = await compileMappingFile(file, {});
  const ms = performance.now() - t0;
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return { mapping: result.mapping, adapters, ms };
}

/**
 * Compiles a generated mapping and starts a gateway host on it against the rig's LwM2M server;
 * resolves once the server has its Register (closing the host if that never comes).
 */
async function startRegisteredHost(
  r: Rig,
  endpoint: string,
  mappingOptions: BenchMappingOptions,
  options: Pick<AdapterHostOptions, 'runner' | 'send'> = {},
): Promise<{ host: AdapterHost; mapping: CompiledMapping; peer: PeerAddress }> {
  const file = await r.files.write(`${endpoint}.yml`, mappingOptions);
  const { mapping, adapters } = await compile(file);
  const registered = r.server.nextRegistration(15_000, performance.now());
  const host = await AdapterHost.start({
    mapping,
    adapters,
    server: { uri: r.server.uri },
    mode: 'gateway',
    endpoint,
    ...options,
  });
  try {
    const { peer } = await registered;
    return { host, mapping, peer };
  } catch (error) {
    await host.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. start → registered

const START_RUNS = 5;

async function startBench(): Promise<void> {
  const rows: string[] = [];
  const r = await rig(100);
  try {
    for (const devices of [10, 100]) {
      const file = await r.files.write(`start-${devices}.yml`, { devices, port: r.port, poll: '1s' });
      const compileMs: number[] = [];
      const registeredMs: number[] = [];
      const startedMs: number[] = [];
      let points = 0;
      for (let run = 0; run < START_RUNS; run++) {
        const compiled = await compile(file);
        compileMs.push(compiled.ms);
        points = boundPoints(compiled.mapping);
        const t0 = performance.now();
        const registered = r.server.nextRegistration(15_000, t0);
        const host = await AdapterHost.start({
          mapping: compiled.mapping,
          adapters: compiled.adapters,
          server: { uri: r.server.uri },
          mode: 'gateway',
          endpoint: `bench-start-${devices}-${run}`,
        });
        startedMs.push(performance.now() - t0);
        const event = await registered;
        registeredMs.push(event.at - t0);
        await host.close();
      }
      rows.push(
        `| ${devices} devices x 100 points | ${fmt(points)} | ${fmt(compileMs[0]!)} | ${fmt(median(compileMs))} | ${fmt(registeredMs[0]!, 1)} | ${fmt(median(registeredMs), 1)} | ${fmt(Math.max(...registeredMs), 1)} | ${fmt(median(startedMs), 1)} |`,
      );
    }
  } finally {
    await r.close();
  }
  console.log('\n## adapter-host: start to registered (gateway mode, Modbus only; target ≤ 500 ms)\n');
  console.log(
    '| mapping | points | compile first ms | compile median ms | registered first ms | registered median ms | registered max ms | start() resolved median ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(
    `\nMethod: ${START_RUNS} runs per mapping in this process (the first one is the coldest: code not yet optimised). Compile: \`compileMappingFile\` of a generated file (one 100-point template: 75 float32 holding registers and 25 int16 input registers with scale, packed so that a device reads all its points with 3 Modbus requests, \`poll: 1s\`, instantiated per device, one Modbus unit each), with a fresh adapter resolver. Registered: from the \`AdapterHost.start()\` call (gateway mode, fresh Modbus adapter, one TCP link to the in-process simulator) until the in-process LwM2M server's handler receives the Register (it answers 2.01 at once); "start() resolved" is when start() returned (sockets open, devices declared, Modbus sessions connected, first polls started).`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. idle memory (child processes)

interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly private: number | undefined;
}

interface ChildReport {
  readonly samples: MemorySample[];
  readonly points?: number;
  readonly goodPoints?: number;
  readonly cycles?: number;
  readonly pointReads?: number;
  readonly connected?: number;
  readonly devices?: number;
}

const CHILD = join(import.meta.dirname, 'host', 'idle-host.mjs');
/** V8's young generation at 2 MiB semi-spaces instead of the default 16 MiB (64-bit). */
const SMALL_YOUNG_GEN = '--max-semi-space-size=2';
const IDLE_WARMUP_MS = 2_500;
/** Long enough for V8's memory reducer (it shrinks the young generation after ~8 s of low allocation). */
const IDLE_GAP_MS = 12_500;

function runChild(
  args: readonly string[],
  nodeFlags: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    // no --conditions=source: the child loads packages/*/dist (built by `npm run bench`)
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`idle-host child exited ${code}: ${err.trim().slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as ChildReport);
    });
  });
}

async function idleMemoryBench(): Promise<void> {
  const rows: string[] = [];
  const mb = (n: number | undefined) => (n === undefined ? 'n/a' : fmt(n / MiB, 1));
  const hosts: { points: number; sample: MemorySample }[] = [];
  for (const mode of ['bare', 'modules'] as const) {
    const report = await runChild([mode]);
    const s = report.samples[0]!;
    rows.push(
      `| ${mode === 'bare' ? 'node, nothing loaded' : 'host packages imported, no host'} | | ${mb(s.rss)} | | ${mb(s.private)} | ${mb(s.heapUsed)} | ${mb(s.heapTotal)} | |`,
    );
  }
  const r = await rig(100);
  try {
    for (const [devices, flags] of [
      [0, []],
      [10, []],
      [100, []],
      [10, [SMALL_YOUNG_GEN]],
    ] as const) {
      const file = await r.files.write(`idle-${devices}.yml`, { devices, port: r.port, poll: '1s' });
      const report = await runChild(
        ['host', file, r.server.uri, `bench-idle-${devices}`, String(IDLE_WARMUP_MS), String(IDLE_GAP_MS)],
        flags,
      );
      const [first, second] = report.samples as [MemorySample, MemorySample];
      const points = devices * 100;
      if (flags.length === 0) hosts.push({ points, sample: second });
      rows.push(
        `| host, ${fmt(points)} points polled every 1 s${flags.length === 0 ? '' : `, \`${flags.join(' ')}\``} | ${fmt(points)} | ${mb(first.rss)} | ${mb(second.rss)} | ${mb(second.private)} | ${mb(second.heapUsed)} | ${mb(second.heapTotal)} | ${report.goodPoints}/${report.points} good, ${report.connected}/${report.devices} connected |`,
      );
    }
  } finally {
    await r.close();
  }
  const at = (points: number) => hosts.find((h) => h.points === points)!.sample;
  const growth = (key: 'rss' | 'heapUsed' | 'private') =>
    ((at(10_000)[key] ?? Number.NaN) - (at(1_000)[key] ?? Number.NaN)) / 9 / MiB;
  console.log('\n## adapter-host: idle memory (targets: RSS ≤ 80 MB idle, ≤ 10 MB per 10,000 points)\n');
  console.log(
    `| process | points | RSS MiB at ${IDLE_WARMUP_MS / 1000} s | RSS MiB at ${(IDLE_WARMUP_MS + IDLE_GAP_MS) / 1000} s | private MiB | heapUsed MiB | heapTotal MiB | check |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nGrowth per 10,000 points ((10,000-point host − 1,000-point host) × 10/9, second samples): RSS ${fmt(growth('rss') * 10, 1)} MiB, private ${fmt(growth('private') * 10, 1)} MiB, heapUsed ${fmt(growth('heapUsed') * 10, 1)} MiB.`,
  );
  console.log(
    `\nMethod: each row is a fresh \`node --expose-gc\` child running test/bench/host/idle-host.mjs on the compiled packages (packages/*/dist, no TypeScript loader: type stripping alone adds ~15 MiB). The host compiles the mapping (same generated file as above, \`poll: 1s\` on every point; 0 points = one device with only a constant), starts in gateway mode against the LwM2M server and the simulator in the parent process, waits until registered, polls for ${IDLE_WARMUP_MS / 1000} s (no server traffic), then two forced GCs and \`process.memoryUsage()\`; again ${IDLE_GAP_MS / 1000} s later. "private" is Private_Clean + Private_Dirty from /proc/self/smaps_rollup: RSS without the shared pages of the node binary and libraries; private, heapUsed and heapTotal are from the second sample. The \`${SMALL_YOUNG_GEN}\` row runs the same host with V8's young generation at 2 MiB semi-spaces instead of 16 MiB.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. change → notification latency

const LATENCY_CHANGES = 200;
const LATENCY_POLL_MS = 100;

interface LatencyResult {
  readonly name: string;
  readonly samples: number[];
  readonly missed: number;
  readonly unexpected: number;
  readonly confirmable: number;
  readonly notifications: number;
}

async function latencyCase(
  r: Rig,
  name: string,
  mappingOptions: BenchMappingOptions,
  changes: number,
): Promise<LatencyResult> {
  const { host, peer } = await startRegisteredHost(
    r,
    `bench-latency-${mappingOptions.devices}`,
    mappingOptions,
    {
      runner: { observedPollMs: LATENCY_POLL_MS },
    },
  );
  const rand = seeded(42);
  const samples: number[] = [];
  let missed = 0;
  let unexpected = 0;
  let confirmable = 0;
  let notifications = 0;
  try {
    // /dev1/3304/0/5700: input register 0 of unit 1, int16, scale 0.01; setValue stops its signal
    const path = '/dev1/3304/0/5700';
    let raw = 1;
    r.sim.setValue(1, 'inputRegisters', 0, { type: 'int16', value: raw });
    await sleep(200);
    const code = await r.server.writeAttributes(peer, path, ['pmin=0']);
    if (code !== '2.04') throw new Error(`Write-Attributes ${path} answered ${code}`);
    let waiting: { value: number; resolve: (at: number) => void } | undefined;
    const first = await r.server.observe(peer, path, (notification) => {
      notifications++;
      if (notification.confirmable) confirmable++;
      const value = Number(notification.payload);
      if (waiting !== undefined && Math.abs(value - waiting.value) < 1e-9) {
        const w = waiting;
        waiting = undefined;
        w.resolve(notification.at);
      } else unexpected++;
    });
    if (Math.abs(Number(first) - raw / 100) > 1e-9)
      throw new Error(`first value ${first}, expected ${raw / 100}`);
    for (let i = 0; i < changes; i++) {
      // a random phase against the poll timer
      await sleep(rand() * LATENCY_POLL_MS);
      raw = raw >= 30_000 ? 1 : raw + 1;
      const expected = raw / 100;
      const arrived = new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve(undefined);
        }, 2_000);
        waiting = {
          value: expected,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
      });
      const t0 = performance.now();
      r.sim.setValue(1, 'inputRegisters', 0, { type: 'int16', value: raw });
      const at = await arrived;
      if (at === undefined) missed++;
      else samples.push(at - t0);
    }
  } finally {
    await host.close();
  }
  return { name, samples, missed, unexpected, confirmable, notifications };
}

async function latencyBench(): Promise<void> {
  const results: LatencyResult[] = [];
  const r = await rig(10);
  try {
    results.push(
      await latencyCase(
        r,
        '1,000 points, only the observed one polled',
        { devices: 10, port: r.port },
        LATENCY_CHANGES,
      ),
    );
    results.push(
      await latencyCase(
        r,
        '1,000 points, all polled every 1 s besides',
        { devices: 10, port: r.port, poll: '1s' },
        LATENCY_CHANGES / 2,
      ),
    );
  } finally {
    await r.close();
  }
  const bound = LATENCY_POLL_MS + 0 + 5;
  console.log(
    `\n## adapter-host: register change → notification at the server (poll ${LATENCY_POLL_MS} ms, pmin 0; bound poll + pmin + 5 ms = ${bound} ms)\n`,
  );
  console.log(
    '| case | changes | p50 ms | p90 ms | p99 ms | max ms | over bound | missed (2 s) | unexpected notifications | CON/NON notifications |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of results) {
    const sorted = [...x.samples].sort((a, b) => a - b);
    console.log(
      `| ${x.name} | ${sorted.length} | ${fmt(percentile(sorted, 0.5), 1)} | ${fmt(percentile(sorted, 0.9), 1)} | ${fmt(percentile(sorted, 0.99), 1)} | ${fmt(sorted.at(-1) ?? Number.NaN, 1)} | ${sorted.filter((v) => v > bound).length} | ${x.missed} | ${x.unexpected} | ${x.confirmable}/${x.notifications - x.confirmable} |`,
    );
  }
  console.log(
    `\nMethod: gateway host (\`runner.observedPollMs: ${LATENCY_POLL_MS}\`), 10 devices x 100 points on the in-process simulator. The server sends Write-Attributes \`pmin=0\` to /dev1/3304/0/5700 (int16 input register 0 of unit 1, scale 0.01), then GET Observe (Accept text/plain). Each change: a random pause in [0, ${LATENCY_POLL_MS}) ms (seeded; a uniform phase against the poll timer), then \`sim.setValue\` of the register to a new value; latency = time until the server receives the notification carrying that value. One change in flight at a time. Expected: uniform 0..${LATENCY_POLL_MS} ms wait for the next poll plus read + notify time.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Send batching

/** 65,536 message IDs per peer pair within EXCHANGE_LIFETIME (247 s). */
const CON_CEILING_PER_S = 65_536 / 247;
const SEND_WARMUP_MS = 1_500;
const SEND_MEASURE_MS = 4_000;

async function sendBench(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  const r = await rig(100);
  try {
    for (const [devices, poll] of [
      [10, '1s'],
      [100, '1s'],
      [100, '250ms'],
    ] as const) {
      const { host } = await startRegisteredHost(
        r,
        `bench-send-${devices}-${poll}`,
        { devices, port: r.port, poll },
        { send: { intervalMs: 100, maxValues: 256 } },
      );
      try {
        await sleep(SEND_WARMUP_MS);
        const changes = () => host.status().devices.reduce((n, d) => n + d.stats.changes, 0);
        const batcher = () => host.status().endpoints[0]!;
        r.server.resetCounters();
        const changes0 = changes();
        const before = batcher();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await sleep(SEND_MEASURE_MS);
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const after = batcher();
        const sends = [...r.server.sends];
        const con = r.server.received.CON;
        const values = sends.reduce((n, s) => n + s.values, 0);
        const bytes = sends.reduce((n, s) => n + s.bytes, 0);
        const perSend = values / sends.length;
        const perCon = values / con;
        const changed = changes() - changes0;
        rows.push(
          `| ${fmt(devices * 100)} points, poll ${poll} | ${fmt(changed / seconds)} | ${fmt(sends.length / seconds, 1)} | ${fmt(values / seconds)} | ${fmt(perSend, 1)} | ${fmt(Math.max(0, ...sends.map((s) => s.values)))} | ${fmt(bytes / sends.length)} | ${fmt(con / seconds, 1)} | ${fmt(perCon, 1)} | ${fmt(perCon * CON_CEILING_PER_S)} | ${fmt(((cpu.user + cpu.system) / 1e6 / seconds) * 100)} % |`,
        );
        const failed = after.sendFailures - before.sendFailures;
        if (failed > 0 || r.server.sendDecodeErrors > 0) {
          notes.push(
            `${fmt(devices * 100)} points, poll ${poll}: ${failed} failed Sends, ${r.server.sendDecodeErrors} undecodable payloads.`,
          );
        }
        if (con / seconds > CON_CEILING_PER_S) {
          notes.push(
            `${fmt(devices * 100)} points, poll ${poll}: ${fmt(con / seconds)} CON/s is above the sustainable rate; at that rate the 65,536 message IDs towards the server run out after ~${fmt(65_536 / (con / seconds))} s.`,
          );
        }
      } finally {
        await host.close();
      }
    }
  } finally {
    await r.close();
  }
  console.log(
    '\n## adapter-host: Send batching (send: { intervalMs: 100, maxValues: 256 }, SenML CBOR, gateway mode)\n',
  );
  console.log(
    `| load | value changes/s (host) | Sends/s | values/s received | values per Send | max per Send | bytes per Send | CON messages/s | values per CON message | values/s at ${fmt(CON_CEILING_PER_S)} CON/s | CPU (whole process) |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  for (const note of notes) console.log(`\n${note}`);
  console.log(
    `\nMethod: gateway host with \`send: { intervalMs: 100, maxValues: 256 }\`, every point polled (\`poll\` in the mapping) from the in-process simulator whose signals change every value every 100 ms, so each poll changes every point. ${SEND_WARMUP_MS / 1000} s warm-up, then ${SEND_MEASURE_MS / 1000} s measured. The server answers each POST /dp with 2.04 after decoding it (\`LwM2mCodecs.decodeTimestampedNodes\`, SenML CBOR) and counting its values. One Send is outstanding at a time (the default \`maxInFlight: 1\`); changes arriving meanwhile coalesce, each path going once with its latest value, so "values/s received" falls below "value changes/s" once Sends cannot keep up. "CON messages" counts every confirmable datagram the host sent to the server (Block1 blocks of large Sends each take a message ID). Ceiling: 65,536 message IDs per peer within EXCHANGE_LIFETIME 247 s ≈ ${fmt(CON_CEILING_PER_S)} CON/s per registration; × values per CON message = values/s one registration can sustain. CPU covers host, simulator and server together.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 5. a server observing every point

const OBSERVE_IN_FLIGHT = 16;
const OBSERVE_HOLD_MS = 4_000;

interface ObserveAllResult {
  readonly points: number;
  readonly observeMs: number;
  readonly observeCpuMs: number;
  readonly notificationsPerS: number;
  readonly holdCpuPercent: number;
  readonly sent: number;
  readonly skipped: number;
  readonly dropped: number;
}

/** Observes every mapped point of a gateway host (16 Observes in flight), then holds them while every value changes each second. */
async function observeAllCase(r: Rig, devices: number): Promise<ObserveAllResult> {
  const { host, mapping, peer } = await startRegisteredHost(r, `bench-observe-all-${devices}`, {
    devices,
    port: r.port,
    poll: '1s',
  });
  try {
    const paths = mapping.devices.flatMap((device) =>
      device.points.filter((p) => p.kind === 'bound').map((p) => `/${device.prefix}${p.path}`),
    );
    let notifications = 0;
    const onNotification = () => {
      notifications++;
    };
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: OBSERVE_IN_FLIGHT }, async () => {
        while (next < paths.length) {
          const index = next++;
          await r.server.observe(peer, paths[index]!, onNotification, index);
        }
      }),
    );
    const observeMs = performance.now() - t0;
    const cpu1 = process.cpuUsage(cpu0);
    notifications = 0;
    const cpu2 = process.cpuUsage();
    const t1 = performance.now();
    await sleep(OBSERVE_HOLD_MS);
    const holdMs = performance.now() - t1;
    const cpu3 = process.cpuUsage(cpu2);
    const observations = host.status().endpoints[0]?.observations;
    return {
      sent: observations?.notificationsSent ?? 0,
      skipped: observations?.notificationsSkipped ?? 0,
      dropped: observations?.notificationsDropped ?? 0,
      points: paths.length,
      observeMs,
      observeCpuMs: (cpu1.user + cpu1.system) / 1000,
      notificationsPerS: (notifications * 1000) / holdMs,
      holdCpuPercent: ((cpu3.user + cpu3.system) / 1000 / holdMs) * 100,
    };
  } finally {
    await host.close();
  }
}

async function observeAllBench(): Promise<void> {
  const results: ObserveAllResult[] = [];
  const r = await rig(50);
  try {
    for (const devices of [10, 50]) results.push(await observeAllCase(r, devices));
  } finally {
    await r.close();
  }
  console.log('\n## adapter-host: a server observing every point (gateway mode)\n');
  console.log(
    '| points observed | all Observes answered in ms | Observes/s | CPU ms for the burst | notifications/s while held | CPU while held (whole process) | notifications sent / skipped / dropped (whole run) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---|');
  for (const x of results) {
    console.log(
      `| ${fmt(x.points)} | ${fmt(x.observeMs)} | ${fmt((x.points * 1000) / x.observeMs)} | ${fmt(x.observeCpuMs)} | ${fmt(x.notificationsPerS)} | ${fmt(x.holdCpuPercent)} % | ${fmt(x.sent)} / ${fmt(x.skipped)} / ${fmt(x.dropped)} |`,
    );
  }
  console.log(
    `\nMethod: gateway host, devices x 100 points on the in-process simulator (\`poll: 1s\`; every simulated value changes every 100 ms, so every poll changes every point). After registration the server sends GET Observe (Accept text/plain, NON notifications) for every mapped point, ${OBSERVE_IN_FLIGHT} in flight, until all are answered; then it holds the observations for ${OBSERVE_HOLD_MS / 1000} s and counts the notifications (pmin 0, each change notifies). CPU covers host, simulator and server together.`,
  );
}

/** The host benchmark's sections, by the name `npm run bench -- host-<name>` selects. */
export const hostBenchSections = {
  start: startBench,
  memory: idleMemoryBench,
  latency: latencyBench,
  send: sendBench,
  'observe-all': observeAllBench,
} as const satisfies Record<string, () => Promise<void>>;

export async function runHostBench(
  sections: readonly (keyof typeof hostBenchSections)[] = Object.keys(
    hostBenchSections,
  ) as (keyof typeof hostBenchSections)[],
): Promise<void> {
  const took: string[] = [];
  for (const name of sections) {
    const t0 = performance.now();
    await hostBenchSections[name]();
    took.push(`${name} ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  console.log(`\nadapter-host benchmarks took ${took.join(', ')}.`);
}
