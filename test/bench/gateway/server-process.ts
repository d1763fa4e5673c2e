/**
 * The parent's handle on a gateway server running alone in a child process
 * (gateway-server-child.mjs, `node --expose-gc` on the compiled packages, IPC). Requests are
 * answered in order of completion; every request has a deadline, and the child is killed when it
 * does not exit on `close()`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { Lwm2mServerStats } from '@lwm2m-adapters/lwm2m-server';

const CHILD = join(import.meta.dirname, 'gateway-server-child.mjs');

export interface ServerCounters {
  readonly cpu: NodeJS.CpuUsage;
  /** Epoch ms (sub-ms precision) when the child took the sample. */
  readonly at: number;
  readonly server: Lwm2mServerStats;
  readonly children: number;
  readonly gateways: number;
  readonly gatewaysOutOfSync: number;
  /** The last errors of gateways whose /25 could not be read (at most 3). */
  readonly syncErrors: readonly string[];
  /** Values carried by the Sends received (resource and resource-instance values). */
  readonly sendValues: number;
  /** Values in the notifications received (each decoded, as a consumer would), and those that did not decode. */
  readonly notificationValues: number;
  readonly notificationErrors: number;
  readonly coap:
    | {
        readonly received: Record<string, number>;
        readonly sent: Record<string, number>;
        readonly duplicates: number;
        readonly dropped: Record<string, number>;
        readonly observing: { readonly notifications: number; readonly outOfOrder: number };
        readonly requests: { readonly sent: number; readonly timeouts: number; readonly failed: number };
        readonly deduplication: number;
        readonly evicted: number;
      }
    | undefined;
}

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly private: number | null;
}

export interface ServerSample extends ServerCounters {
  readonly memory: MemorySample;
}

export interface LatencyNotification {
  readonly value: string;
  /** Epoch ms (performance.timeOrigin + performance.now() in the child). */
  readonly at: number;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** CPU µs (user + system) between two counters. */
export const cpuMicrosBetween = (a: ServerCounters, b: ServerCounters) =>
  b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);

/** Epoch ms with sub-ms precision, comparable with the child's `at`. */
export const epochNow = () => performance.timeOrigin + performance.now();

export class GatewayServerProcess implements AsyncDisposable {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #stderr = '';
  onNotification: ((notification: LatencyNotification) => void) | undefined;

  #coap: PeerAddress | undefined;
  #httpUrl: string | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    child.on(
      'message',
      (message: Reply | { ready: true } | ({ event: 'notification' } & LatencyNotification)) => {
        if ('ready' in message) return;
        if ('event' in message) {
          this.onNotification?.({ value: message.value, at: message.at });
          return;
        }
        const p = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.ok) p?.resolve(message.result);
        else p?.reject(new Error(message.error));
      },
    );
    child.on('exit', (code) => {
      for (const p of this.#pending.values()) {
        p.reject(new Error(`the gateway server child exited ${code}: ${this.#stderr}`));
      }
      this.#pending.clear();
    });
  }

  /**
   * Forks the child and waits until it listens: `api` adds the event source and the HTTP API
   * (GET /api/events) on an ephemeral port.
   */
  static async start(
    options: { api?: boolean; nodeFlags?: readonly string[] } = {},
  ): Promise<GatewayServerProcess> {
    // no --conditions=source: the child loads packages/*/dist (built by `npm run bench`)
    const child = fork(CHILD, [options.api === true ? 'api' : 'engine'], {
      execArgv: ['--expose-gc', ...(options.nodeFlags ?? [])],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const instance = new GatewayServerProcess(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the gateway server child did not start: ${instance.#stderr}`));
      }, 20_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the gateway server child exited ${code}: ${instance.#stderr}`));
      });
    });
    const address = await instance.request<{ coap: PeerAddress; http: string | undefined }>('address');
    instance.#coap = address.coap;
    instance.#httpUrl = address.http;
    return instance;
  }

  get coap(): PeerAddress {
    return this.#coap as PeerAddress;
  }

  /** The HTTP API's base URL, when started with `api`. */
  get httpUrl(): string | undefined {
    return this.#httpUrl;
  }

  get uri(): string {
    return `coap://${this.coap.address}:${this.coap.port}`;
  }

  request<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the gateway server child did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.send({ id, cmd, args });
    });
  }

  counters(): Promise<ServerCounters> {
    return this.request('counters');
  }

  /** Counters and memory after two forced GCs in the child. */
  sample(): Promise<ServerSample> {
    return this.request('sample');
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    try {
      await this.request('close', undefined, 10_000);
    } catch {
      this.#child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(timer);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
