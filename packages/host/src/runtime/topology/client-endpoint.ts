import { type Clock, type EventLogger, eventLoggerFor } from '@lwm2m-adapters/kit';
import {
  type AnnouncedContentFormats,
  type DeviceInfo,
  endpointLink,
  LwM2mClient,
  SecurityMode,
} from '@lwm2m-adapters/lwm2m-client';
import type { ObjectModel } from '@lwm2m-adapters/lwm2m-core';
import { type PskCredentials, parseServerUri, ServerConnection } from '@lwm2m-adapters/transport-node';
import type { Logger } from 'pino';
import { explainBindFailure } from '../../bind-failure.js';

/** Where and how the host's LwM2M clients register. */
export interface HostServerSettings {
  /** `coap://host[:port]` or `coaps://host[:port]`. */
  readonly uri: string;
  /** Needed for `coaps://`. In per-device mode every endpoint presents the same identity. */
  readonly psk?: PskCredentials;
  /** Registration lifetime in seconds. Default 300. */
  readonly lifetime?: number;
  readonly shortServerId?: number;
  /**
   * Local address the UDP sockets bind. Default: the loopback address for a server on loopback,
   * else every interface (0.0.0.0, or :: for an IPv6 server); the client engine answers only its
   * server's address and port either way.
   */
  readonly bindAddress?: string;
  /** How the Register's root link announces content formats. Default 'preferred' (`ct=110`). */
  readonly announcedContentFormats?: AnnouncedContentFormats;
}

/** The local address to bind for `uri`: the given one, loopback for a loopback server, else undefined (any). */
export function defaultBindAddress(uri: string, bindAddress: string | undefined): string | undefined {
  if (bindAddress !== undefined) return bindAddress;
  const { host } = parseServerUri(uri);
  if (host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return '127.0.0.1';
  if (host === '::1') return '::1';
  return undefined;
}

export interface ClientEndpointOptions {
  readonly endpointName: string;
  readonly server: HostServerSettings;
  readonly registry: ObjectModel;
  readonly gateway: boolean;
  readonly device: DeviceInfo;
  readonly logger: Logger;
  /** Paths that may carry attributes (mapped points get the mapping's pmin/pmax/st); also the observation limit. */
  readonly maxAttributePaths: number;
  /** The engine's clock (registration, observation and notification timers). Default: the system clock. */
  readonly clock?: Clock;
  /** Transport errors (a failed DTLS handshake, a socket error), after they are logged. */
  readonly onTransportError?: (error: Error) => void;
}

/** One LwM2M client of the host with its own socket (and DTLS session) to the server. */
export class ClientEndpoint implements AsyncDisposable {
  readonly client: LwM2mClient;
  readonly connection: ServerConnection;
  #closing: Promise<void> | undefined;

  private constructor(client: LwM2mClient, connection: ServerConnection) {
    this.client = client;
    this.connection = connection;
  }

  static async open(options: ClientEndpointOptions): Promise<ClientEndpoint> {
    const log = options.logger.child({ endpoint: options.endpointName });
    const localAddress = defaultBindAddress(options.server.uri, options.server.bindAddress);
    const connection = await ServerConnection.open({
      uri: options.server.uri,
      ...(options.server.psk === undefined ? {} : { psk: options.server.psk }),
      ...(localAddress === undefined ? {} : { localAddress }),
      onError: (error) => {
        log.warn({ err: error }, 'transport error');
        options.onTransportError?.(error);
      },
    }).catch((error: unknown) => {
      throw explainBindFailure('the CoAP socket', localAddress ?? 'every interface', error);
    });
    const client = new LwM2mClient({
      endpointName: options.endpointName,
      server: {
        peer: connection.peer,
        security:
          connection.psk === undefined
            ? { mode: SecurityMode.NO_SEC, serverUri: options.server.uri }
            : {
                mode: SecurityMode.PSK,
                identity: connection.psk.identity,
                secretKey: connection.psk.key,
                serverUri: options.server.uri,
              },
        shortServerId: options.server.shortServerId ?? 1,
        lifetime: options.server.lifetime ?? 300,
      },
      registry: options.registry,
      link: endpointLink(connection.endpoint),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      gateway: options.gateway,
      device: options.device,
      announcedContentFormats: options.server.announcedContentFormats ?? 'preferred',
      // a server may observe every mapped point on its own: the engine's default (256) is too few
      limits: { maxAttributePaths: options.maxAttributePaths, maxObservations: options.maxAttributePaths },
      log: withoutRegisterFailures(eventLoggerFor(log)),
    });
    return new ClientEndpoint(client, connection);
  }

  /** De-registers (bounded wait), then closes the socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.client.close();
      } finally {
        await this.connection.close();
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The engine's log, less its line per failed Register: HostEndpoint warns once per failure with
 * the server's URI, the cause and the time of the next attempt, which says more.
 */
function withoutRegisterFailures(log: EventLogger): EventLogger {
  return (entry) => {
    if (entry.event !== 'registration-failed') log(entry);
  };
}
