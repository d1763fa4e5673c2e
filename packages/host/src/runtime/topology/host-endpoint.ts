import { isCodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import type { DeviceInfo, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import type { ObjectModel } from '@lwm2m-adapters/lwm2m-core';
import { isInstanceValues } from '@lwm2m-adapters/mapping';
import type { Logger } from 'pino';
import type { EndpointStatus } from '../../ops/host-status.js';
import type { ChangedPoint } from '../device/point-record.js';
import { ClientEndpoint, type HostServerSettings } from './client-endpoint.js';
import { SendBatcher } from './send-batcher.js';

export interface SendSettings {
  /** Changes gathered this long go out in one Send (POST /dp). */
  readonly intervalMs: number;
  /** Values per Send batch. Default 256. */
  readonly maxValues?: number;
  /** Sends outstanding at once per endpoint. Default 1 (see SendBatcherOptions.maxInFlight). */
  readonly maxInFlight?: number;
}

/** What every endpoint of one host shares. */
export interface HostEndpointSettings {
  readonly server: HostServerSettings;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Report value changes with Send batches too; undefined: observations only. */
  readonly send: SendSettings | undefined;
  /** The object model and attribute-path budget of the mapping in force when an endpoint opens. */
  readonly model: () => { readonly registry: ObjectModel; readonly maxAttributePaths: number };
}

/**
 * One LwM2M client endpoint of the host (the gateway, or one device in per-device mode): its
 * socket and client, the Send batches that report through it, its registration log lines and its
 * status. Shutting down goes in steps, because the host interleaves them across endpoints and
 * device sessions: `flushSends`, `deregister`, then (after the sessions) `closeSocket`.
 */
export class HostEndpoint {
  readonly endpoint: ClientEndpoint;
  readonly #batcher: SendBatcher | undefined;
  #lastError: string | undefined;
  /** The last transport error (a failed DTLS handshake: a wrong PSK), until registered. */
  readonly #transportError: { message: string | undefined };

  private constructor(
    endpoint: ClientEndpoint,
    settings: HostEndpointSettings,
    transportError: { message: string | undefined },
  ) {
    this.#transportError = transportError;
    this.endpoint = endpoint;
    const client = endpoint.client;
    const log = settings.logger.child({ endpoint: client.endpointName });
    const send = settings.send;
    this.#batcher =
      send === undefined
        ? undefined
        : new SendBatcher({
            client,
            intervalMs: send.intervalMs,
            maxValues: send.maxValues ?? 256,
            ...(send.maxInFlight === undefined ? {} : { maxInFlight: send.maxInFlight }),
            logger: log,
            clock: settings.clock,
          });
    client.on('state', (change) => {
      if (change.state === 'registered' && change.previous === 'registering') {
        this.#lastError = undefined;
        this.#transportError.message = undefined;
        log.info({ location: client.registrationLocation?.join('/') }, 'registered');
      } else if (change.state === 'backoff') {
        this.#lastError =
          change.error === undefined ? undefined : `${change.error.code}: ${change.error.message}`;
        // one warning per failed Register: which server, why, and when the next attempt goes out
        const now = settings.clock.now();
        const retryAt = change.retryAt ?? now;
        const cause =
          change.error === undefined ? 'no answer' : `${change.error.code}: ${change.error.message}`;
        log.warn(
          {
            server: settings.server.uri,
            code: change.error?.code,
            cause,
            retryInMs: retryAt - now,
            retryAt: new Date(retryAt).toISOString(),
          },
          `registration at ${settings.server.uri} failed (${cause}); next attempt at ${new Date(retryAt).toISOString()}`,
        );
      } else if (change.state === 'unregistered' && change.previous !== 'registering') {
        log.info({}, 'de-registered');
      }
    });
  }

  /** Opens the socket and creates the client (not registering yet: see `start`). */
  static async open(
    settings: HostEndpointSettings,
    endpointName: string,
    gateway: boolean,
    device: DeviceInfo,
  ): Promise<HostEndpoint> {
    const { registry, maxAttributePaths } = settings.model();
    const transportError: { message: string | undefined } = { message: undefined };
    const endpoint = await ClientEndpoint.open({
      endpointName,
      server: settings.server,
      registry,
      gateway,
      device,
      logger: settings.logger,
      maxAttributePaths,
      clock: settings.clock,
      onTransportError: (error) => {
        transportError.message = isCodedError(error) ? `${error.code}: ${error.message}` : error.message;
      },
    });
    return new HostEndpoint(endpoint, settings, transportError);
  }

  get client(): LwM2mClient {
    return this.endpoint.client;
  }

  get name(): string {
    return this.endpoint.client.endpointName;
  }

  /** Serves requests and registers. Idempotent. */
  start(): void {
    this.endpoint.client.start();
  }

  /**
   * Reports a changed value at `path` (with the gateway prefix for an end device): the Send batch,
   * when Send is on, takes the value itself; the observers are evaluated, unless the change was
   * found after a server write, which the engine reported to them. Observers get their value from
   * the resource's read handler when the notification goes out (a cache hit), not from here: a
   * notification held back by pmin must carry the value of that moment, not of this change.
   */
  report(point: ChangedPoint, afterWrite: boolean): void {
    // the point's path is asked for only when something takes it: with no observation of its
    // object (or end device) and no Send, a change costs no path (issue 16)
    const client = this.endpoint.client;
    if (!afterWrite && client.isObserving(point.reportPrefix, point.objectId)) {
      client.changed(point.reportedPath);
    }
    if (this.#batcher === undefined) return;
    const path = point.reportedPath;
    const value = point.currentValue();
    if (!isInstanceValues(value)) this.#batcher.add(path, value);
    // an array point: a Send carries each resource instance
    else for (let i = 0; i < value.length; i++) this.#batcher.add(path.child(i), value[i]!);
  }

  /** Sends what the Send batches hold and stops taking changes. */
  async flushSends(): Promise<void> {
    await this.#batcher?.close();
  }

  /** De-registers (bounded wait) and stops serving. */
  deregister(): Promise<void> {
    return this.endpoint.client.close();
  }

  closeSocket(): Promise<void> {
    return this.endpoint.connection.close();
  }

  status(): EndpointStatus {
    const client = this.endpoint.client;
    const coap = this.endpoint.connection.stats().coap;
    const send = this.#batcher?.stats();
    return {
      endpoint: client.endpointName,
      registration: client.state,
      // a registration that cannot get through says why: its own failure, else the transport's
      lastError:
        client.state === 'registered' || client.state === 'updating'
          ? undefined
          : (this.#lastError ?? this.#transportError.message),
      observations: client.observationStats,
      // refused observations (table full) count with the CoAP drops: adapter_host_drops_total{reason}
      coapDropped: { ...coap.dropped, observationRefused: client.observationStats.observationsRefused },
      coapRetransmissions: coap.retransmissions,
      sendMessages: send?.messages ?? 0,
      sendValues: send?.values ?? 0,
      sendFailures: send?.failures ?? 0,
    };
  }
}
