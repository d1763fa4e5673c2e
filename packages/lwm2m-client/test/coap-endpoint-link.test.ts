import type {
  CoapIncomingRequest,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import { describe, expect, it } from 'vitest';
import { type CoapEndpointPort, endpointLink } from '../src/link/coap-endpoint-link.js';
import { LwM2mClient } from '../src/lwm2m-client.js';
import { omaRegistry } from './support/client-fixture.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { response, SERVER, serverRequest } from './support/fake-link.js';

class FakeEndpoint implements CoapEndpointPort {
  handler: ((request: CoapIncomingRequest) => Promise<CoapOutgoingResponse>) | undefined;
  resetListener: ((peer: PeerAddress, token: Uint8Array) => void) | undefined;
  readonly sent: CoapOutgoingRequest[] = [];
  registerAnswer: Promise<void> = Promise.resolve();

  async request(_peer: PeerAddress, request: CoapOutgoingRequest) {
    this.sent.push(request);
    if (request.uriPath.join('/') === 'rd') {
      await this.registerAnswer;
      return response('2.01', ['rd', 'x']);
    }
    return response(request.method === 'DELETE' ? '2.02' : '2.04');
  }

  async notify() {
    return 'sent' as const;
  }

  onRequest(handler: ((request: CoapIncomingRequest) => Promise<CoapOutgoingResponse>) | undefined) {
    this.handler = handler;
  }

  onObservationReset(listener: (peer: PeerAddress, token: Uint8Array) => void) {
    this.resetListener = listener;
    return () => {
      this.resetListener = undefined;
    };
  }
}

describe('endpointLink', () => {
  it('answers ignored requests with 5.03, serves after Register, ends observations on RST', async () => {
    const endpoint = new FakeEndpoint();
    let release: () => void = () => {};
    endpoint.registerAnswer = new Promise((resolve) => {
      release = resolve;
    });
    const client = new LwM2mClient({
      endpointName: 'ep',
      server: { peer: SERVER, shortServerId: 1 },
      registry: omaRegistry(),
      link: endpointLink(endpoint),
      clock: new FakeClock(),
    });
    client.start();
    await settle();
    expect(await endpoint.handler?.(serverRequest({ path: '/3/0/16' }))).toEqual({ code: '5.03' });
    release();
    await settle();
    expect((await endpoint.handler?.(serverRequest({ path: '/3/0/16' })))?.code).toBe('2.05');
    await endpoint.handler?.(serverRequest({ path: '/3/0/16', observe: 0, token: '0102' }));
    expect(client.observations()).toHaveLength(1);
    endpoint.resetListener?.(SERVER, Uint8Array.of(1, 2));
    expect(client.observations()).toHaveLength(0);
    await client.close();
    expect(endpoint.handler).toBeUndefined();
    expect(endpoint.resetListener).toBeUndefined();
  });
});
