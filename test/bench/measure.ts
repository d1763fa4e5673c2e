/** Minimal, dependency-free benchmark loop: wall time and CPU time per operation. */
export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly microsPerOp: number;
  readonly cpuMicrosPerOp: number;
}

export interface MeasureOptions {
  /** Wall-clock budget for the measured phase. Default 1000 ms. */
  readonly durationMs?: number;
  /** Warm-up budget before measuring (JIT). Default 300 ms. */
  readonly warmupMs?: number;
  /** Upper bound on measured operations, so a fast case still stops. Default 5,000,000. */
  readonly maxOps?: number;
}

export function measure(name: string, fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const durationNs = BigInt(Math.round((options.durationMs ?? 1000) * 1e6));
  const warmupNs = BigInt(Math.round((options.warmupMs ?? 300) * 1e6));
  const maxOps = options.maxOps ?? 5_000_000;
  let sink: unknown;
  const warmEnd = process.hrtime.bigint() + warmupNs;
  while (process.hrtime.bigint() < warmEnd) sink = fn();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let ops = 0;
  let now = t0;
  while (now - t0 < durationNs && ops < maxOps) {
    for (let i = 0; i < 64; i++) sink = fn();
    ops += 64;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  if (sink === Symbol.for('never')) console.log(sink);
  const seconds = Number(now - t0) / 1e9;
  return {
    name,
    ops,
    opsPerSecond: ops / seconds,
    microsPerOp: (seconds * 1e6) / ops,
    cpuMicrosPerOp: (cpu.user + cpu.system) / ops,
  };
}

export function printTable(title: string, rows: readonly (Measurement & { bytes?: number })[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| case | ops/s | µs/op | CPU µs/op | payload bytes | MB/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const mbps = r.bytes === undefined ? '' : ((r.bytes * r.opsPerSecond) / 1e6).toFixed(1);
    console.log(
      `| ${r.name} | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} | ${r.microsPerOp.toFixed(2)} | ${r.cpuMicrosPerOp.toFixed(2)} | ${r.bytes ?? ''} | ${mbps} |`,
    );
  }
}
