/**
 * Interop: our DtlsServerTransport against node-dtls-client 2.x (through our DtlsTransport, a
 * client library we did not write), each cipher suite, a CoAP GET round trip, then a wrong key
 * and an unknown identity refused with the right events.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtlsClient, IDENTITY, KEY, startTestServer, type TestServer } from './dtls-server-support.js';

describe.each(['TLS_PSK_WITH_AES_128_CCM_8', 'TLS_PSK_WITH_AES_128_CBC_SHA256'] as const)(
  'node-dtls-client → DtlsServerTransport with %s',
  (suite) => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ identityHint: 'lwm2m-adapters' });
    });

    afterAll(async () => {
      await server.close();
    });

    it('handshakes, a CoAP GET comes back, identityOf names the PSK identity; close_notify ends the session', async () => {
      const c = dtlsClient(server.port, { suite });
      const peer = await c.transport.connect();
      const response = await c.endpoint.request(peer, { method: 'GET', uriPath: ['test'] });
      expect(response.code).toBe('2.05');
      expect(new TextDecoder().decode(response.payload)).toBe(`hello ${IDENTITY}`);
      const completed = await server.waitForEvent((e) => e.type === 'handshake-completed');
      expect(completed).toMatchObject({
        identity: IDENTITY,
        cipherSuite: suite,
        extendedMasterSecret: false,
      });
      expect(server.transport.identityOf(completed.peer)).toBe(IDENTITY);
      expect(server.transport.stats()).toMatchObject({
        handshakes: 1,
        sessions: 1,
        helloVerifyRequestsSent: 1,
      });
      await c.close();
      await server.waitForEvent((e) => e.type === 'session-closed' && e.reason === 'close-notify');
      expect(server.transport.identityOf(completed.peer)).toBeUndefined();
      expect(server.transport.stats().sessions).toBe(0);
    });

    it('a wrong key is refused: handshake-failed bad-finished, no session', async () => {
      const c = dtlsClient(server.port, { suite, key: Buffer.from('not the key') });
      await expect(c.transport.connect()).rejects.toThrow(/DTLS handshake/);
      const failed = await server.waitForEvent(
        (e) => e.type === 'handshake-failed' && e.reason === 'bad-finished',
      );
      expect(failed).toMatchObject({ identity: IDENTITY });
      expect(server.transport.stats()).toMatchObject({ sessions: 0, handshakesInProgress: 0 });
      await c.close();
    });

    it('an unknown identity is refused: handshake-failed unknown-psk-identity', async () => {
      const c = dtlsClient(server.port, { suite, identity: 'stranger', key: KEY });
      await expect(c.transport.connect()).rejects.toThrow(/DTLS handshake/);
      const failed = await server.waitForEvent(
        (e) => e.type === 'handshake-failed' && e.reason === 'unknown-psk-identity',
      );
      expect(failed).toMatchObject({ identity: undefined, detail: 'no PSK for identity "stranger"' });
      expect(server.transport.stats().handshakeFailures).toMatchObject({
        'bad-finished': 1,
        'unknown-psk-identity': 1,
      });
      await c.close();
    });
  },
);
