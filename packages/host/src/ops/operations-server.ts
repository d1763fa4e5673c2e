import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import { explainBindFailure } from '../bind-failure.js';
import type { HostMetrics } from './host-metrics.js';
import { deviceState, type HostStatus, isHealthy } from './host-status.js';

const isoTime = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export interface OperationsServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** What /healthz and /metrics serve; until given (here or by `serve`) they answer 503 starting. */
  readonly status?: () => HostStatus;
  readonly metrics?: HostMetrics;
  /** For the uptime /healthz reports. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * The host's HTTP side for operators: `GET /healthz` (200 when every endpoint is registered and
 * every device connected and answering, 503 otherwise, with the status as JSON: per device its
 * state, last success and last error) and `GET /metrics` (Prometheus
 * text). Nothing else is served; requests have a short timeout.
 */
export class OperationsServer implements AsyncDisposable {
  readonly #server: Server;
  readonly #options: OperationsServerOptions;
  #source: { readonly status: () => HostStatus; readonly metrics: HostMetrics } | undefined;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: OperationsServerOptions) {
    this.#server = server;
    this.#options = options;
    if (options.status !== undefined && options.metrics !== undefined) {
      this.#source = { status: options.status, metrics: options.metrics };
    }
  }

  /**
   * Starts serving a host's status and metrics. The CLI listens before the host starts, so that a
   * port in use fails before any device or server is contacted; until then both paths answer 503.
   */
  serve(source: { readonly status: () => HostStatus; readonly metrics: HostMetrics }): void {
    this.#source = source;
  }

  static async listen(options: OperationsServerOptions): Promise<OperationsServer> {
    let instance: OperationsServer | undefined;
    const server = createServer((request, response) => {
      void instance?.handle(request, response);
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    instance = new OperationsServer(server, options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause) => {
        const explained = explainBindFailure(
          'the --http port (/healthz, /metrics)',
          `${host}:${options.port}`,
          cause,
        );
        reject(
          isCodedError(explained)
            ? explained
            : new CodedError(
                'CONFIG_INVALID',
                `cannot listen on ${host}:${options.port} for /healthz and /metrics`,
                {
                  cause,
                },
              ),
        );
      });
      server.listen(options.port, host, () => resolve());
    });
    return instance;
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
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response
          .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
          .end('method not allowed\n');
        return;
      }
      const source = this.#source;
      if (source === undefined && (path === '/healthz' || path === '/metrics')) {
        response
          .writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(`${JSON.stringify({ status: 'starting' })}\n`);
        return;
      }
      if (path === '/healthz' && source !== undefined) {
        const status = source.status();
        const healthy = isHealthy(status);
        const body = {
          status: healthy ? 'ok' : 'degraded',
          mode: status.mode,
          uptimeSeconds: Math.round(((this.#options.clock ?? systemClock).now() - status.startedAt) / 1000),
          endpoints: status.endpoints.map((e) => ({
            endpoint: e.endpoint,
            registration: e.registration,
            ...(e.lastError === undefined ? {} : { lastError: e.lastError }),
          })),
          devices: status.devices.map((d) => {
            // the connection's error while not connected, else the last failed read's
            const lastError = d.lastError ?? d.health.lastError;
            const lastErrorAt = d.lastError === undefined ? isoTime(d.health.lastErrorAt) : undefined;
            const lastSuccessAt = isoTime(d.health.lastSuccessAt);
            return {
              id: d.id,
              endpoint: d.endpoint,
              ...(d.prefix === undefined ? {} : { prefix: d.prefix }),
              state: deviceState(d),
              connection: d.connection,
              points: d.stats.points,
              badPoints: d.stats.badPoints,
              ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
              ...(lastError === undefined ? {} : { lastError }),
              ...(lastErrorAt === undefined ? {} : { lastErrorAt }),
            };
          }),
          ...(status.lastReloadError === undefined ? {} : { lastReloadError: status.lastReloadError }),
        };
        response
          .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(`${JSON.stringify(body)}\n`);
        return;
      }
      if (path === '/metrics' && source !== undefined) {
        const text = await source.metrics.text();
        response.writeHead(200, { 'content-type': source.metrics.contentType }).end(text);
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  /** Stops listening and ends open connections. Idempotent. */
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
