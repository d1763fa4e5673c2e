/**
 * The parent's handle on the LwM2M server and read load running alone in a child process
 * (read-load-child.mjs, node on the compiled packages, IPC). Every message from the child is
 * checked with zod; every request has a deadline; the child is killed when it does not exit on
 * `close()`.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { BenchChild } from '../gateway/bench-child.js';

const CHILD = join(import.meta.dirname, 'read-load-child.mjs');

const registeredSchema = z.object({ event: z.literal('registered'), endpoint: z.string(), at: z.number() });
const readySchema = z.object({ event: z.literal('ready') });
/** What the child sends besides replies (BenchChild takes those). */
const eventSchema = z.union([registeredSchema, readySchema]);

const loadResultSchema = z.object({
  reads: z.number(),
  sent: z.number(),
  failures: z.number(),
  firstError: z.string().nullable(),
  seconds: z.number(),
  p50Us: z.number().nullable(),
  p99Us: z.number().nullable(),
  /** CPU time of the load child (user + system) during the load, µs. */
  cpuMicros: z.number(),
  /** CON requests this peer may still be sent in the child's life. */
  budgetLeft: z.number(),
});
export type LoadResult = z.infer<typeof loadResultSchema>;

const readResultSchema = z.object({ code: z.string(), payload: z.string() });
const addressSchema = z.object({ port: z.number().int() });

export interface LoadOptions {
  readonly endpoint: string;
  readonly inFlight: number;
  readonly ms: number;
  readonly maxReads: number;
  /** Paces the reads: read n leaves no earlier than n / perSecond s after the start. */
  readonly perSecond?: number;
}

export class ReadLoadServer implements AsyncDisposable {
  readonly #child: BenchChild;
  readonly #registrations: { endpoint: string; at: number }[] = [];
  #registrationWaiters: (() => void)[] = [];
  #port = 0;

  private constructor(child: BenchChild) {
    this.#child = child;
  }

  #onEvent(raw: unknown): void {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      this.#child.failAll(new Error(`unexpected message from the read-load child: ${JSON.stringify(raw)}`));
      return;
    }
    const message = parsed.data;
    if (message.event === 'registered') {
      this.#registrations.push({ endpoint: message.endpoint, at: message.at });
      const waiters = this.#registrationWaiters;
      this.#registrationWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  /** Forks the child (packages/*\/dist, built by `npm run bench`) and waits until it listens. */
  static async start(): Promise<ReadLoadServer> {
    let instance: ReadLoadServer | undefined;
    const child = await BenchChild.fork(CHILD, {
      name: 'the read-load child',
      onEvent: (message) => {
        if (instance !== undefined) instance.#onEvent(message);
      },
    });
    instance = new ReadLoadServer(child);
    instance.#port = addressSchema.parse(await child.request('address')).port;
    return instance;
  }

  get uri(): string {
    return `coap://127.0.0.1:${this.#port}`;
  }

  /** Epoch ms of the first Register of `endpoint` that reached the server at or after `since`. */
  async registeredAt(endpoint: string, since: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.#registrations.find((r) => r.endpoint === endpoint && r.at >= since);
      if (found !== undefined) return found.at;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${endpoint} did not register within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#registrationWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async read(endpoint: string): Promise<{ code: string; payload: string }> {
    return readResultSchema.parse(await this.#child.request('read', { endpoint }));
  }

  async load(options: LoadOptions): Promise<LoadResult> {
    return loadResultSchema.parse(await this.#child.request('load', options, options.ms + 30_000));
  }

  close(): Promise<void> {
    return this.#child.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
