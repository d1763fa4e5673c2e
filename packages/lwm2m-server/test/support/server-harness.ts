/**
 * An Lwm2mServer on a CoapEndpoint, wired in memory to a second CoapEndpoint that plays the client
 * (scripted with `client.request()`, `client.onRequest()` and `client.notify()`), on a fake clock.
 * Datagrams travel on the microtask queue, so `settle()` delivers everything in flight.
 */
import {
  CoapEndpoint,
  type CoapEndpointLimits,
  type DatagramSink,
  type PeerAddress,
} from '@lwm2m-adapters/coap';
import { ManualClock } from '@lwm2m-adapters/kit';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';

/** The engine's clock in these tests: starts at 1,000,000 ms and moves only when advanced. */
export class FakeClock extends ManualClock {
  constructor(start = 1_000_000) {
    super(start);
  }
}

/** Runs `rounds` turns of the microtask queue, where the in-memory datagrams travel. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

import { Lwm2mServer, type Lwm2mServerOptions } from '../../src/index.js';

export const SERVER_PEER: PeerAddress = { address: '192.0.2.10', port: 5683 };
export const CLIENT_PEER: PeerAddress = { address: '198.51.100.20', port: 40_001 };

/** Hands datagrams to `target` as if they came from `from`, a microtask later; counts them. */
class MemoryLink implements DatagramSink {
  target: CoapEndpoint | undefined;
  sent = 0;
  /** Return false to lose a datagram. */
  filter: (datagram: Uint8Array) => boolean = () => true;

  constructor(readonly from: () => PeerAddress) {}

  send(datagram: Uint8Array): void {
    this.sent++;
    if (!this.filter(datagram)) return;
    const copy = Uint8Array.from(datagram);
    const from = this.from();
    queueMicrotask(() => this.target?.receive(copy, from));
  }
}

export interface Harness {
  readonly clock: FakeClock;
  readonly server: Lwm2mServer;
  readonly serverEndpoint: CoapEndpoint;
  /** The scripted client's endpoint. */
  readonly client: CoapEndpoint;
  /** Where the client's datagrams appear to come from (change it to move the client). */
  clientPeer: PeerAddress;
  readonly toServer: MemoryLink;
  readonly toClient: MemoryLink;
}

export interface HarnessOptions extends Partial<Omit<Lwm2mServerOptions, 'endpoint' | 'clock'>> {
  /** Limits of both CoAP endpoints (e.g. a small `blockSize` for block-wise transfers). */
  readonly coapLimits?: Partial<CoapEndpointLimits>;
}

export function harness(harnessOptions: HarnessOptions = {}): Harness {
  const { coapLimits, ...options } = harnessOptions;
  const clock = new FakeClock();
  let ids = 0;
  const state: { clientPeer: PeerAddress } = { clientPeer: CLIENT_PEER };
  const toServer = new MemoryLink(() => state.clientPeer);
  const toClient = new MemoryLink(() => SERVER_PEER);
  let n = 0;
  const random = () => (n++ * 0.618_033_988_75) % 1;
  const limits = coapLimits === undefined ? {} : { limits: coapLimits };
  const serverEndpoint = new CoapEndpoint({ sink: toClient, clock, random, ...limits });
  const client = new CoapEndpoint({ sink: toServer, clock, random, ...limits });
  toServer.target = serverEndpoint;
  toClient.target = client;
  const server = new Lwm2mServer({
    endpoint: serverEndpoint,
    clock,
    model: ObjectRegistry.withOmaObjects(),
    ...options,
    registration: { newId: () => `r${++ids}`, ...options.registration },
  });
  return {
    clock,
    server,
    serverEndpoint,
    client,
    get clientPeer() {
      return state.clientPeer;
    },
    set clientPeer(peer: PeerAddress) {
      state.clientPeer = peer;
    },
    toServer,
    toClient,
  };
}

const utf8 = new TextEncoder();

export interface RegisterInput {
  readonly query?: readonly string[];
  readonly links?: string;
  readonly contentFormat?: number;
}

/** The scripted client sends Register (default ep=dev1, lt=60, lwm2m=1.1, links </3/0>,</3303/0>). */
export async function register(h: Harness, input: RegisterInput = {}) {
  const response = h.client.request(SERVER_PEER, {
    method: 'POST',
    uriPath: ['rd'],
    uriQuery: input.query ?? ['ep=dev1', 'lt=60', 'lwm2m=1.1', 'b=U'],
    contentFormat: input.contentFormat ?? 40,
    payload: utf8.encode(input.links ?? '</>;rt="oma.lwm2m";ct="110 112",</3/0>,</3303/0>'),
  });
  await settle(20);
  return response;
}

export function text(s: string): Uint8Array {
  return utf8.encode(s);
}

export function asText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
