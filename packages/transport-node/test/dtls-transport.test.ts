/**
 * DTLS 1.2 PSK against libcoap's servers: coap-server-openssl (TLS_PSK_WITH_AES_128_CCM_8) and
 * coap-server-gnutls (TLS_PSK_WITH_AES_128_CBC_SHA256; libcoap's OpenSSL build refuses it).
 * libcoap serves plain CoAP on -p PORT and DTLS on PORT + 1.
 */

import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerProcess, requireExecutable, startPeer } from '../../../test/peers/peer-process.js';
import { type DtlsPskCipherSuite, DtlsTransport } from '../src/dtls-transport.js';
import { UdpTransport } from '../src/udp-transport.js';
import { freeUdpPort } from './free-udp-port.js';

const INSTALL = 'apt-get install -y libcoap3-bin';
const KEY = 'secretPSK';
const asText = (b: Uint8Array) => new TextDecoder().decode(b);

/** Starts a libcoap server with a PSK and waits until its plain CoAP port answers. */
async function startServer(
  executable: string,
  hint: string[] = ['-h', ''],
): Promise<{ server: PeerProcess; dtlsPort: number }> {
  const path = await requireExecutable(executable, INSTALL);
  const port = await freeUdpPort(2);
  const server = startPeer(path, ['-A', '127.0.0.1', '-p', `${port}`, '-k', KEY, ...hint]);
  const probe = await UdpTransport.open({ host: '127.0.0.1' });
  const endpoint = new CoapEndpoint({ sink: probe });
  probe.setReceiver(endpoint);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await endpoint.request(
          { address: '127.0.0.1', port },
          { method: 'GET', uriPath: ['time'] },
          { timeoutMs: 300 },
        );
        break;
      } catch (error) {
        if (attempt > 30)
          throw new Error(`${executable} did not start: ${server.output()}`, { cause: error });
      }
    }
  } finally {
    endpoint.close();
    await probe.close();
  }
  return { server, dtlsPort: port + 1 };
}

function dtlsEndpoint(
  port: number,
  suites: DtlsPskCipherSuite[],
  key: Uint8Array | string = Buffer.from(KEY),
) {
  const transport = new DtlsTransport({
    host: '127.0.0.1',
    port,
    pskIdentity: 'lwm2m-adapters-test',
    pskKey: key,
    cipherSuites: suites,
    handshakeTimeoutMs: 2_000,
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  return { transport, endpoint };
}

describe.each([
  ['coap-server-openssl', 'TLS_PSK_WITH_AES_128_CCM_8' as const],
  ['coap-server-gnutls', 'TLS_PSK_WITH_AES_128_CBC_SHA256' as const],
])('%s with %s only', (executable, suite) => {
  let server: PeerProcess;
  let dtlsPort: number;

  beforeAll(async () => {
    ({ server, dtlsPort } = await startServer(executable));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('handshakes and a GET /time succeeds; after close(), connect() handshakes again', async () => {
    const { transport, endpoint } = dtlsEndpoint(dtlsPort, [suite]);
    const peer = await transport.connect();
    expect(peer).toEqual({ address: '127.0.0.1', port: dtlsPort });
    const response = await endpoint.request(peer, { method: 'GET', uriPath: ['time'] });
    expect(response.code).toBe('2.05');
    expect(asText(response.payload)).toMatch(/\d\d:\d\d:\d\d/);
    await transport.close();
    await transport.close();
    expect(transport.connected).toBe(false);
    await transport.connect();
    const again = await endpoint.request(peer, { method: 'GET', uriPath: ['.well-known', 'core'] });
    expect(asText(again.payload)).toContain('</time>');
    expect(transport.stats()).toMatchObject({ handshakes: 2, handshakeFailures: 0 });
    endpoint.close();
    await transport.close();
  });

  it('a wrong key fails with DTLS_HANDSHAKE_FAILED within the timeout', async () => {
    const { transport, endpoint } = dtlsEndpoint(dtlsPort, [suite], '00112233445566778899');
    const started = Date.now();
    const error: unknown = await transport.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(isCodedError(error, 'DTLS_HANDSHAKE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `DTLS handshake with 127\\.0\\.0\\.1:${dtlsPort} (timed out: wrong PSK identity/key or server unreachable|failed)`,
      ),
    );
    expect(transport.connected).toBe(false);
    endpoint.close();
    await transport.close();
  });
});

it('a server sending its default PSK identity hint ("CoAP") is fine', async () => {
  const { server, dtlsPort } = await startServer('coap-server-openssl', []);
  try {
    const { transport, endpoint } = dtlsEndpoint(dtlsPort, ['TLS_PSK_WITH_AES_128_CCM_8']);
    const peer = await transport.connect();
    expect((await endpoint.request(peer, { method: 'GET', uriPath: ['time'] })).code).toBe('2.05');
    endpoint.close();
    await transport.close();
  } finally {
    await server.stop();
  }
});

it('nothing listening: DTLS_HANDSHAKE_FAILED with the timeout message', async () => {
  const port = await freeUdpPort();
  const { transport } = dtlsEndpoint(port, ['TLS_PSK_WITH_AES_128_CCM_8']);
  await expect(transport.connect()).rejects.toThrow(
    `DTLS handshake with 127.0.0.1:${port} timed out: wrong PSK identity/key or server unreachable`,
  );
  await transport.close();
});

it('rejects a PSK string that is not hex, and an empty identity', () => {
  expect(
    () => new DtlsTransport({ host: '127.0.0.1', port: 5684, pskIdentity: 'x', pskKey: 'not hex' }),
  ).toThrow(/hex digits/);
  expect(() => new DtlsTransport({ host: '127.0.0.1', port: 5684, pskIdentity: '', pskKey: '00' })).toThrow(
    /identity/,
  );
});
