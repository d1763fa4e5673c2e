import { CoapEndpoint, type PeerAddress } from '@lwm2m-adapters/coap';
import {
  ContentFormat,
  type CoreLink,
  type LwM2mNode,
  type ObjectModel,
  type TimestampedPathNode,
} from '@lwm2m-adapters/lwm2m-core';
import { Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
import { UdpTransport } from '@lwm2m-adapters/transport-node';

export interface DemoRegistration {
  readonly endpoint: string;
  readonly id: string;
  readonly peer: PeerAddress;
  readonly links: readonly CoreLink[];
}

export interface DemoServerEvents {
  registered?(registration: DemoRegistration): void;
  updated?(registration: DemoRegistration): void;
  deregistered?(registration: DemoRegistration): void;
  sent?(registration: DemoRegistration, values: readonly TimestampedPathNode[]): void;
}

/**
 * A minimal LwM2M server for `adapter-host demo`: the lwm2m-server engine on a loopback UDP socket,
 * printing registrations, updates, de-registrations (and expiries) and Sends through `events`,
 * and reading paths of a registered client. Not a product server (that is the gateway server),
 * just enough to show values flowing without installing anything.
 */
export class DemoLwm2mServer implements AsyncDisposable {
  readonly #transport: UdpTransport;
  readonly #endpoint: CoapEndpoint;
  readonly #server: Lwm2mServer;

  private constructor(transport: UdpTransport, registry: ObjectModel, events: DemoServerEvents) {
    this.#transport = transport;
    this.#endpoint = new CoapEndpoint({ sink: transport });
    transport.setReceiver(this.#endpoint);
    this.#server = new Lwm2mServer({ endpoint: this.#endpoint, model: registry });
    this.#server.on('registered', ({ registration }) => events.registered?.(registration));
    this.#server.on('updated', ({ registration }) => events.updated?.(registration));
    this.#server.on('deregistered', ({ registration }) => events.deregistered?.(registration));
    this.#server.on('send', ({ registration, values }) => events.sent?.(registration, values));
  }

  static async start(registry: ObjectModel, events: DemoServerEvents = {}): Promise<DemoLwm2mServer> {
    const transport = await UdpTransport.open({ host: '127.0.0.1' });
    return new DemoLwm2mServer(transport, registry, events);
  }

  get uri(): string {
    return `coap://127.0.0.1:${this.#transport.localAddress.port}`;
  }

  registrations(): DemoRegistration[] {
    return this.#server.registrations();
  }

  /** Reads a path of a registered endpoint (SenML CBOR); the decoded node, or the error code. */
  async read(registration: DemoRegistration, path: string): Promise<LwM2mNode | string> {
    const result = await this.#server.read(registration, path, { format: ContentFormat.SENML_CBOR });
    return result.code === '2.05' && result.node !== undefined ? result.node : result.code;
  }

  async close(): Promise<void> {
    this.#server.close();
    this.#endpoint.close();
    await this.#transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
