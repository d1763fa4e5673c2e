/**
 * The parent's handle on the LwM2M server and read load running alone in a child process
 * (read-load-child.mjs, node on the compiled packages, IPC). Every message from the child is
 * checked with zod; every request has a deadline; the child is killed when it does not exit on
 * `close()`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';

const CHILD = join(import.meta.dirname, 'read-load-child.mjs');

const registeredSchema = z.object({ event: z.literal('registered'), endpoint: z.string(), at: z.number() });
const readySchema = z.object({ event: z.literal('ready') });
const replySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);
const messageSchema = z.union([registeredSchema, readySchema, replySchema]);

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

/** Epoch ms with sub-ms precision, comparable with the child's `at`. */
export const epochNow = () => performance.timeOrigin + performance.now();

export class ReadLoadServer implements AsyncDisposable {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  readonly #registrations: { endpoint: string; at: number }[] = [];
  #registrationWaiters: (() => void)[] = [];
  #nextId = 1;
  #stderr = '';
  #port = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (raw: unknown) => {
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) {
        this.#failAll(new Error(`unexpected message from the read-load child: ${JSON.stringify(raw)}`));
        return;
      }
      const message = parsed.data;
      if ('event' in message) {
        if (message.event === 'registered') {
          this.#registrations.push({ endpoint: message.endpoint, at: message.at });
          const waiters = this.#registrationWaiters;
          this.#registrationWaiters = [];
          for (const waiter of waiters) waiter();
        }
        return;
      }
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.result);
      else pending?.reject(new Error(`read-load child: ${message.error}`));
    });
    child.on('exit', (code) =>
      this.#failAll(new Error(`the read-load child exited ${code}: ${this.#stderr}`)),
    );
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Forks the child (packages/*\/dist, built by `npm run bench`) and waits until it listens. */
  static async start(): Promise<ReadLoadServer> {
    const child = fork(CHILD, [], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const instance = new ReadLoadServer(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the read-load child did not start: ${instance.#stderr}`));
      }, 20_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the read-load child exited ${code}: ${instance.#stderr}`));
      });
    });
    instance.#port = addressSchema.parse(await instance.#request('address')).port;
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
    return readResultSchema.parse(await this.#request('read', { endpoint }));
  }

  async load(options: LoadOptions): Promise<LoadResult> {
    return loadResultSchema.parse(await this.#request('load', options, options.ms + 30_000));
  }

  #request(cmd: string, args?: unknown, timeoutMs = 30_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the read-load child did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.send({ id, cmd, args });
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    try {
      await this.#request('close', undefined, 10_000);
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
