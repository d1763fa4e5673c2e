import {
  CoapEndpoint,
  type CoapIncomingRequest,
  type CoapOutgoingResponse,
  type PeerAddress,
} from '@lwm2m-adapters/coap';
import {
  ContentFormat,
  type CoreLink,
  decodeLinks,
  LwM2mCodecs,
  type LwM2mNode,
  LwM2mPath,
  type ObjectModel,
  type TimestampedPathNode,
} from '@lwm2m-adapters/lwm2m-core';
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
 * A minimal LwM2M server for `adapter-host demo`: accepts Register/Update/De-register and Send,
 * and reads paths of a registered client. Loopback only; not a product server (that is the
 * gateway server), just enough to show values flowing without installing anything.
 */
export class DemoLwm2mServer implements AsyncDisposable {
  readonly #transport: UdpTransport;
  readonly #endpoint: CoapEndpoint;
  readonly #codecs: LwM2mCodecs;
  readonly #events: DemoServerEvents;
  readonly #byId = new Map<string, DemoRegistration>();
  #nextId = 1;

  private constructor(transport: UdpTransport, registry: ObjectModel, events: DemoServerEvents) {
    this.#transport = transport;
    this.#endpoint = new CoapEndpoint({ sink: transport });
    transport.setReceiver(this.#endpoint);
    this.#codecs = new LwM2mCodecs(registry);
    this.#events = events;
    this.#endpoint.onRequest(async (request) => this.#handle(request));
  }

  static async start(registry: ObjectModel, events: DemoServerEvents = {}): Promise<DemoLwm2mServer> {
    const transport = await UdpTransport.open({ host: '127.0.0.1' });
    return new DemoLwm2mServer(transport, registry, events);
  }

  get uri(): string {
    return `coap://127.0.0.1:${this.#transport.localAddress.port}`;
  }

  registrations(): DemoRegistration[] {
    return [...this.#byId.values()];
  }

  /** Reads a path of a registered endpoint; the decoded node, or the error code. */
  async read(registration: DemoRegistration, path: string): Promise<LwM2mNode | string> {
    const parsed = LwM2mPath.parse(path);
    const response = await this.#endpoint.request(registration.peer, {
      method: 'GET',
      uriPath: parsed.segments(),
      accept: ContentFormat.SENML_CBOR,
    });
    if (response.code !== '2.05') return response.code;
    return this.#codecs.decode(response.payload, parsed, response.contentFormat ?? ContentFormat.SENML_CBOR);
  }

  async #handle(request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    const [first, id] = request.uriPath;
    if (first === 'rd' && request.method === 'POST' && id === undefined) {
      const ep = request.uriQuery.find((q) => q.startsWith('ep='))?.slice(3);
      if (ep === undefined) return { code: '4.00' };
      for (const [oldId, old] of this.#byId) if (old.endpoint === ep) this.#byId.delete(oldId);
      const registration = {
        endpoint: ep,
        id: String(this.#nextId++),
        peer: request.peer,
        links: decodeLinks(request.payload),
      };
      this.#byId.set(registration.id, registration);
      this.#events.registered?.(registration);
      return { code: '2.01', locationPath: ['rd', registration.id] };
    }
    if (first === 'rd' && id !== undefined) {
      const registration = this.#byId.get(id);
      if (registration === undefined) return { code: '4.04' };
      if (request.method === 'DELETE') {
        this.#byId.delete(id);
        this.#events.deregistered?.(registration);
        return { code: '2.02' };
      }
      if (request.method === 'POST') {
        const updated =
          request.payload.length === 0
            ? { ...registration, peer: request.peer }
            : { ...registration, peer: request.peer, links: decodeLinks(request.payload) };
        this.#byId.set(id, updated);
        this.#events.updated?.(updated);
        return { code: '2.04' };
      }
    }
    if (first === 'dp' && request.method === 'POST') {
      const registration = [...this.#byId.values()].find(
        (r) => r.peer.address === request.peer.address && r.peer.port === request.peer.port,
      );
      if (registration === undefined) return { code: '4.03' };
      const values = this.#codecs.decodeTimestampedNodes(
        request.payload,
        request.contentFormat ?? ContentFormat.SENML_CBOR,
      );
      this.#events.sent?.(registration, values);
      return { code: '2.04' };
    }
    return { code: '4.04' };
  }

  async close(): Promise<void> {
    this.#endpoint.close();
    await this.#transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
