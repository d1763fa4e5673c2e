import {
  CoapEndpoint,
  type CoapEndpointLimits,
  type CoapEndpointStats,
  type PeerAddress,
  type TransmissionParameters,
} from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import { DtlsTransport, type DtlsTransportStats } from './dtls-transport.js';
import { resolvePeerAddress } from './resolve-peer.js';
import { UdpTransport, type UdpTransportStats } from './udp-transport.js';

/** A pre-shared key for `coaps://`. */
export interface PskCredentials {
  readonly identity: string;
  readonly key: Uint8Array;
}

export interface ServerConnectionOptions {
  /** `coap://host[:5683]` or `coaps://host[:5684]` (DTLS 1.2 with a PSK). */
  readonly uri: string;
  /** Required for `coaps://`. */
  readonly psk?: PskCredentials;
  /** Local address to bind (UDP). Default: 0.0.0.0, or :: for an IPv6 server. */
  readonly localAddress?: string;
  readonly clock?: Clock;
  readonly transmission?: Partial<TransmissionParameters>;
  readonly limits?: Partial<CoapEndpointLimits>;
  /** Transport errors (socket, DTLS session, failed handshakes); counted, never thrown. */
  readonly onError?: (error: Error) => void;
}

export interface ServerConnectionStats {
  readonly coap: CoapEndpointStats;
  readonly transport: UdpTransportStats | DtlsTransportStats;
}

interface ParsedServerUri {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
}

/** Parses `coap://host:port` / `coaps://host:port`; CONFIG_INVALID with what is valid otherwise. */
export function parseServerUri(uri: string): ParsedServerUri {
  const invalid = (why: string) =>
    new CodedError(
      'CONFIG_INVALID',
      `server URI "${uri}" ${why}; expected coap://host[:port] or coaps://host[:port]`,
      {
        details: { uri },
      },
    );
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid('is not a URI');
  }
  if (url.protocol !== 'coap:' && url.protocol !== 'coaps:') throw invalid(`has the scheme ${url.protocol}`);
  if (url.hostname === '') throw invalid('has no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw invalid('has a path or query (the LwM2M server URI is scheme, host and port only)');
  }
  const secure = url.protocol === 'coaps:';
  const port = url.port === '' ? (secure ? 5684 : 5683) : Number(url.port);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { secure, host, port };
}

/**
 * One client's way to its LwM2M server: a UDP socket (or a DTLS-PSK session) and a CoAP endpoint
 * on it. Each connection has its own socket, so each LwM2M endpoint is its own CoAP peer (own
 * message IDs, own source port) towards the server. The composition root adapts `endpoint` to the
 * client engine (`endpointLink` in @lwm2m-adapters/lwm2m-client); this package knows no LwM2M.
 *
 *   const connection = await ServerConnection.open({ uri: 'coap://127.0.0.1:5683' });
 *   const client = new LwM2mClient({ ..., server: { peer: connection.peer, ... }, link: endpointLink(connection.endpoint) });
 */
export class ServerConnection implements AsyncDisposable {
  /** The CoAP endpoint on this connection's socket. */
  readonly endpoint: CoapEndpoint;
  /** The server's resolved address. */
  readonly peer: PeerAddress;
  /** The pre-shared key of a `coaps://` connection. */
  readonly psk: PskCredentials | undefined;
  readonly uri: string;
  readonly #transport: UdpTransport | DtlsTransport;
  #closing: Promise<void> | undefined;

  private constructor(
    uri: string,
    peer: PeerAddress,
    psk: PskCredentials | undefined,
    endpoint: CoapEndpoint,
    transport: UdpTransport | DtlsTransport,
  ) {
    this.uri = uri;
    this.peer = peer;
    this.psk = psk;
    this.endpoint = endpoint;
    this.#transport = transport;
  }

  /**
   * Binds the socket (UDP) or starts the DTLS handshake. A server that is not reachable yet is not
   * an error: the client's registration retries with backoff, and a DTLS transport re-handshakes on
   * its own (handshake failures go to `onError`). Throws CONFIG_INVALID for a bad URI or missing
   * PSK, TRANSPORT_CLOSED when the socket cannot be bound, DEVICE_UNREACHABLE for an unknown host.
   */
  static async open(options: ServerConnectionOptions): Promise<ServerConnection> {
    const { secure, host, port } = parseServerUri(options.uri);
    const family = host.includes(':') ? 6 : 4;
    const peer = await resolvePeerAddress(host, port, family);
    const endpointOptions = {
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.transmission === undefined ? {} : { transmission: options.transmission }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    };
    if (!secure) {
      if (options.psk !== undefined) {
        throw new CodedError('CONFIG_INVALID', `a PSK was given, but ${options.uri} is not coaps://`);
      }
      const transport = await UdpTransport.open({
        host: options.localAddress ?? (family === 6 ? '::' : '0.0.0.0'),
        ...(options.onError === undefined ? {} : { onError: options.onError }),
      });
      const endpoint = new CoapEndpoint({ sink: transport, ...endpointOptions });
      transport.setReceiver(endpoint);
      return new ServerConnection(options.uri, peer, undefined, endpoint, transport);
    }
    const psk = options.psk;
    if (psk === undefined) {
      throw new CodedError('CONFIG_INVALID', `${options.uri} is coaps://: give a PSK identity and key`);
    }
    const transport = new DtlsTransport({
      host: peer.address,
      port: peer.port,
      pskIdentity: psk.identity,
      pskKey: psk.key,
      type: family === 6 ? 'udp6' : 'udp4',
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    const endpoint = new CoapEndpoint({ sink: transport, ...endpointOptions });
    transport.setReceiver(endpoint);
    // a failed first handshake is reported; later datagrams re-handshake with capped backoff
    transport.connect().catch((error: unknown) => {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    });
    return new ServerConnection(options.uri, peer, psk, endpoint, transport);
  }

  get secure(): boolean {
    return this.#transport instanceof DtlsTransport;
  }

  stats(): ServerConnectionStats {
    return { coap: this.endpoint.stats(), transport: this.#transport.stats() };
  }

  /** Closes the endpoint (pending exchanges fail) and the socket. Idempotent. Close the client first. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.endpoint.close();
      await this.#transport.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
