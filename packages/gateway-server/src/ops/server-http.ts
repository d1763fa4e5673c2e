import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import { GATEWAY_SERVER_VERSION } from '../version.js';
import { listenError } from './listen-error.js';
import type { GatewayServerMetrics } from './server-metrics.js';
import { type GatewayServerStatus, isHealthy } from './server-status.js';

/** Serves what `/healthz` and `/metrics` do not: the HTTP API. Resolves once it answered. */
export type HttpApiHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface ServerHttpOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  readonly clock?: Clock;
}

/** What the listener serves, once the server is composed (`serve`); until then it answers 503. */
export interface ServerHttpHandlers {
  readonly health: () => GatewayServerStatus;
  readonly metrics: GatewayServerMetrics;
  /** Everything but /healthz and /metrics; without it those are all that is served. */
  readonly api?: HttpApiHandler;
}

/**
 * The gateway server's HTTP listener: `GET /healthz` (200 while running, 503 while stopping, with
 * a JSON summary), `GET /metrics` (Prometheus text), and the API for everything else. Errors in a
 * handler become a 500 with a one-line message; they never take the server down.
 */
export class ServerHttp implements AsyncDisposable {
  readonly #server: Server;
  readonly #options: ServerHttpOptions;
  #handlers: ServerHttpHandlers | undefined;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: ServerHttpOptions) {
    this.#server = server;
    this.#options = options;
  }

  /** Binds first: an address in use fails here with the errno explained. */
  static async listen(options: ServerHttpOptions): Promise<ServerHttp> {
    let instance: ServerHttp | undefined;
    const server = createServer((request, response) => {
      void instance?.handle(request, response);
    });
    server.headersTimeout = 10_000;
    // SSE streams stay open: no overall request timeout, but idle sockets close
    server.requestTimeout = 0;
    server.keepAliveTimeout = 5_000;
    instance = new ServerHttp(server, options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause) => reject(listenError('HTTP', host, options.port, cause)));
      server.listen(options.port, host, () => resolve());
    });
    return instance;
  }

  /** Starts serving (the listener is bound before the server is composed; until now it answered 503). */
  serve(handlers: ServerHttpHandlers): void {
    this.#handlers = handlers;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const handlers = this.#handlers;
    try {
      if (handlers === undefined) {
        response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('starting\n');
        return;
      }
      if (path === '/healthz' || path === '/metrics') {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          response
            .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
            .end('method not allowed\n');
          return;
        }
        if (path === '/healthz') this.#health(handlers.health(), response);
        else {
          const text = await handlers.metrics.text();
          response.writeHead(200, { 'content-type': handlers.metrics.contentType }).end(text);
        }
        return;
      }
      if (handlers.api !== undefined) {
        await handlers.api(request, response);
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  #health(status: GatewayServerStatus, response: ServerResponse): void {
    const healthy = isHealthy(status);
    const now = (this.#options.clock ?? systemClock).now();
    const body = {
      status: healthy ? 'ok' : 'stopping',
      version: GATEWAY_SERVER_VERSION,
      uptimeSeconds: Math.round((now - status.startedAt) / 1000),
      listeners: status.listeners.map((l) => ({
        scheme: l.scheme,
        address: l.address.address,
        port: l.address.port,
      })),
      registrations: status.server.registrations,
      gateways: status.gateways,
      children: status.children,
      gatewaysOutOfSync: status.gatewaysOutOfSync,
      observations: status.server.observations,
      ...(status.kafka === undefined
        ? {}
        : {
            kafka: {
              connected: status.kafka.producer.connected,
              consuming: status.kafka.consuming,
              spooled: status.kafka.spool.pending,
              produced: status.kafka.producer.sent,
            },
          }),
    };
    response
      .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(`${JSON.stringify(body)}\n`);
  }

  /** Stops listening and ends open connections (SSE streams included). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
