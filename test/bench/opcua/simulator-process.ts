/**
 * The OPC UA server of the OPC UA benchmarks, in a child process (so its CPU is not counted with
 * the client's): the `opcua-simulator` CLI on the compiled package, serving `items` Double
 * variables `ns=2;s=V<i>`, each a ramp that changes at every tick.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const START_TIMEOUT_MS = 60_000;

export interface SimulatorProcessOptions {
  readonly items: number;
  /** How often every value changes. */
  readonly tickMs: number;
  /** Port to listen on (0: a free one, reported in `endpoint`). */
  readonly port?: number;
}

/** The YAML configuration: only security None (the benchmarks measure data, not crypto). */
export function benchSimulatorYaml(options: SimulatorProcessOptions): string {
  const lines = [
    `tickMs: ${options.tickMs}`,
    'namespaces: [urn:lwm2m-adapters:bench]',
    'security: { policies: [None], modes: [None], allowAnonymous: true }',
    'variables:',
  ];
  for (let i = 0; i < options.items; i++)
    lines.push(
      `  - { node: "ns=2;s=V${i}", type: Double, signal: { kind: ramp, from: ${i}, to: ${i + 1_000_000}, periodMs: 3600000 } }`,
    );
  return `${lines.join('\n')}\n`;
}

function simulatorCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@lwm2m-adapters/opcua/package.json')), 'dist/simulator/cli.js');
}

export class SimulatorProcess {
  private constructor(
    private child: ChildProcess,
    readonly endpoint: string,
    private readonly folder: string,
    private readonly file: string,
  ) {}

  /** Writes the configuration, spawns the CLI and resolves once it prints `listening <url>`. */
  static async start(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
    const folder = await mkdtemp(join(tmpdir(), 'opcua-bench-sim-'));
    const file = join(folder, 'simulator.yml');
    await writeFile(file, benchSimulatorYaml(options));
    const { child, endpoint } = await SimulatorProcess.spawn(file, options.port ?? 0);
    return new SimulatorProcess(child, endpoint, folder, file);
  }

  private static spawn(file: string, port: number): Promise<{ child: ChildProcess; endpoint: string }> {
    const child = spawn(process.execPath, [simulatorCli(), file, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`opcua-simulator did not start within ${START_TIMEOUT_MS} ms: ${output}`));
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^listening (\S+)/m.exec(output);
        if (match === null) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ child, endpoint: match[1] as string });
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`opcua-simulator exited with ${code}: ${output}`));
      });
    });
  }

  get port(): number {
    return Number(new URL(this.endpoint.replace(/^opc\.tcp:/, 'http:')).port);
  }

  /** Stops the server process (SIGKILL: gone at once, as a crashed server). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same port; resolves when it listens (performance.now()). */
  async restart(): Promise<number> {
    await this.kill();
    const { child } = await SimulatorProcess.spawn(this.file, this.port);
    this.child = child;
    return performance.now();
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.folder, { recursive: true, force: true });
  }
}
