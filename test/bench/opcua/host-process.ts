/**
 * adapter-host as users run it, for the OPC UA benchmarks: the CLI (`adapter-host run`, compiled
 * package, no TypeScript loader) in a child process, gateway mode, with one OPC UA device whose
 * points are `/3303/<i>/5700` ← `ns=2;s=V<i>` of the benchmark simulator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const DEVICE_PREFIX = 'dev1';

/** The observed path of item `i` (gateway mode: under the device's prefix). */
export const itemPath = (i: number) => `/${DEVICE_PREFIX}/3303/${i}/5700`;

export function opcuaMappingYaml(endpoint: string, items: number, publishingIntervalMs = 250): string {
  const lines = [
    'version: 1',
    'devices:',
    '  - id: plc',
    `    prefix: ${DEVICE_PREFIX}`,
    '    adapter: opcua',
    `    connection: { endpoint: "${endpoint}", publishingIntervalMs: ${publishingIntervalMs} }`,
    '    points:',
  ];
  for (let i = 0; i < items; i++)
    lines.push(`      /3303/${i}/5700: { source: { node: "ns=2;s=V${i}", type: Double } }`);
  return `${lines.join('\n')}\n`;
}

function hostCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@lwm2m-adapters/host/package.json')), 'dist/cli/adapter-host.js');
}

export class HostProcess {
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    /** performance.now() just before the spawn. */
    readonly startedAt: number,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.resume();
  }

  /** Writes the mapping into `folder` and spawns `adapter-host run` (extra node flags first). */
  static async start(options: {
    folder: string;
    endpoint: string;
    items: number;
    serverUri: string;
    nodeFlags?: readonly string[];
  }): Promise<HostProcess> {
    const mapping = join(options.folder, `opcua-${options.items}.yml`);
    await writeFile(mapping, opcuaMappingYaml(options.endpoint, options.items));
    const args = [
      ...(options.nodeFlags ?? []),
      hostCli(),
      'run',
      '--mapping',
      mapping,
      '--server',
      options.serverUri,
      '--endpoint',
      'opcua-bench',
      '--log-level',
      'warn',
      '--log-format',
      'json',
    ];
    const startedAt = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    return new HostProcess(child, startedAt);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get errors(): string {
    return this.stderr;
  }

  /** Resident set size of the host process, from /proc (Linux). */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb === undefined) throw new Error('no VmRSS in /proc status');
    return Number(kb) * 1024;
  }

  /** CPU seconds (user + system) the host process has used, from /proc/<pid>/stat. */
  async cpuSeconds(): Promise<number> {
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime in clock ticks (USER_HZ, 100 on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
