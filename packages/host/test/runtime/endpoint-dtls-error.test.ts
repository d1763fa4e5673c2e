/**
 * A DTLS handshake that fails (a wrong PSK: node-dtls-client reports it as a handshake timeout,
 * the server's alert is not surfaced) leaves the endpoint "registering": its status must say why.
 * The server here is a UDP socket that never answers, which fails the handshake the same way.
 */
import { createSocket, type Socket } from 'node:dgram';
import { systemClock } from '@lwm2m-adapters/kit';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HostEndpoint } from '../../src/runtime/topology/host-endpoint.js';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe('HostEndpoint status over DTLS', () => {
  it('shows the failed handshake as lastError while registering', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    closing.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const { port } = silent.address();
    const endpoint = await HostEndpoint.open(
      {
        server: {
          uri: `coaps://127.0.0.1:${port}`,
          psk: { identity: 'gw', key: Buffer.from('wrong key') },
          bindAddress: '127.0.0.1',
        },
        logger: pino({ level: 'silent' }),
        clock: systemClock,
        send: undefined,
        model: () => ({ registry: ObjectRegistry.withOmaObjects(), maxAttributePaths: 64 }),
      },
      'gw',
      true,
      { manufacturer: 'test' },
    );
    closing.push(() => endpoint.closeSocket());
    endpoint.start();
    const deadline = Date.now() + 20_000;
    while (endpoint.status().lastError === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = endpoint.status();
    expect(status.registration).not.toBe('registered');
    expect(status.lastError).toMatch(/^DTLS_HANDSHAKE_FAILED: /);
  }, 30_000);
});
