/**
 * Interop: libcoap's coap-client-openssl (OpenSSL 3) and coap-client-gnutls (GnuTLS) against our
 * DtlsServerTransport + CoapEndpoint. coap-client exits 0 even when the handshake fails: results
 * are judged by its output. A missing libcoap fails loudly (never skipped).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, requireExecutable } from '../../../test/peers/peer-process.js';
import type { DtlsPskCipherSuite } from '../src/dtls-transport.js';
import { startUdpProxy } from './dtls-server-raw-peers.js';
import { IDENTITY, KEY, startTestServer, type TestServer } from './dtls-server-support.js';

const INSTALL = 'apt-get install -y libcoap3-bin';

async function coapGet(executable: string, port: number, identity: string, key: string) {
  return coapClient(executable, port, identity, key, []);
}

async function coapClient(executable: string, port: number, identity: string, key: string, extra: string[]) {
  const path = await requireExecutable(executable, INSTALL);
  const { stdout, stderr } = await execFileAsync(
    path,
    ['-B', '5', ...extra, '-k', key, '-u', identity, `coaps://127.0.0.1:${port}/test`],
    { timeout: 20_000 },
  );
  return { stdout: stdout.trim(), stderr };
}

describe.each(['coap-client-openssl', 'coap-client-gnutls'])('%s → DtlsServerTransport', (executable) => {
  describe.each([
    [['TLS_PSK_WITH_AES_128_CCM_8', 'TLS_PSK_WITH_AES_128_CBC_SHA256'], 'TLS_PSK_WITH_AES_128_CCM_8'],
    [['TLS_PSK_WITH_AES_128_CBC_SHA256'], 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  ] as const)('server suites %j', (suites, negotiated: DtlsPskCipherSuite) => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ cipherSuites: suites });
    });

    afterAll(async () => {
      await server.close();
    });

    it(`GET /test returns the payload over ${negotiated} with the extended master secret`, async () => {
      const { stdout, stderr } = await coapGet(executable, server.port, IDENTITY, KEY.toString());
      expect(stdout, stderr).toBe(`hello ${IDENTITY}`);
      const completed = await server.waitForEvent((e) => e.type === 'handshake-completed');
      expect(completed).toMatchObject({
        identity: IDENTITY,
        cipherSuite: negotiated,
        extendedMasterSecret: true,
      });
      // libcoap ends its session with close_notify when it exits
      await server.waitForEvent((e) => e.type === 'session-closed' && e.reason === 'close-notify');
      expect(server.transport.stats()).toMatchObject({ handshakes: 1, sessions: 0, badRecordsDropped: 0 });
    });
  });

  describe('refusals', () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer();
    });

    afterAll(async () => {
      await server.close();
    });

    it('a wrong key: decrypt_error alert to the client, handshake-failed bad-finished', async () => {
      const { stdout, stderr } = await coapGet(executable, server.port, IDENTITY, 'wrongPSK');
      // libcoap logs its warnings on stdout: the payload must be absent, the alert named
      expect(stdout).not.toContain('hello');
      expect(`${stdout}${stderr}`).toMatch(/decrypt error|Alert '51'/i);
      const failed = await server.waitForEvent((e) => e.type === 'handshake-failed');
      expect(failed).toMatchObject({ reason: 'bad-finished', identity: IDENTITY });
    });

    it('an unknown identity: unknown_psk_identity alert, handshake-failed unknown-psk-identity', async () => {
      const { stdout, stderr } = await coapGet(executable, server.port, 'nobody', KEY.toString());
      expect(stdout).not.toContain('hello');
      expect(`${stdout}${stderr}`).toMatch(/unknown psk identity|Alert '115'/i);
      const failed = await server.waitForEvent(
        (e) => e.type === 'handshake-failed' && e.reason === 'unknown-psk-identity',
      );
      expect(failed).toMatchObject({ identity: undefined });
      expect(server.transport.stats()).toMatchObject({ handshakes: 0, sessions: 0, handshakesInProgress: 0 });
    });
  });
});

describe.each(['coap-client-openssl', 'coap-client-gnutls'])('%s: lost server flights', (executable) => {
  let server: TestServer;

  beforeAll(async () => {
    // the server's own retransmission timer is kept out of the way: only the client's repeats count
    server = await startTestServer({ retransmitInitialMs: 60_000 });
  });

  afterAll(async () => {
    await server.close();
  });

  /** Drops the first server datagram that `matches`, then lets everything through. */
  const dropFirst = (matches: (datagram: Buffer) => boolean) => {
    let dropped = false;
    return (datagram: Buffer) => {
      if (dropped || !matches(datagram)) return false;
      dropped = true;
      return true;
    };
  };
  // a handshake record of epoch 0 carrying a ServerHello (2) / the datagram with an epoch-1 record
  const isHelloFlight = (d: Buffer) => d[0] === 22 && d.readUInt16BE(3) === 0 && d[13] === 2;
  const isFinalFlight = (d: Buffer) => d[0] === 20;

  it.each([
    ['the hello flight (the client repeats its ClientHello)', isHelloFlight],
    ['the ChangeCipherSpec + Finished flight (the client repeats its last flight)', isFinalFlight],
  ])('%s: the server sends it again and the GET succeeds', async (_, matches) => {
    const proxy = await startUdpProxy(server.port, dropFirst(matches));
    try {
      const before = server.transport.stats().handshakes;
      const { stdout, stderr } = await coapClient(executable, proxy.port, IDENTITY, KEY.toString(), []);
      expect(stdout, stderr).toContain(`hello ${IDENTITY}`);
      expect(proxy.fromServer.filter(matches)).toHaveLength(2);
      expect(server.transport.stats().handshakes).toBe(before + 1);
    } finally {
      await proxy.close();
    }
  });
});
