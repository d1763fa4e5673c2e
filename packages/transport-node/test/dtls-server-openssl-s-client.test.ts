/**
 * Interop: `openssl s_client -dtls1_2` (OpenSSL 3) against our DtlsServerTransport: each suite as
 * OpenSSL names it, application data both ways, and a renegotiation attempt ("R" on stdin)
 * refused. A missing openssl fails loudly (never skipped).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireExecutable, startPeer } from '../../../test/peers/peer-process.js';
import { IDENTITY, KEY, startTestServer, type TestServer } from './dtls-server-support.js';

const INSTALL = 'apt-get install -y openssl';

describe('openssl s_client -dtls1_2 → DtlsServerTransport', () => {
  let server: TestServer;
  let openssl: string;
  const received: string[] = [];

  beforeAll(async () => {
    openssl = await requireExecutable('openssl', INSTALL);
    server = await startTestServer();
    // s_client speaks lines, not CoAP: the application data goes to a collector instead
    server.endpoint.close();
    server.transport.setReceiver({ receive: (datagram) => received.push(Buffer.from(datagram).toString()) });
  });

  afterAll(async () => {
    await server.close();
  });

  const sClient = (cipher: string) =>
    startPeer(
      openssl,
      [
        's_client',
        '-dtls1_2',
        '-connect',
        `127.0.0.1:${server.port}`,
        '-psk',
        KEY.toString('hex'),
        '-psk_identity',
        IDENTITY,
        '-cipher',
        cipher,
      ],
      { stdin: 'pipe' },
    );

  it.each([
    ['PSK-AES128-CCM8', 'TLS_PSK_WITH_AES_128_CCM_8'],
    ['PSK-AES128-CBC-SHA256', 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  ])(
    '%s: handshake with the extended master secret; a line typed reaches the server',
    async (cipher, suite) => {
      const received: string[] = [];
      server.endpoint.close(); // this test reads raw application data, not CoAP
      server.transport.setReceiver({
        receive: (datagram) => received.push(Buffer.from(datagram).toString()),
      });
      const peer = sClient(cipher);
      try {
        await peer.waitFor(/Extended master secret: yes/, 10_000);
        expect(peer.output()).toContain(`Cipher    : ${cipher}`);
        const completed = await server.waitForEvent(
          (e) => e.type === 'handshake-completed' && e.cipherSuite === suite,
        );
        peer.child.stdin?.write('ping\n');
        await expect.poll(() => received).toContain('ping\n');
        if (completed.type === 'handshake-completed')
          server.transport.send(Buffer.from('pong\n'), completed.peer);
        await peer.waitFor(/pong/, 5_000);
      } finally {
        await peer.stop();
      }
    },
  );

  it('a renegotiation is refused (no_renegotiation); OpenSSL then ends the session with a fatal alert', async () => {
    const peer = sClient('PSK-AES128-CCM8');
    try {
      await peer.waitFor(/Extended master secret: yes/, 10_000);
      const handshakes = server.transport.stats().handshakes;
      peer.child.stdin?.write('R\n');
      await peer.waitFor(/no renegotiation/, 5_000);
      await server.waitForEvent((e) => e.type === 'session-closed' && e.reason === 'fatal-alert');
      expect(server.transport.stats()).toMatchObject({ handshakes, handshakesInProgress: 0 });
    } finally {
      await peer.stop();
    }
  });
});
