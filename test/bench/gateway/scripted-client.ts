/**
 * Load generators for the gateway-server benchmarks: raw LwM2M clients scripted on a CoapEndpoint
 * over their own UdpTransport (one socket each, so the server sees one peer per client). A client
 * registers with the links it is given, answers GET (and GET Observe) from a table of
 * pre-encoded representations, takes Write-Attributes (2.04), sends notifications of the
 * observations the server holds at it, and POSTs Sends. No LwM2M client engine runs here: the
 * parent's CPU goes to CoAP and the sockets only, and every payload is encoded once up front.
 */
import {
  CoapEndpoint,
  type CoapIncomingRequest,
  type CoapOutgoingResponse,
  type NotificationOutcome,
  type PeerAddress,
} from '@lwm2m-adapters/coap';
import {
  ContentFormat,
  type LwM2mCodecs,
  LwM2mPath,
  node,
  type ObjectInstanceNode,
  value,
} from '@lwm2m-adapters/lwm2m-core';
import { UdpTransport } from '@lwm2m-adapters/transport-node';

const HOST = '127.0.0.1';
const LINK_FORMAT = 40;
/** Observe numbers are 24-bit (RFC 7641 §4.4). */
const OBSERVE_MODULO = 2 ** 24;

/** A representation a client serves: one per Accept it answers. */
export interface Representation {
  readonly contentFormat: number;
  readonly payload: Uint8Array;
}

export interface ScriptedClientOptions {
  readonly endpoint: string;
  /** The Register payload (CoRE link format). */
  readonly links: string;
  readonly lifetime?: number;
  /** What GET of a path answers, by Accept (undefined Accept: the first one). */
  readonly resources?: ReadonlyMap<string, readonly Representation[]>;
  /** Bounds of the client's endpoint (e.g. a bigger block-wise cache for a large /25). */
  readonly blockwiseCacheBytes?: number;
}

interface HeldObservation {
  readonly peer: PeerAddress;
  readonly token: Uint8Array;
  readonly contentFormat: number;
  sequence: number;
}

export class ScriptedClient {
  readonly #transport: UdpTransport;
  readonly #endpoint: CoapEndpoint;
  readonly #server: PeerAddress;
  readonly #options: ScriptedClientOptions;
  /** Observations the server holds at this client, by path. */
  readonly observations = new Map<string, HeldObservation>();
  #location: readonly string[] | undefined;

  private constructor(transport: UdpTransport, server: PeerAddress, options: ScriptedClientOptions) {
    this.#transport = transport;
    this.#server = server;
    this.#options = options;
    this.#endpoint = new CoapEndpoint({
      sink: transport,
      limits: {
        maxOutstandingRequests: 16,
        ...(options.blockwiseCacheBytes === undefined
          ? {}
          : { blockwiseCacheBytes: options.blockwiseCacheBytes }),
      },
    });
    transport.setReceiver(this.#endpoint);
    this.#endpoint.onRequest((request) => this.#answer(request));
  }

  static async open(server: PeerAddress, options: ScriptedClientOptions): Promise<ScriptedClient> {
    const transport = await UdpTransport.open({ host: HOST });
    return new ScriptedClient(transport, server, options);
  }

  get endpointName(): string {
    return this.#options.endpoint;
  }

  get registered(): boolean {
    return this.#location !== undefined;
  }

  /** POST /rd; resolves with the response code (2.01 keeps the location for De-register). */
  async register(timeoutMs = 10_000): Promise<string> {
    const response = await this.#endpoint.request(
      this.#server,
      {
        method: 'POST',
        uriPath: ['rd'],
        uriQuery: [`ep=${this.#options.endpoint}`, `lt=${this.#options.lifetime ?? 300}`, 'lwm2m=1.1', 'b=U'],
        contentFormat: LINK_FORMAT,
        payload: new TextEncoder().encode(this.#options.links),
      },
      { timeoutMs },
    );
    if (response.code === '2.01') this.#location = response.locationPath;
    return response.code;
  }

  /** DELETE /rd/<id>; resolves with the response code. */
  async deregister(timeoutMs = 10_000): Promise<string> {
    const location = this.#location;
    if (location === undefined) return 'not registered';
    this.#location = undefined;
    this.observations.clear();
    const response = await this.#endpoint.request(
      this.#server,
      { method: 'DELETE', uriPath: [...location] },
      { timeoutMs },
    );
    return response.code;
  }

  /** A notification of the observation of `path` (if the server holds one), with the next Observe number. */
  notify(path: string, payload: Uint8Array, confirmable: boolean): Promise<NotificationOutcome> | undefined {
    const observation = this.observations.get(path);
    if (observation === undefined) return undefined;
    observation.sequence = (observation.sequence + 1) % OBSERVE_MODULO;
    return this.#endpoint.notify(
      observation.peer,
      observation.token,
      { code: '2.05', contentFormat: observation.contentFormat, payload, observe: observation.sequence },
      { confirmable },
    );
  }

  /** POST /dp (Send, CON); resolves with the response code. */
  async send(payload: Uint8Array, contentFormat: number, timeoutMs = 10_000): Promise<string> {
    const response = await this.#endpoint.request(
      this.#server,
      { method: 'POST', uriPath: ['dp'], contentFormat, payload },
      { timeoutMs },
    );
    return response.code;
  }

  /** CON messages this client's endpoint sent (Block1 blocks and retransmissions included). */
  stats() {
    const s = this.#endpoint.stats();
    return {
      sentCon: s.sent.CON,
      sentNon: s.sent.NON,
      retransmissions: s.retransmissions,
      notifications: s.notifications,
    };
  }

  async close(): Promise<void> {
    this.#endpoint.close();
    await this.#transport.close();
  }

  #answer(request: CoapIncomingRequest): CoapOutgoingResponse {
    const path = `/${request.uriPath.join('/')}`;
    if (request.method === 'PUT' && request.payload.length === 0) return { code: '2.04' }; // Write-Attributes
    if (request.method !== 'GET') return { code: '4.05' };
    const representations = this.#options.resources?.get(path);
    if (representations === undefined) return { code: '4.04' };
    const representation =
      request.accept === undefined
        ? representations[0]
        : representations.find((r) => r.contentFormat === request.accept);
    if (representation === undefined) return { code: '4.06' };
    if (request.observe === 1) this.observations.delete(path);
    if (request.observe !== 0) return { code: '2.05', ...representation };
    this.observations.set(path, {
      peer: request.peer,
      token: request.token,
      contentFormat: representation.contentFormat,
      sequence: 0,
    });
    return { code: '2.05', ...representation, observe: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Payloads

/** A device's Register links: root with the formats it takes, and 8 object instances. */
export const DEVICE_LINKS =
  '</>;rt="oma.lwm2m";ct="0 60 110 112 11542",</1/0>;ver=1.1,</3/0>,</4/0>,</3303/0>,</3303/1>,</3304/0>,</3308/0>,</3311/0>';

/** /25/x/3 of an end device behind a gateway (a Modbus device as adapter-host maps it). */
export const CHILD_OBJECT_LINKS = '</3/0>,</3303/0>,</3303/1>,</3304/0>,</3308/0>,</3311/0>';

/** A gateway's Register links, listing its /25 instances as our client does. */
export function gatewayLinks(children: number): string {
  const instances = Array.from({ length: children }, (_, i) => `</25/${i}>`).join(',');
  return `</>;rt="oma.lwm2m";ct="0 60 110 112 11542",</1/0>;ver=1.1,</3/0>,</25>;ver=2.0${children > 0 ? `,${instances}` : ''}`;
}

/** The whole /25 of a gateway with `children` end devices (Device ID, prefix, objects), encoded. */
export function gatewayObject(
  codecs: LwM2mCodecs,
  gatewayIndex: number,
  children: number,
  format: number,
): Representation {
  const instances: ObjectInstanceNode[] = Array.from({ length: children }, (_, i) =>
    node.instance(i, [
      node.resource(0, value.string(`urn:dev:bench:g${gatewayIndex}-d${i}`)),
      node.resource(1, value.string(`d${i}`)),
      node.resource(3, value.corelnk(CHILD_OBJECT_LINKS)),
    ]),
  );
  return {
    contentFormat: format,
    payload: codecs.encode(node.object(25, instances), new LwM2mPath({ objectId: 25 }), format),
  };
}

/** Text representations of a temperature: `count` different values, cycled by the caller. */
export function temperatureTexts(count: number): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, i) => encoder.encode((20 + (i % 100) / 10).toFixed(1)));
}

/** SenML CBOR of /3303/0 (sensor value, units, min and max measured): 4 values. */
export function temperatureInstances(codecs: LwM2mCodecs, count: number): Uint8Array[] {
  const path = LwM2mPath.parse('/3303/0');
  return Array.from({ length: count }, (_, i) =>
    codecs.encode(
      node.instance(0, [
        node.resource(5700, value.float(20 + (i % 100) / 10)),
        node.resource(5701, value.string('Cel')),
        node.resource(5601, value.float(-5.5)),
        node.resource(5602, value.float(41.25)),
      ]),
      path,
      ContentFormat.SENML_CBOR,
    ),
  );
}

/**
 * A Send (SenML CBOR) of `values` resource values over /3303/x/5700 and /3304/x/5700 instances,
 * all with one timestamp, as a gateway would batch changes of its devices.
 */
export function sendPayload(codecs: LwM2mCodecs, values: number, prefix: string | undefined): Uint8Array {
  const timestamp = new Date(Date.UTC(2026, 0, 1));
  return codecs.encodeTimestampedNodes(
    Array.from({ length: values }, (_, i) => ({
      path: LwM2mPath.parse(
        `${prefix === undefined ? '' : `/${prefix}${i % 10}`}/${i % 2 === 0 ? 3303 : 3304}/${i >> 1}/5700`,
      ),
      node: node.resource(5700, value.float(20 + i / 10)),
      timestamp,
    })),
    ContentFormat.SENML_CBOR,
  );
}
