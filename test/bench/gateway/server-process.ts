/**
 * The parent's handle on a gateway server running alone in a child process
 * (gateway-server-child.mjs, `node --expose-gc` on the compiled packages, IPC). Requests are
 * answered in order of completion; every request has a deadline, and the child is killed when it
 * does not exit on `close()`.
 */
import { join } from 'node:path';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { Lwm2mServerStats } from '@lwm2m-adapters/lwm2m-server';
import { BenchChild } from './bench-child.js';

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

/** CPU µs (user + system) between two counters. */
export const cpuMicrosBetween = (a: ServerCounters, b: ServerCounters) =>
  b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);

/** Epoch ms with sub-ms precision, comparable with the child's `at`. */
export const epochNow = () => performance.timeOrigin + performance.now();

export class GatewayServerProcess implements AsyncDisposable {
  readonly #child: BenchChild;
  onNotification: ((notification: LatencyNotification) => void) | undefined;

  #coap: PeerAddress | undefined;
  #httpUrl: string | undefined;

  private constructor(child: BenchChild) {
    this.#child = child;
  }

  /**
   * Forks the child and waits until it listens: `api` adds the event source and the HTTP API
   * (GET /api/events) on an ephemeral port.
   */
  static async start(
    options: { api?: boolean; nodeFlags?: readonly string[] } = {},
  ): Promise<GatewayServerProcess> {
    // no --conditions=source: the child loads packages/*/dist (built by `npm run bench`)
    let instance: GatewayServerProcess | undefined;
    const child = await BenchChild.fork(CHILD, {
      name: 'the gateway server child',
      args: [options.api === true ? 'api' : 'engine'],
      execArgv: ['--expose-gc', ...(options.nodeFlags ?? [])],
      onEvent: (message) => {
        const event = message as { event?: string } & LatencyNotification;
        if (event.event === 'notification') instance?.onNotification?.({ value: event.value, at: event.at });
      },
    });
    instance = new GatewayServerProcess(child);
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
    return this.#child.request(cmd, args, timeoutMs) as Promise<T>;
  }

  counters(): Promise<ServerCounters> {
    return this.request('counters');
  }

  /** Counters and memory after two forced GCs in the child. */
  sample(): Promise<ServerSample> {
    return this.request('sample');
  }

  close(): Promise<void> {
    return this.#child.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
