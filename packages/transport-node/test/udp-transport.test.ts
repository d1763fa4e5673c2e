/** Two endpoints over real UDP sockets on 127.0.0.1 ephemeral ports (one plays the LwM2M server). */

import { CoapEndpoint, type CoapIncomingRequest, type PeerAddress } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UdpTransport } from '../src/udp-transport.js';

const utf8 = new TextEncoder();
const text = (s: string) => utf8.encode(s);
const asText = (b: Uint8Array) => new TextDecoder().decode(b);

async function openEndpoint(): Promise<{ transport: UdpTransport; endpoint: CoapEndpoint }> {
  const transport = await UdpTransport.open({ host: '127.0.0.1' });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  return { transport, endpoint };
}

describe('UDP round trip between two endpoints', () => {
  let server: Awaited<ReturnType<typeof openEndpoint>>;
  let client: Awaited<ReturnType<typeof openEndpoint>>;
  let serverAddress: PeerAddress;
  const seen: CoapIncomingRequest[] = [];
  const big = text('0123456789'.repeat(500)); // 5000 bytes: Block2

  beforeAll(async () => {
    server = await openEndpoint();
    client = await openEndpoint();
    serverAddress = await client.transport.resolvePeer('127.0.0.1', server.transport.localAddress.port);
    server.endpoint.onRequest(async (request) => {
      seen.push(request);
      const route = request.uriPath.join('/');
      if (route === 'rd' && request.method === 'POST') {
        return { code: '2.01', locationPath: ['rd', `r${seen.length}`] };
      }
      if (route === 'big') return { code: '2.05', contentFormat: 0, payload: big };
      if (route === 'slow') {
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        return { code: '2.05', payload: text('late') };
      }
      return { code: '4.04' };
    });
  });

  afterAll(async () => {
    server.endpoint.close();
    client.endpoint.close();
    await Promise.all([server.transport.close(), client.transport.close()]);
  });

  it('Register with a Block1 body, then a 4.04', async () => {
    const links = text(Array.from({ length: 300 }, (_, i) => `</${3300 + i}/0>`).join(',')); // > 1024 bytes
    const response = await client.endpoint.request(serverAddress, {
      method: 'POST',
      uriPath: ['rd'],
      uriQuery: ['ep=dev-1', 'lt=60', 'lwm2m=1.1', 'b=U'],
      contentFormat: 40,
      payload: links,
    });
    expect(response.code).toBe('2.01');
    expect(response.locationPath).toEqual(['rd', 'r1']);
    expect(asText(seen[0]!.payload)).toBe(asText(links));
    expect(seen[0]!.uriQuery).toEqual(['ep=dev-1', 'lt=60', 'lwm2m=1.1', 'b=U']);
    expect((await client.endpoint.request(serverAddress, { method: 'GET', uriPath: ['nothing'] })).code).toBe(
      '4.04',
    );
  });

  it('a 5000-byte response comes back whole through Block2', async () => {
    const response = await client.endpoint.request(serverAddress, { method: 'GET', uriPath: ['big'] });
    expect(response.payload.length).toBe(5000);
    expect(asText(response.payload)).toBe(asText(big));
    expect(server.endpoint.stats().incoming.block2CacheHits).toBe(4);
  });

  it('a slow handler: empty ACK, then a separate response', async () => {
    const response = await client.endpoint.request(serverAddress, { method: 'GET', uriPath: ['slow'] });
    expect(asText(response.payload)).toBe('late');
    expect(server.endpoint.stats().incoming.separateResponses).toBe(1);
  });

  it('the server side observes the client through notifications (CON acknowledged, NON sent)', async () => {
    // the "server" endpoint here plays the LwM2M client sending notifications to an observer
    const observer = client.transport.localAddress;
    const token = Uint8Array.of(0xab, 0xcd);
    const con = await server.endpoint.notify(
      { address: '127.0.0.1', port: observer.port },
      token,
      { code: '2.05', observe: 2, payload: text('21.5') },
      { confirmable: true },
    );
    // the client endpoint has no request with that token: it answers RST (observation unknown)
    expect(con).toBe('reset');
  });

  it('a closed endpoint fails at once; close() is idempotent', async () => {
    const extra = await openEndpoint();
    extra.endpoint.close();
    await expect(extra.endpoint.request(serverAddress, { method: 'GET', uriPath: ['x'] })).rejects.toSatisfy(
      (e) => isCodedError(e, 'TRANSPORT_CLOSED'),
    );
    await extra.transport.close();
    await extra.transport.close();
    extra.transport.send(text('late'), serverAddress); // counted, not thrown
    expect(extra.transport.stats().dropped).toBe(1);
  });
});

it('binding a port in use fails with TRANSPORT_CLOSED', async () => {
  const first = await UdpTransport.open({ host: '127.0.0.1' });
  await expect(UdpTransport.open({ host: '127.0.0.1', port: first.localAddress.port })).rejects.toSatisfy(
    (e) => isCodedError(e, 'TRANSPORT_CLOSED'),
  );
  await first.close();
});

it('resolves a host name once and reuses the answer', async () => {
  const transport = await UdpTransport.open({ host: '127.0.0.1' });
  const first = await transport.resolvePeer('localhost', 5683);
  expect(first).toEqual({ address: '127.0.0.1', port: 5683 });
  expect(transport.resolvePeer('localhost', 5683)).toBe(transport.resolvePeer('localhost', 5683));
  await expect(transport.resolvePeer('no-such-host.invalid', 5683)).rejects.toSatisfy((e) =>
    isCodedError(e, 'DEVICE_UNREACHABLE'),
  );
  await transport.close();
});
