import { CoapEndpoint, type PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, type StructuredLogger, silentLogger, systemClock } from '@lwm2m-adapters/kit';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import {
  GatewayChildren,
  Lwm2mServer,
  type PeerSecurity,
  type Registration,
} from '@lwm2m-adapters/lwm2m-server';
import {
  type DatagramReceiver,
  type DtlsServerEvent,
  DtlsServerTransport,
  describeDtlsServerEvent,
  UdpTransport,
} from '@lwm2m-adapters/transport-node';
import { ConsoleAssets } from './console/console-assets.js';
import { formatEventLine } from './events/event-line.js';
import { GatewayEventSource } from './events/gateway-event-source.js';
import type { GatewayServerEvent } from './events/gateway-server-event.js';
import { JsonlEventFile } from './events/jsonl-event-file.js';
import { GatewayHttpApi } from './http/gateway-http-api.js';
import { KafkaBridge, type KafkaBridgeOptions } from './kafka/kafka-bridge.js';
import { HttpRequestCounters } from './ops/http-request-counters.js';
import { listenError } from './ops/listen-error.js';
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
  /** Bearer token the HTTP API requires for every method but GET. */
  readonly apiToken?: string | undefined;
  /** Serve the web console at `/` on the HTTP listener. Default true. */
  readonly console?: boolean | undefined;
  /** The PSK store: who may register as what (NoSec clients included). Default: anyone over NoSec. */
  readonly psk?: PskStore | undefined;
  /** Object definitions for the codecs and the API. Default: the OMA objects. */
  readonly model?: ObjectRegistry;
  /** Waited past a client's lifetime before its registration expires. Default 15 s. */
  readonly graceMs?: number;
  /** Deadline of requests to clients unless a call names one. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /**
   * Largest answer taken from a client (all Block2 blocks together), e.g. a gateway's /25 with its
   * end devices (~113 bytes per end device in SenML CBOR). Default 16 MiB.
   */
  readonly maxResponseBodyBytes?: number;
  /** Each event as one readable line (the CLI prints them unless --quiet). */
  readonly onEventLine?: ((line: string, event: GatewayServerEvent) => void) | undefined;
  /** Append every event as a JSON line to this file. */
  readonly eventsFile?: string | undefined;
  /** Registrations and observations to Kafka, management requests from it (see the README). */
  readonly kafka?: Omit<KafkaBridgeOptions, 'logger' | 'clock' | 'requestTimeoutMs'> | undefined;
  readonly logger?: StructuredLogger;
  readonly clock?: Clock;
}

interface Listener {
  readonly scheme: 'coap' | 'coaps';
  readonly transport: UdpTransport | DtlsServerTransport;
  readonly endpoint: CoapEndpoint;
}

interface Parts {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  readonly events: GatewayEventSource;
  readonly api: GatewayHttpApi;
  readonly listeners: readonly Listener[];
  readonly http: ServerHttp | undefined;
  readonly httpRequests: HttpRequestCounters;
  readonly eventsFile: JsonlEventFile | undefined;
  readonly kafka: KafkaBridge | undefined;
  readonly logger: StructuredLogger;
  readonly clock: Clock;
  readonly psk: PskStore | undefined;
}

const DEFAULT_MAX_RESPONSE_BODY_BYTES = 16 * 1024 * 1024;
/** Records in one decoded payload: a gateway's /25 takes 3 per end device. */
const MAX_DECODED_ENTRIES = 512 * 1024;

const isLoopbackHost = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

const peerText = (peer: PeerAddress) => `${peer.address}:${peer.port}`;

function logDtlsEvent(logger: StructuredLogger, event: DtlsServerEvent): void {
  const line = describeDtlsServerEvent(event);
  const fields = { peer: peerText(event.peer), identity: event.identity };
  if (event.type === 'handshake-failed') logger.warn({ ...fields, reason: event.reason }, line);
  else logger.debug(fields, line);
}

/**
 * The gateway server: an LwM2M server that understands LwM2M Gateways, composed of the
 * socket-free engine (Lwm2mServer + GatewayChildren) on CoAP and CoAPS listeners, the event model
 * (GatewayEventSource: the SSE stream, the terminal lines and the JSONL file read it), and the
 * HTTP side (API, /healthz, /metrics).
 *
 * `start` binds every socket before anything runs. `close()` stops accepting (HTTP first, ending
 * the SSE streams; then the engine, which fails the requests in flight with TRANSPORT_CLOSED),
 * flushes the events file and closes the sockets; it is idempotent.
 */
export class GatewayServer implements AsyncDisposable {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  readonly events: GatewayEventSource;
  readonly metrics: GatewayServerMetrics;
  readonly #parts: Parts;
  readonly #startedAt: number;
  #state: 'running' | 'stopping' = 'running';
  #closing: Promise<void> | undefined;

  private constructor(parts: Parts) {
    this.#parts = parts;
    this.server = parts.server;
    this.children = parts.children;
    this.events = parts.events;
    this.metrics = new GatewayServerMetrics(() => this.status(), parts.clock);
    this.#startedAt = parts.clock.now();
  }

  static async start(options: GatewayServerOptions): Promise<GatewayServer> {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const model = options.model ?? ObjectRegistry.withOmaObjects();
    const listeners: Listener[] = [];
    let http: ServerHttp | undefined;
    let eventsFile: JsonlEventFile | undefined;
    const limits = { maxResponseBodyBytes: options.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES };
    try {
      // 1. every socket and file first: an address in use or a bad path fails before anything runs
      if (options.coaps !== undefined && options.psk === undefined) {
        throw new CodedError('CONFIG_INVALID', 'a CoAPS listener needs a PSK store');
      }
      if (options.coap !== undefined) {
        const { host, port } = options.coap;
        const transport = await UdpTransport.open({
          host,
          port,
          onError: (error) => logger.warn({ err: error.message, listener: 'coap' }, 'CoAP socket error'),
        }).catch((cause: unknown) => {
          throw listenError('CoAP', host, port, cause);
        });
        const endpoint = new CoapEndpoint({ sink: transport, clock, limits });
        transport.setReceiver(endpoint);
        listeners.push({ scheme: 'coap', transport, endpoint });
      }
      let dtls: DtlsServerTransport | undefined;
      if (options.coaps !== undefined && options.psk !== undefined) {
        const { host, port } = options.coaps;
        dtls = await DtlsServerTransport.open({
          host,
          port,
          psk: options.psk,
          clock,
          onEvent: (event) => logDtlsEvent(logger, event),
          onError: (error) => logger.warn({ err: error.message, listener: 'coaps' }, 'CoAPS socket error'),
        }).catch((cause: unknown) => {
          throw listenError('CoAPS', host, port, cause);
        });
        const endpoint = new CoapEndpoint({ sink: dtls, clock, limits });
        dtls.setReceiver(endpoint as DatagramReceiver);
        listeners.push({ scheme: 'coaps', transport: dtls, endpoint });
      }
      if (options.http !== undefined) http = await ServerHttp.listen({ ...options.http, clock });
      if (options.eventsFile !== undefined) {
        eventsFile = await JsonlEventFile.open({
          file: options.eventsFile,
          onError: (error) =>
            logger.error({ err: error.message, file: options.eventsFile }, 'events file failing'),
        });
      }

      // 2. the engine on the listeners
      const psk = options.psk;
      const security: PeerSecurity | undefined =
        psk === undefined
          ? undefined
          : {
              identityOf: (peer) => (isSecurePeer(peer) ? dtls?.identityOf(peer) : undefined),
              authorize: (endpoint, identity) => psk.authorize(endpoint, identity),
            };
      const onListenerError = (error: unknown) =>
        logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'an event listener failed',
        );
      const server = new Lwm2mServer({
        endpoint: new CombinedServerPort({
          plain: listeners.find((l) => l.scheme === 'coap')?.endpoint,
          secure: listeners.find((l) => l.scheme === 'coaps')?.endpoint,
        }),
        model,
        clock,
        // a payload as large as the endpoints take is decoded: a big gateway's /25 (3 records per end device)
        codecs: { limits: { maxPayloadBytes: limits.maxResponseBodyBytes, maxEntries: MAX_DECODED_ENTRIES } },
        registration: { graceMs: options.graceMs ?? 15_000 },
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        ...(security === undefined ? {} : { security }),
        onListenerError,
      });
      server.on('registrationRefused', ({ endpoint, peer, identity, reason }) =>
        logger.warn({ endpoint, peer: peerText(peer), identity }, `registration refused: ${reason}`),
      );
      const children = new GatewayChildren({
        server,
        clock,
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        onListenerError,
      });
      const isSecure = (registration: Registration) => isSecurePeer(registration.peer);
      const events = new GatewayEventSource({ server, children, clock, isSecure, onListenerError });
      const httpRequests = new HttpRequestCounters();
      const api = new GatewayHttpApi({
        server,
        children,
        events,
        model,
        token: options.apiToken,
        isSecure,
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        onResponse: (response) => httpRequests.count(response),
      });

      // 3. the outputs
      const onEventLine = options.onEventLine;
      if (onEventLine !== undefined) events.on((event) => onEventLine(formatEventLine(event), event));
      const file = eventsFile;
      if (file !== undefined) events.on((event) => file.append(events.json(event)));
      const kafka =
        options.kafka === undefined
          ? undefined
          : KafkaBridge.start(
              { ...options.kafka, requestTimeoutMs: options.requestTimeoutMs ?? 30_000, logger, clock },
              { server, children, events, model },
            );

      const instance = new GatewayServer({
        server,
        children,
        events,
        api,
        listeners,
        http,
        httpRequests,
        eventsFile,
        kafka,
        logger,
        clock,
        psk,
      });
      const consoleAssets =
        http !== undefined && options.console !== false ? await ConsoleAssets.load() : undefined;
      http?.serve({
        health: () => instance.status(),
        metrics: instance.metrics,
        api: (request, response) =>
          api.handle(
            request,
            response,
            consoleAssets === undefined ? undefined : () => consoleAssets.serve(request, response),
          ),
      });
      logger.info(
        {
          coap: instance.address('coap'),
          coaps: instance.address('coaps'),
          http: http?.url,
          pskEntries: psk?.size,
        },
        'gateway server listening',
      );
      const httpHost = options.http?.host ?? '127.0.0.1';
      if (consoleAssets !== undefined && options.apiToken === undefined && !isLoopbackHost(httpHost)) {
        logger.warn(
          { http: http?.url },
          'the HTTP API and console are reachable beyond this machine without a token: anyone who reaches them may write, execute and delete (set an API token)',
        );
      }
      return instance;
    } catch (error) {
      await http?.close();
      await eventsFile?.close();
      for (const l of listeners) {
        l.endpoint.close();
        await l.transport.close();
      }
      throw error;
    }
  }

  /** Where a listener is bound (`coap` or `coaps`), if the server has it. */
  address(scheme: 'coap' | 'coaps'): PeerAddress | undefined {
    return this.#parts.listeners.find((l) => l.scheme === scheme)?.transport.localAddress;
  }

  /** The Kafka bridge, when the server was started with `kafka`. */
  get kafka(): KafkaBridge | undefined {
    return this.#parts.kafka;
  }

  /** The HTTP side's base URL, if served. */
  get httpUrl(): string | undefined {
    return this.#parts.http?.url;
  }

  /**
   * Replaces the PSK store's entries (SIGHUP). Sessions and registrations already made stay; new
   * handshakes and registrations use the new entries. Throws CONFIG_INVALID (and keeps the old
   * entries) on duplicates, or when the server was started without a PSK store.
   */
  reloadPsk(entries: readonly PskEntry[]): void {
    if (this.#parts.psk === undefined) {
      throw new CodedError('CONFIG_INVALID', 'the server was started without a PSK store');
    }
    this.#parts.psk.replace(entries);
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
    const listeners: ListenerStatus[] = this.#parts.listeners.map((l) => {
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
    const api = this.#parts.api.stats();
    return {
      state: this.#state,
      startedAt: this.#startedAt,
      listeners,
      server: this.server.stats(),
      gateways,
      children: this.children.size,
      gatewaysOutOfSync,
      eventsDropped: api.streamsCutOff + (this.#parts.eventsFile?.dropped ?? 0),
      sseClients: api.streams,
      httpRequests: this.#parts.httpRequests.snapshot(),
      ...(this.#parts.kafka === undefined ? {} : { kafka: this.#parts.kafka.stats() }),
    };
  }

  /** Stops accepting, fails what is in flight, flushes the outputs, closes the sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#state = 'stopping';
    const { api, http, children, events, server, listeners, eventsFile, kafka, logger, clock } = this.#parts;
    const started = clock.now();
    api.close(); // ends the SSE streams, so the HTTP server can close
    await http?.close();
    await kafka?.close(); // answers the requests running, flushes the producer and the spool
    children.close();
    server.close();
    events.close();
    await eventsFile?.close();
    for (const l of listeners) {
      l.endpoint.close();
      await l.transport.close();
    }
    logger.info({ ms: clock.now() - started }, 'gateway server stopped');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
