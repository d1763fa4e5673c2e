/** A DtlsServerTransport with a CoapEndpoint answering GET /test, and its events, for the DTLS server tests. */

import { CoapEndpoint } from '@lwm2m-adapters/coap';
import type { DtlsServerEvent } from '../src/dtls-server/dtls-server-events.js';
import {
  DtlsServerTransport,
  type DtlsServerTransportOptions,
} from '../src/dtls-server/dtls-server-transport.js';
import { type DtlsPskCipherSuite, DtlsTransport, type DtlsTransportOptions } from '../src/dtls-transport.js';

export const IDENTITY = 'urn:imei:490154203237518';
export const KEY = Buffer.from('secretPSK');

export interface TestServer {
  readonly transport: DtlsServerTransport;
  readonly endpoint: CoapEndpoint;
  readonly port: number;
  readonly events: DtlsServerEvent[];
  /** The first event (already seen or to come) matching `predicate`; rejects after `timeoutMs`. */
  waitForEvent(predicate: (event: DtlsServerEvent) => boolean, timeoutMs?: number): Promise<DtlsServerEvent>;
  close(): Promise<void>;
}

/**
 * GET /test answers "hello <PSK identity of the session>"; the PSK store knows IDENTITY → KEY
 * (and `extraKeys`).
 */
export async function startTestServer(
  options: Partial<DtlsServerTransportOptions> = {},
  extraKeys: Record<string, Uint8Array> = {},
): Promise<TestServer> {
  const events: DtlsServerEvent[] = [];
  const waiters = new Set<() => void>();
  const keys = new Map<string, Uint8Array>([[IDENTITY, KEY], ...Object.entries(extraKeys)]);
  const transport = await DtlsServerTransport.open({
    host: '127.0.0.1',
    psk: { keyFor: (identity) => keys.get(identity) },
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters) wake();
    },
    ...options,
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  endpoint.onRequest((request) =>
    request.uriPath.join('/') === 'test'
      ? {
          code: '2.05',
          contentFormat: 0,
          payload: new TextEncoder().encode(`hello ${transport.identityOf(request.peer)}`),
        }
      : { code: '4.04' },
  );
  const waitForEvent = (predicate: (event: DtlsServerEvent) => boolean, timeoutMs = 10_000) =>
    new Promise<DtlsServerEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(predicate);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no matching DTLS server event within ${timeoutMs} ms; got ${JSON.stringify(events)}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    transport,
    endpoint,
    port: transport.localAddress.port,
    events,
    waitForEvent,
    close: async () => {
      endpoint.close();
      await transport.close();
    },
  };
}

export interface TestClient {
  readonly transport: DtlsTransport;
  readonly endpoint: CoapEndpoint;
  close(): Promise<void>;
}

/** A node-dtls-client session (our DtlsTransport) with a CoapEndpoint, towards 127.0.0.1:port. */
export function dtlsClient(
  port: number,
  options: {
    suite?: DtlsPskCipherSuite;
    identity?: string;
    key?: Uint8Array;
    onDisconnect?: DtlsTransportOptions['onDisconnect'];
  } = {},
): TestClient {
  const transport = new DtlsTransport({
    host: '127.0.0.1',
    port,
    pskIdentity: options.identity ?? IDENTITY,
    pskKey: options.key ?? KEY,
    cipherSuites: [options.suite ?? 'TLS_PSK_WITH_AES_128_CCM_8'],
    handshakeTimeoutMs: 3_000,
    ...(options.onDisconnect === undefined ? {} : { onDisconnect: options.onDisconnect }),
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  return {
    transport,
    endpoint,
    close: async () => {
      endpoint.close();
      await transport.close();
    },
  };
}
