import { type Clock, eventLoggerFor } from '@lwm2m-adapters/kit';
import { type DeviceInfo, endpointLink, LwM2mClient, SecurityMode } from '@lwm2m-adapters/lwm2m-client';
import type { ObjectModel } from '@lwm2m-adapters/lwm2m-core';
import { type PskCredentials, ServerConnection } from '@lwm2m-adapters/transport-node';
import type { Logger } from 'pino';

/** Where and how the host's LwM2M clients register. */
export interface HostServerSettings {
  /** `coap://host[:port]` or `coaps://host[:port]`. */
  readonly uri: string;
  /** Needed for `coaps://`. In per-device mode every endpoint presents the same identity. */
  readonly psk?: PskCredentials;
  /** Registration lifetime in seconds. Default 300. */
  readonly lifetime?: number;
  readonly shortServerId?: number;
  /** Local address the UDP sockets bind. */
  readonly bindAddress?: string;
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
    const connection = await ServerConnection.open({
      uri: options.server.uri,
      ...(options.server.psk === undefined ? {} : { psk: options.server.psk }),
      ...(options.server.bindAddress === undefined ? {} : { localAddress: options.server.bindAddress }),
      onError: (error) => {
        log.warn({ err: error }, 'transport error');
        options.onTransportError?.(error);
      },
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
      // a server may observe every mapped point on its own: the engine's default (256) is too few
      limits: { maxAttributePaths: options.maxAttributePaths, maxObservations: options.maxAttributePaths },
      log: eventLoggerFor(log),
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
