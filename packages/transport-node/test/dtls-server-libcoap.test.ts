/**
 * Interop: libcoap's coap-client-openssl (OpenSSL 3) and coap-client-gnutls (GnuTLS) against our
 * DtlsServerTransport + CoapEndpoint. coap-client exits 0 even when the handshake fails: results
 * are judged by its output. A missing libcoap fails loudly (never skipped).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, requireExecutable } from '../../../test/peers/peer-process.js';
import type { DtlsPskCipherSuite } from '../src/dtls-transport.js';
import { IDENTITY, KEY, startTestServer, type TestServer } from './dtls-server-support.js';

const INSTALL = 'apt-get install -y libcoap3-bin';

async function coapGet(executable: string, port: number, identity: string, key: string) {
  const path = await requireExecutable(executable, INSTALL);
  const { stdout, stderr } = await execFileAsync(
    path,
    ['-B', '5', '-k', key, '-u', identity, `coaps://127.0.0.1:${port}/test`],
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
