/**
 * The HTTP API over real sockets: an Lwm2mServer + GatewayChildren on a UdpTransport
 * (127.0.0.1, ephemeral port), the GatewayEventSource and GatewayHttpApi on node:http
 * (127.0.0.1, ephemeral port), and our LwM2mClient on its own UdpTransport, as a plain client or a
 * gateway with end devices. Every API answer the tests get is checked against openapi.json.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { GatewayChildren, Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { GatewayEventSource } from '../../src/events/gateway-event-source.js';
import type { GatewayServerEvent } from '../../src/events/gateway-server-event.js';
import {
  type ApiResponseInfo,
  GatewayHttpApi,
  type GatewayHttpApiOptions,
} from '../../src/http/gateway-http-api.js';
import { checkResponse } from './openapi-check.js';
import { testRegistry } from './types-object.js';

export interface ApiAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test code reads JSON answers freely
  readonly body: any;
  readonly route: string | undefined;
}

export interface ApiFixture {
  readonly url: string;
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  readonly events: GatewayEventSource;
  readonly api: GatewayHttpApi;
  readonly coapPort: number;
  readonly recorded: GatewayServerEvent[];
  /** Sends a request to the API; the answer is checked against openapi.json. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function startApiFixture(
  options: Partial<Pick<GatewayHttpApiOptions, 'token' | 'sse' | 'requestTimeoutMs' | 'maxBodyBytes'>> = {},
): Promise<ApiFixture> {
  const model = testRegistry();
  const transport = await UdpTransport.open({ host: '127.0.0.1', port: 0 });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const server = new Lwm2mServer({ endpoint, model, requestTimeoutMs: 5_000 });
  const children = new GatewayChildren({ server, firstLookDelayMs: 20 });
  const events = new GatewayEventSource({ server, children });
  const recorded: GatewayServerEvent[] = [];
  events.on((event) => recorded.push(event));
  const responses: ApiResponseInfo[] = [];
  const api = new GatewayHttpApi({
    server,
    children,
    events,
    model,
    ...options,
    onResponse: (info) => responses.push(info),
  });
  const http: Server = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    server,
    children,
    events,
    api,
    coapPort: transport.localAddress.port,
    recorded,
    async call(method, path, body, headers = {}) {
      const before = responses.length;
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = text === '' ? undefined : JSON.parse(text);
      const info = responses.slice(before).find((r) => r.method === method);
      checkResponse(info?.route, method, response.status, parsed);
      return { status: response.status, body: parsed, route: info?.route };
    },
    async close() {
      api.close();
      events.close();
      children.close();
      server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      endpoint.close();
      await transport.close();
    },
  };
}

export interface TestClient {
  readonly client: LwM2mClient;
  close(): Promise<void>;
  /** Drops the socket without De-register: the server's requests go unanswered. */
  vanish(): Promise<void>;
}

/** Our LwM2M client on its own UDP socket, registered (or registering) with the fixture's server. */
export async function startClient(
  fixture: ApiFixture,
  endpointName: string,
  options: { gateway?: boolean } = {},
): Promise<TestClient> {
  const transport = await UdpTransport.open({ host: '127.0.0.1', port: 0 });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const client = new LwM2mClient({
    endpointName,
    server: { peer: { address: '127.0.0.1', port: fixture.coapPort }, shortServerId: 1, lifetime: 300 },
    registry: testRegistry(),
    link: endpointLink(endpoint),
    ...(options.gateway ? { gateway: true } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    client,
    close() {
      closed ??= (async () => {
        await client.close();
        endpoint.close();
        await transport.close();
      })();
      return closed;
    },
    async vanish() {
      endpoint.close();
      await transport.close();
    },
  };
}

/** Polls `check` every 20 ms until it returns a value other than undefined (or fails after `ms`). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
