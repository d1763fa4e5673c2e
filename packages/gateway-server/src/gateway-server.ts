import { CoapEndpoint, type PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, type StructuredLogger, silentLogger, systemClock } from '@lwm2m-adapters/kit';
import { type ObjectModel, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { GatewayChildren, Lwm2mServer, type PeerSecurity } from '@lwm2m-adapters/lwm2m-server';
import {
  type DatagramReceiver,
  DtlsServerTransport,
  describeDtlsServerEvent,
  UdpTransport,
} from '@lwm2m-adapters/transport-node';
import { ServerHttp } from './ops/server-http.js';
import { GatewayServerMetrics } from './ops/server-metrics.js';
import type { GatewayServerStatus, ListenerStatus } from './ops/server-status.js';
import type { PskEntry, PskStore } from './security/psk-store.js';
import { CombinedServerPort, isSecurePeer } from './transport/combined-server-port.js';

export interface ListenAddress {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface GatewayServerOptions {
  /** NoSec CoAP listener; undefined: none. */
  readonly coap?: ListenAddress | undefined;
  /** DTLS 1.2 PSK listener (needs `psk`); undefined: none. */
  readonly coaps?: ListenAddress | undefined;
  /** HTTP API, /healthz and /metrics; undefined: none. */
  readonly http?: ListenAddress | undefined;
  /** The PSK store: who may register as what (NoSec clients included). Default: anyone over NoSec. */
  readonly psk?: PskStore | undefined;
  /** Object definitions for the codecs and the API. Default: the OMA objects. */
  readonly model?: ObjectModel;
  /** Waited past a client's lifetime before its registration expires. Default 15 s. */
  readonly graceMs?: number;
  /** Deadline of requests to clients unless a call names one. Default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly logger?: StructuredLogger;
  readonly clock?: Clock;
}

interface Listener {
  readonly scheme: 'coap' | 'coaps';
  readonly transport: UdpTransport | DtlsServerTransport;
  readonly endpoint: CoapEndpoint;
}

/**
 * The gateway server: an LwM2M server that understands LwM2M Gateways, composed of the
 * socket-free engine (Lwm2mServer + GatewayChildren) on CoAP (and CoAPS) listeners, with an HTTP
 * side for operators and scripts. `close()` stops accepting, fails what is in flight, flushes the
 * outputs and closes the sockets; it is idempotent.
 */
export class GatewayServer implements AsyncDisposable {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  readonly metrics: GatewayServerMetrics;
  readonly #listeners: readonly Listener[];
  readonly #http: ServerHttp | undefined;
  readonly #logger: StructuredLogger;
  readonly #clock: Clock;
  readonly #startedAt: number;
  readonly #psk: PskStore | undefined;
  #state: 'running' | 'stopping' = 'running';
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    server: Lwm2mServer;
    children: GatewayChildren;
    listeners: readonly Listener[];
    http: ServerHttp | undefined;
    metrics: GatewayServerMetrics;
    logger: StructuredLogger;
    clock: Clock;
    psk: PskStore | undefined;
  }) {
    this.#psk = parts.psk;
    this.server = parts.server;
    this.children = parts.children;
    this.metrics = parts.metrics;
    this.#listeners = parts.listeners;
    this.#http = parts.http;
    this.#logger = parts.logger;
    this.#clock = parts.clock;
    this.#startedAt = parts.clock.now();
  }

  /**
   * Binds every listener first (an address in use fails here, before anything runs), then starts
   * the engine on them.
   */
  static async start(options: GatewayServerOptions): Promise<GatewayServer> {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const model = options.model ?? ObjectRegistry.withOmaObjects();
    const listeners: Listener[] = [];
    let http: ServerHttp | undefined;
    try {
      if (options.coap !== undefined) {
        const transport = await UdpTransport.open({
          host: options.coap.host,
          port: options.coap.port,
          onError: (error) => logger.warn({ err: error.message, listener: 'coap' }, 'CoAP socket error'),
        });
        const endpoint = new CoapEndpoint({ sink: transport, clock });
        transport.setReceiver(endpoint);
        listeners.push({ scheme: 'coap', transport, endpoint });
      }
      let dtls: DtlsServerTransport | undefined;
      if (options.coaps !== undefined) {
        const psk = options.psk;
        if (psk === undefined) throw new CodedError('CONFIG_INVALID', 'a CoAPS listener needs a PSK store');
        dtls = await DtlsServerTransport.open({
          host: options.coaps.host,
          port: options.coaps.port,
          psk,
          clock,
          onEvent: (event) => {
            const line = describeDtlsServerEvent(event);
            if (event.type === 'handshake-failed') {
              logger.warn(
                {
                  peer: `${event.peer.address}:${event.peer.port}`,
                  identity: event.identity,
                  reason: event.reason,
                },
                line,
              );
            } else {
              logger.debug(
                { peer: `${event.peer.address}:${event.peer.port}`, identity: event.identity },
                line,
              );
            }
          },
          onError: (error) => logger.warn({ err: error.message, listener: 'coaps' }, 'CoAPS socket error'),
        });
        const endpoint = new CoapEndpoint({ sink: dtls, clock });
        dtls.setReceiver(endpoint as DatagramReceiver);
        listeners.push({ scheme: 'coaps', transport: dtls, endpoint });
      }
      const port = new CombinedServerPort({
        plain: listeners.find((l) => l.scheme === 'coap')?.endpoint,
        secure: listeners.find((l) => l.scheme === 'coaps')?.endpoint,
      });
      const psk = options.psk;
      const security: PeerSecurity | undefined =
        psk === undefined
          ? undefined
          : {
              identityOf: (peer: PeerAddress) => (isSecurePeer(peer) ? dtls?.identityOf(peer) : undefined),
              authorize: (endpoint, identity) => psk.authorize(endpoint, identity),
            };
      const server = new Lwm2mServer({
        endpoint: port,
        model,
        clock,
        registration: { graceMs: options.graceMs ?? 15_000 },
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        ...(security === undefined ? {} : { security }),
        onListenerError: (error) =>
          logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            'an event listener failed',
          ),
      });
      const children = new GatewayChildren({
        server,
        clock,
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      });
      let instance: GatewayServer | undefined;
      const metrics = new GatewayServerMetrics(() => (instance as GatewayServer).status(), clock);
      if (options.http !== undefined) {
        http = await ServerHttp.listen({
          host: options.http.host,
          port: options.http.port,
          health: () => (instance as GatewayServer).status(),
          metrics,
          clock,
        });
      }
      instance = new GatewayServer({ server, children, listeners, http, metrics, logger, clock, psk });
      logger.info(
        {
          coap: instance.address('coap'),
          coaps: instance.address('coaps'),
          http: http?.url,
          psk: psk === undefined ? undefined : psk.size,
        },
        'gateway server listening',
      );
      return instance;
    } catch (error) {
      await http?.close();
      for (const l of listeners) {
        l.endpoint.close();
        await l.transport.close();
      }
      throw error;
    }
  }

  /**
   * Replaces the PSK store's entries (SIGHUP). Sessions and registrations already made stay; new
   * handshakes and registrations use the new entries. Throws CONFIG_INVALID (and keeps the old
   * entries) on duplicates, or when the server was started without a PSK store.
   */
  reloadPsk(entries: readonly PskEntry[]): void {
    if (this.#psk === undefined) {
      throw new CodedError('CONFIG_INVALID', 'the server was started without a PSK store');
    }
    this.#psk.replace(entries);
  }

  /** Where a listener is bound (`coap` or `coaps`), if the server has it. */
  address(scheme: 'coap' | 'coaps'): PeerAddress | undefined {
    return this.#listeners.find((l) => l.scheme === scheme)?.transport.localAddress;
  }

  /** The HTTP side's base URL, if served. */
  get httpUrl(): string | undefined {
    return this.#http?.url;
  }

  status(): GatewayServerStatus {
    let gatewaysOutOfSync = 0;
    let gateways = 0;
    for (const registration of this.server.registrations()) {
      const state = this.children.state(registration);
      if (state === undefined) continue;
      gateways++;
      if (state.lastError !== undefined) gatewaysOutOfSync++;
    }
    const listeners: ListenerStatus[] = this.#listeners.map((l) => {
      const base = { scheme: l.scheme, address: l.transport.localAddress, coap: l.endpoint.stats() };
      if (!(l.transport instanceof DtlsServerTransport)) return base;
      const dtls = l.transport.stats();
      return {
        ...base,
        dtls: {
          sessions: dtls.sessions,
          handshakes: dtls.handshakes,
          handshakeFailures: dtls.handshakeFailures,
        },
      };
    });
    return {
      state: this.#state,
      startedAt: this.#startedAt,
      listeners,
      server: this.server.stats(),
      gateways,
      children: this.children.size,
      gatewaysOutOfSync,
      eventsDropped: 0,
      sseClients: 0,
    };
  }

  /**
   * Stops accepting (HTTP and CoAP requests), forgets registrations and observations, and closes
   * the sockets. Requests to clients still in flight fail with TRANSPORT_CLOSED. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#state = 'stopping';
    const started = this.#clock.now();
    await this.#http?.close();
    this.children.close();
    this.server.close();
    for (const l of this.#listeners) {
      l.endpoint.close();
      await l.transport.close();
    }
    this.#logger.info({ ms: this.#clock.now() - started }, 'gateway server stopped');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
