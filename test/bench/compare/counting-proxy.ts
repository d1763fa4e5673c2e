/**
 * A Modbus TCP proxy between a poller and the simulator, for the compare benchmark: counts the
 * requests on the wire (MBAP frames from the poller) and cuts the traffic into poll cycles (a
 * request after `quietMs` without traffic starts a cycle), recording each cycle's span from its
 * first request to its last reply. Both pollers go through it, so its cost is the same for both.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface PollCycle {
  /** performance.now() of the cycle's first request. */
  readonly start: number;
  /** First request → last reply, ms. */
  readonly spanMs: number;
  readonly requests: number;
}

export class CountingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #quietMs: number;
  readonly #cycles: PollCycle[] = [];
  #requests = 0;
  #cycleStart = Number.NaN;
  #cycleRequests = 0;
  #lastReply = Number.NaN;
  #lastTraffic = Number.NEGATIVE_INFINITY;

  private constructor(server: Server, quietMs: number) {
    this.#server = server;
    this.#quietMs = quietMs;
  }

  /** Listens on 127.0.0.1 (any port) and forwards every connection to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number, quietMs = 250): Promise<CountingProxy> {
    const server = createServer();
    const proxy = new CountingProxy(server, quietMs);
    server.on('connection', (client) => proxy.#pipe(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Requests forwarded so far. */
  get requests(): number {
    return this.#requests;
  }

  /** Cycles that ended (no traffic for `quietMs`) and began at or after `since`. */
  cyclesSince(since: number): PollCycle[] {
    this.#closeCycleIfQuiet(performance.now());
    return this.#cycles.filter((cycle) => cycle.start >= since);
  }

  #closeCycleIfQuiet(now: number): void {
    if (this.#cycleRequests > 0 && now - this.#lastTraffic > this.#quietMs) {
      this.#cycles.push({
        start: this.#cycleStart,
        spanMs: this.#lastReply - this.#cycleStart,
        requests: this.#cycleRequests,
      });
      if (this.#cycles.length > 10_000) this.#cycles.splice(0, 5_000);
      this.#cycleRequests = 0;
    }
  }

  #pipe(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      const now = performance.now();
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // MBAP: transaction (2), protocol (2), length (2) of what follows
      while (pending.length >= 6) {
        const size = 6 + pending.readUInt16BE(4);
        if (pending.length < size) break;
        pending = pending.subarray(size);
        this.#closeCycleIfQuiet(now);
        if (this.#cycleRequests === 0) this.#cycleStart = now;
        this.#cycleRequests++;
        this.#requests++;
      }
      this.#lastTraffic = now;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const now = performance.now();
      this.#lastReply = now;
      this.#lastTraffic = now;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
