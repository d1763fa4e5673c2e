/**
 * The LwM2M server side of the adapter-host benchmarks: the gateway server (GatewayServer, the
 * lwm2m-server engine on a CoapEndpoint + UdpTransport) on loopback. The engine answers Register (2.01), Update (2.04), De-register
 * (2.02) and Send (POST /dp, 2.04, SenML decoded with our codecs; counted here), sends
 * Write-Attributes and Observe requests, and hands over notifications decoded and acknowledged.
 * Messages from the clients are counted by CoAP message type (the endpoint's own counters; the
 * CoAP message-ID budget is per CON message, Block1 blocks included).
 */

import type { MessageTypeCounts, PeerAddress } from '@lwm2m-adapters/coap';
import { GatewayServer } from '@lwm2m-adapters/gateway-server';
import { ContentFormat, type LwM2mNode, type ObjectModel, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type {
  Lwm2mServer,
  NotificationAttributes,
  ObserveResponse,
  Registration,
  ServerObservation,
} from '@lwm2m-adapters/lwm2m-server';

const HOST = '127.0.0.1';
const TYPES = ['CON', 'NON', 'ACK', 'RST'] as const;
type MessageType = (typeof TYPES)[number];
const OBSERVE_TIMEOUT_MS = 5_000;

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
  /** The notification's payload as text (the observations ask for text/plain). */
  readonly payload: string;
  /** performance.now() when the server engine handed it over (matched to its observation; a CON one ACKed). */
  readonly at: number;
  readonly confirmable: boolean;
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

/** "pmin=0" → { pmin: 0 }; "pmax" → { pmax: null }. */
function attributesOf(query: readonly string[]): NotificationAttributes {
  const attributes: Record<string, number | null> = {};
  for (const item of query) {
    const [name, value] = item.split('=', 2) as [string, string | undefined];
    attributes[name] = value === undefined ? null : Number(value);
  }
  return attributes;
}

export class BenchLwm2mServer implements AsyncDisposable {
  readonly registrations: RegistrationEvent[] = [];
  readonly sends: SendEvent[] = [];
  sendDecodeErrors = 0;
  readonly #gateway: GatewayServer;
  readonly #server: Lwm2mServer;
  /** The endpoint's received counts at the last reset. */
  #receivedAtReset: MessageTypeCounts = { CON: 0, NON: 0, ACK: 0, RST: 0 };
  #registrationWaiters: ((event: RegistrationEvent) => void)[] = [];
  /** Observations by the caller's index: a new observation with an index replaces the old one. */
  readonly #observations = new Map<number, ServerObservation>();
  readonly #decoder = new TextDecoder();

  private constructor(gateway: GatewayServer) {
    this.#gateway = gateway;
    this.#server = gateway.server;
    this.#server.on('registered', ({ registration }) => {
      const event = { endpoint: registration.endpoint, peer: registration.peer, at: performance.now() };
      this.registrations.push(event);
      const waiters = this.#registrationWaiters;
      this.#registrationWaiters = [];
      for (const waiter of waiters) waiter(event);
    });
    this.#server.on('send', ({ values, payloadBytes }) => {
      this.sends.push({
        values: values.reduce((n, entry) => n + valueCount(entry.node), 0),
        bytes: payloadBytes,
        at: performance.now(),
      });
    });
    this.#server.on('sendRejected', ({ code }) => {
      if (code === '4.00' || code === '4.15') this.sendDecodeErrors++;
    });
  }

  static async start(registry: ObjectModel = ObjectRegistry.withOmaObjects()): Promise<BenchLwm2mServer> {
    const gateway = await GatewayServer.start({ coap: { host: HOST, port: 0 }, model: registry });
    return new BenchLwm2mServer(gateway);
  }

  get uri(): string {
    return `coap://${HOST}:${this.#gateway.address('coap')?.port}`;
  }

  /** Messages received from clients since the last reset, by CoAP message type. */
  get received(): Record<MessageType, number> {
    const now = this.#gateway.status().listeners[0]?.coap.received ?? this.#receivedAtReset;
    const out = { CON: 0, NON: 0, ACK: 0, RST: 0 };
    for (const type of TYPES) out[type] = now[type] - this.#receivedAtReset[type];
    return out;
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

  /** PUT ?pmin=…: Write-Attributes to the client registered from `peer`. Returns the response code. */
  async writeAttributes(peer: PeerAddress, path: string, query: readonly string[]): Promise<string> {
    const response = await this.#server.writeAttributes(
      this.#registrationAt(peer),
      path,
      attributesOf(query),
      {
        timeoutMs: 5_000,
      },
    );
    return response.code;
  }

  /**
   * GET Observe=0 (Accept text/plain) of the client registered from `peer`, under index `index`
   * (a new observation replaces the one with the same index, passively); resolves with the first
   * value as text. Notifications go to `listener`.
   */
  async observe(
    peer: PeerAddress,
    path: string,
    listener: (notification: Notification) => void,
    index = 0,
  ): Promise<string> {
    const decoder = this.#decoder;
    let result: ObserveResponse;
    try {
      result = await this.#server.observe(this.#registrationAt(peer), path, {
        format: ContentFormat.TEXT,
        timeoutMs: OBSERVE_TIMEOUT_MS,
        onNotification: (notification) =>
          listener({
            payload: decoder.decode(notification.payload),
            at: performance.now(),
            confirmable: notification.confirmable,
          }),
      });
    } catch (error) {
      throw new Error(`no answer to the Observe request of ${path}`, { cause: error });
    }
    if (result.code !== '2.05' || result.observation === undefined) {
      throw new Error(
        `Observe ${path} answered ${result.code}${result.observation === undefined ? ' without Observe' : ''}`,
      );
    }
    const previous = this.#observations.get(index);
    this.#observations.set(index, result.observation);
    if (previous !== undefined) void previous.cancel();
    const node = result.node;
    return node?.kind === 'resource' ? String(node.value.value) : '';
  }

  resetCounters(): void {
    this.sends.length = 0;
    this.#receivedAtReset = {
      ...(this.#gateway.status().listeners[0]?.coap.received ?? this.#receivedAtReset),
    };
    this.sendDecodeErrors = 0;
  }

  #registrationAt(peer: PeerAddress): Registration {
    const registration = this.#server.registrationFrom(peer);
    if (registration === undefined)
      throw new Error(`no client is registered from ${peer.address}:${peer.port}`);
    return registration;
  }

  close(): Promise<void> {
    return this.#gateway.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
