/**
 * The client engine admits only its server at the CoAP endpoint: a foreign peer's request is
 * answered 4.01 before the endpoint reassembles Block1 bodies, registers observations or
 * remembers exchanges; the server's own block-wise Write goes through untouched.
 */
import { CoapEndpoint, type DatagramSink, type PeerAddress } from '@lwm2m-adapters/coap';
import { ManualClock } from '@lwm2m-adapters/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointLink } from '../src/link/coap-endpoint-link.js';
import { LwM2mClient } from '../src/lwm2m-client.js';
import { omaRegistry } from './support/client-fixture.js';

const SERVER: PeerAddress = { address: '192.0.2.10', port: 5683 };
const CLIENT: PeerAddress = { address: '192.0.2.20', port: 56830 };
const FOREIGN: PeerAddress = { address: '203.0.113.9', port: 41000 };

/** Delivers datagrams between in-process endpoints by address (on the next microtask). */
class Wire {
  readonly #endpoints = new Map<string, CoapEndpoint>();
  attach(address: PeerAddress, endpoint: CoapEndpoint): void {
    this.#endpoints.set(`${address.address}:${address.port}`, endpoint);
  }
  sinkFor(from: PeerAddress): DatagramSink {
    return {
      send: (datagram, to) => {
        const copy = Uint8Array.from(datagram);
        queueMicrotask(() => this.#endpoints.get(`${to.address}:${to.port}`)?.receive(copy, from));
      },
    };
  }
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(acceptRequestsFromAnyPeer = false) {
  const clock = new ManualClock(1_000_000);
  const wire = new Wire();
  const endpoint = (address: PeerAddress) => {
    const ep = new CoapEndpoint({ sink: wire.sinkFor(address), clock, random: () => 0.5 });
    wire.attach(address, ep);
    closers.push(() => ep.close());
    return ep;
  };
  const server = endpoint(SERVER);
  server.onRequest(() => ({ code: '2.01', locationPath: ['rd', 'a1'] }));
  const clientEndpoint = endpoint(CLIENT);
  const foreign = endpoint(FOREIGN);
  const client = new LwM2mClient({
    endpointName: 'ep-admission',
    server: { peer: SERVER, shortServerId: 1, lifetime: 300 },
    registry: omaRegistry(),
    link: endpointLink(clientEndpoint),
    clock,
    acceptRequestsFromAnyPeer,
  });
  client.objects.defineObject(3303, { instances: { 0: { 5700: 21.5, 5750: 'boiler' } } });
  closers.unshift(() => client.close());
  client.start();
  for (let i = 0; i < 20 && client.state !== 'registered'; i++) await new Promise((r) => setImmediate(r));
  expect(client.state).toBe('registered');
  return { server, clientEndpoint, foreign, client };
}

const bigText = (n: number) => new TextEncoder().encode('x'.repeat(n));

describe('the client admits only its server at the endpoint', () => {
  it('a foreign block-wise Write is refused 4.01 at its first block and leaves no transfer behind', async () => {
    const { clientEndpoint, foreign } = await setup();
    const response = await foreign.request(CLIENT, {
      method: 'PUT',
      uriPath: ['3303', '0', '5750'],
      contentFormat: 0,
      payload: bigText(5000),
    });
    expect(response.code).toBe('4.01');
    const stats = clientEndpoint.stats();
    expect(stats.caches.block1.transfers).toBe(0);
    expect(stats.incoming.requests).toBe(0);
    expect(stats.dropped.peerRefused).toBe(1);
  });

  it('a foreign Observe registers nothing; the server’s own block-wise Write still works', async () => {
    const { server, clientEndpoint, foreign, client } = await setup();
    const observed = await foreign.request(CLIENT, { method: 'GET', uriPath: ['3303', '0', '5700'] });
    expect(observed.code).toBe('4.01');
    expect(client.observations()).toHaveLength(0);
    const write = await server.request(CLIENT, {
      method: 'PUT',
      uriPath: ['3303', '0', '5750'],
      contentFormat: 0,
      payload: bigText(3000),
    });
    expect(write.code).toBe('2.04');
    const read = await server.request(CLIENT, { method: 'GET', uriPath: ['3303', '0', '5750'], accept: 0 });
    expect(read.payload.length).toBe(3000);
    expect(clientEndpoint.stats().caches.deduplication.entries).toBeGreaterThan(0);
  });

  it('acceptRequestsFromAnyPeer leaves the endpoint open (debugging only)', async () => {
    const { foreign } = await setup(true);
    const response = await foreign.request(CLIENT, { method: 'GET', uriPath: ['3303', '0', '5700'] });
    expect(response.code).toBe('2.05');
  });
});
