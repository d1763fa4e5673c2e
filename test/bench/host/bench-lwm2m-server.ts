/**
 * The LwM2M server side of the adapter-host benchmarks: a CoapEndpoint + UdpTransport on loopback
 * that answers Register (2.01), Update (2.04), De-register (2.02) and Send (POST /dp, 2.04, SenML
 * decoded with our codecs and counted), sends Write-Attributes through its endpoint, and observes
 * one path with hand-made bytes (the endpoint's `request()` cannot carry Observe). Every datagram
 * from the clients is counted by message type (the CoAP message-ID budget is per CON message,
 * Block1 blocks included).
 */

import {
  CoapEndpoint,
  type CoapIncomingRequest,
  type CoapOutgoingResponse,
  type PeerAddress,
} from '@lwm2m-adapters/coap';
import {
  ContentFormat,
  LwM2mCodecs,
  type LwM2mNode,
  LwM2mPath,
  type ObjectModel,
  ObjectRegistry,
} from '@lwm2m-adapters/lwm2m-core';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { coapPayloadOffset } from '../coap-payload-offset.js';

const HOST = '127.0.0.1';
const TYPES = ['CON', 'NON', 'ACK', 'RST'] as const;
type MessageType = (typeof TYPES)[number];

/** Tokens of the server's hand-made Observe requests: these two bytes, then a 16-bit index. */
const OBSERVE_TOKEN_PREFIX = [0x0b, 0x5e] as const;
const OBSERVE_TOKEN_LENGTH = 4;

export interface RegistrationEvent {
  readonly endpoint: string;
  readonly peer: PeerAddress;
  /** performance.now() when the Register reached the handler (the 2.01 leaves right after). */
  readonly at: number;
}

export interface SendEvent {
  readonly values: number;
  readonly bytes: number;
  readonly at: number;
}

export interface Notification {
  readonly payload: string;
  readonly at: number;
  readonly confirmable: boolean;
}

interface RawResponse {
  readonly index: number;
  readonly type: MessageType;
  readonly code: number;
  readonly messageId: number;
  readonly payload: Uint8Array;
}

/** CoAP option bytes (RFC 7252 §3.1), extended delta/length forms included. */
function optionBytes(delta: number, value: Uint8Array): number[] {
  const nibble = (n: number): [number, number[]] =>
    n < 13 ? [n, []] : n < 269 ? [13, [n - 13]] : [14, [(n - 269) >> 8, (n - 269) & 0xff]];
  const [d, dExt] = nibble(delta);
  const [l, lExt] = nibble(value.length);
  return [(d << 4) | l, ...dExt, ...lExt, ...value];
}

/** CON GET Observe=0 with the given Uri-Path and Accept, as raw bytes. */
function observeRequest(
  messageId: number,
  index: number,
  segments: readonly string[],
  accept: number,
): Uint8Array {
  const token = [...OBSERVE_TOKEN_PREFIX, index >> 8, index & 0xff];
  const bytes = [0x40 | token.length, 0x01, messageId >> 8, messageId & 0xff, ...token];
  bytes.push(...optionBytes(6, new Uint8Array(0))); // Observe (6) = 0
  let last = 6;
  for (const segment of segments) {
    bytes.push(...optionBytes(11 - last, new TextEncoder().encode(segment))); // Uri-Path (11)
    last = 11;
  }
  const acceptValue = accept === 0 ? new Uint8Array(0) : Uint8Array.of(accept);
  bytes.push(...optionBytes(17 - last, acceptValue)); // Accept (17)
  return Uint8Array.from(bytes);
}

/** Token index, header and payload of a datagram carrying an Observe token; undefined otherwise. */
function parseObserveResponse(d: Uint8Array): RawResponse | undefined {
  const tkl = d[0]! & 0x0f;
  if (tkl !== OBSERVE_TOKEN_LENGTH || d.length < 4 + tkl) return undefined;
  if (d[4] !== OBSERVE_TOKEN_PREFIX[0] || d[5] !== OBSERVE_TOKEN_PREFIX[1]) return undefined;
  // only responses: a client request whose random token starts with the prefix (1 in 65,536) is not ours
  if (d[1]! >> 5 < 2) return undefined;
  const start = coapPayloadOffset(d);
  return {
    index: (d[6]! << 8) | d[7]!,
    type: TYPES[(d[0]! >> 4) & 3]!,
    code: d[1]!,
    messageId: (d[2]! << 8) | d[3]!,
    payload: d.subarray(start),
  };
}

/** Resource values in a node (a resource instance or single resource counts one). */
export function valueCount(node: LwM2mNode): number {
  switch (node.kind) {
    case 'resource':
    case 'resource-instance':
      return 1;
    case 'multiple-resource':
      return node.instances.length;
    case 'instance':
      return node.resources.reduce((n, r) => n + valueCount(r), 0);
    case 'object':
      return node.instances.reduce((n, i) => n + valueCount(i), 0);
  }
}

export class BenchLwm2mServer implements AsyncDisposable {
  readonly registrations: RegistrationEvent[] = [];
  readonly sends: SendEvent[] = [];
  /** Datagrams received from clients, by CoAP message type. */
  readonly received: Record<MessageType, number> = { CON: 0, NON: 0, ACK: 0, RST: 0 };
  sendDecodeErrors = 0;
  readonly #transport: UdpTransport;
  readonly #endpoint: CoapEndpoint;
  readonly #codecs: LwM2mCodecs;
  #registrationWaiters: ((event: RegistrationEvent) => void)[] = [];
  readonly #observeAcks = new Map<number, (response: RawResponse) => void>();
  readonly #onNotification = new Map<number, (notification: Notification) => void>();
  #observeMessageId = 0x4000;

  private constructor(transport: UdpTransport, registry: ObjectModel) {
    this.#transport = transport;
    this.#endpoint = new CoapEndpoint({ sink: transport, limits: { maxOutstandingRequests: 64 } });
    this.#codecs = new LwM2mCodecs(registry);
    this.#endpoint.onRequest((request) => this.#handle(request));
    transport.setReceiver({
      receive: (datagram, peer) => {
        if (datagram.length >= 4) this.received[TYPES[(datagram[0]! >> 4) & 3]!]++;
        const observed = parseObserveResponse(datagram);
        if (observed === undefined) {
          this.#endpoint.receive(datagram, peer);
          return;
        }
        if (observed.type === 'ACK') {
          this.#observeAcks.get(observed.index)?.(observed);
          return;
        }
        if (observed.type === 'RST') return;
        const at = performance.now();
        if (observed.type === 'CON') {
          transport.send(Uint8Array.of(0x60, 0x00, observed.messageId >> 8, observed.messageId & 0xff), peer);
        }
        this.#onNotification.get(observed.index)?.({
          payload: Buffer.from(observed.payload).toString('utf8'),
          at,
          confirmable: observed.type === 'CON',
        });
      },
    });
  }

  static async start(registry: ObjectModel = ObjectRegistry.withOmaObjects()): Promise<BenchLwm2mServer> {
    const transport = await UdpTransport.open({ host: HOST });
    return new BenchLwm2mServer(transport, registry);
  }

  get uri(): string {
    return `coap://${HOST}:${this.#transport.localAddress.port}`;
  }

  /** The next Register to arrive (or one already received after `since`). */
  nextRegistration(timeoutMs: number, since = 0): Promise<RegistrationEvent> {
    const done = this.registrations.find((r) => r.at >= since);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no Register within the time limit')), timeoutMs);
      this.#registrationWaiters.push((event) => {
        clearTimeout(timer);
        resolve(event);
      });
    });
  }

  /** PUT ?pmin=…: Write-Attributes through the endpoint. Returns the response code. */
  async writeAttributes(peer: PeerAddress, path: string, query: readonly string[]): Promise<string> {
    const response = await this.#endpoint.request(
      peer,
      { method: 'PUT', uriPath: LwM2mPath.parse(path).segments(), uriQuery: query },
      { timeoutMs: 5_000 },
    );
    return response.code;
  }

  /**
   * GET Observe=0 (Accept text/plain) with token number `index` (0..65535; a new observation
   * replaces the one with the same token); resolves with the first value. Notifications go to `listener`.
   */
  async observe(
    peer: PeerAddress,
    path: string,
    listener: (notification: Notification) => void,
    index = 0,
  ): Promise<string> {
    const acked = new Promise<RawResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#observeAcks.delete(index);
        reject(new Error(`no answer to the Observe request of ${path}`));
      }, 5_000);
      this.#observeAcks.set(index, (response) => {
        clearTimeout(timer);
        this.#observeAcks.delete(index);
        resolve(response);
      });
    });
    this.#onNotification.set(index, listener);
    const segments = LwM2mPath.parse(path).segments();
    this.#observeMessageId = (this.#observeMessageId + 1) & 0xffff;
    this.#transport.send(observeRequest(this.#observeMessageId, index, segments, ContentFormat.TEXT), peer);
    const response = await acked;
    if (response.code !== 0x45) {
      throw new Error(`Observe ${path} answered 0x${response.code.toString(16)}`);
    }
    return Buffer.from(response.payload).toString('utf8');
  }

  resetCounters(): void {
    this.sends.length = 0;
    for (const type of TYPES) this.received[type] = 0;
    this.sendDecodeErrors = 0;
  }

  #handle(request: CoapIncomingRequest): CoapOutgoingResponse {
    const [first, id] = request.uriPath;
    if (first === 'rd' && request.method === 'POST' && id === undefined) {
      const endpoint = request.uriQuery.find((q) => q.startsWith('ep='))?.slice(3) ?? '';
      const event = { endpoint, peer: request.peer, at: performance.now() };
      this.registrations.push(event);
      const waiters = this.#registrationWaiters;
      this.#registrationWaiters = [];
      for (const waiter of waiters) waiter(event);
      return { code: '2.01', locationPath: ['rd', String(this.registrations.length)] };
    }
    if (first === 'rd' && request.method === 'POST') return { code: '2.04' };
    if (first === 'rd' && request.method === 'DELETE') return { code: '2.02' };
    if (first === 'dp' && request.method === 'POST') {
      try {
        const nodes = this.#codecs.decodeTimestampedNodes(
          request.payload,
          request.contentFormat ?? ContentFormat.SENML_CBOR,
        );
        this.sends.push({
          values: nodes.reduce((n, entry) => n + valueCount(entry.node), 0),
          bytes: request.payload.length,
          at: performance.now(),
        });
      } catch {
        this.sendDecodeErrors++;
        return { code: '4.00' };
      }
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
