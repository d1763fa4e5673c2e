/**
 * A benchmark's helper process on IPC (the gateway server child, the read-load child): the child
 * sends one message when it is ready, answers `{ id, cmd, args }` with `{ id, ok: true, result }`
 * or `{ id, ok: false, error }`, and may send other messages (events) in between. Every request
 * has a deadline; a child that exits fails what is pending; `close()` asks the child to close and
 * kills it when it does not exit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { z } from 'zod';

const replySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);

export interface BenchChildOptions {
  /** How errors name the child ("the gateway server child"). */
  readonly name: string;
  readonly args?: readonly string[];
  readonly execArgv?: readonly string[];
  /** Every message that is not a reply (after the ready message). */
  readonly onEvent?: (message: unknown) => void;
  /** How long the child may take to say it is ready. */
  readonly startTimeoutMs?: number;
}

export class BenchChild {
  readonly #child: ChildProcess;
  readonly #name: string;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #stderr = '';

  private constructor(child: ChildProcess, options: BenchChildOptions) {
    this.#child = child;
    this.#name = options.name;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: unknown) => {
      const reply = replySchema.safeParse(message);
      if (!reply.success) {
        options.onEvent?.(message);
        return;
      }
      const pending = this.#pending.get(reply.data.id);
      this.#pending.delete(reply.data.id);
      if (reply.data.ok) pending?.resolve(reply.data.result);
      else pending?.reject(new Error(`${this.#name}: ${reply.data.error}`));
    });
    child.on('exit', (code) => this.failAll(new Error(`${this.#name} exited ${code}: ${this.#stderr}`)));
  }

  /** Forks `script` (node on the compiled packages, no NODE_OPTIONS) and waits for its ready message. */
  static async fork(script: string, options: BenchChildOptions): Promise<BenchChild> {
    const child = fork(script, [...(options.args ?? [])], {
      execArgv: [...(options.execArgv ?? [])],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const instance = new BenchChild(child, options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.name} did not start: ${instance.#stderr}`));
      }, options.startTimeoutMs ?? 20_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited ${code}: ${instance.#stderr}`));
      });
    });
    return instance;
  }

  /** The last few kB the child wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  request(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.#name} did not answer ${cmd} within ${timeoutMs} ms`));
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

  /** Fails every pending request with `error`. */
  failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Asks the child to close (10 s), then kills it if it is still there. Idempotent. */
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
}
