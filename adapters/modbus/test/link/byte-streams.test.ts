import { createServer, type Server, type Socket } from 'node:net';
import type { CodedError } from '@lwm2m-adapters/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { openModbusByteStream } from '../../src/link/open-byte-stream.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('byte streams', () => {
  it('maps a refused TCP connection to DEVICE_UNREACHABLE', async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    await expect(
      openModbusByteStream({ kind: 'socket', host: '127.0.0.1', port, connectTimeoutMs: 2000 }),
    ).rejects.toMatchObject({
      code: 'DEVICE_UNREACHABLE',
      message: `tcp 127.0.0.1:${port}: connection refused`,
    });
  });

  it('delivers bytes that arrive before attach, and reports the device closing the connection', async () => {
    const port = await listen((socket) => {
      socket.write(Uint8Array.of(1, 2, 3));
      setTimeout(() => socket.end(), 30);
    });
    const stream = await openModbusByteStream({
      kind: 'socket',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 2000,
    });
    await new Promise((r) => setTimeout(r, 10));
    const chunks: number[] = [];
    const closed = new Promise<CodedError>((resolve) =>
      stream.attach({ data: (c) => chunks.push(...c), closed: resolve }),
    );
    expect(await closed).toMatchObject({
      code: 'DEVICE_UNREACHABLE',
      message: /connection closed by the device/,
    });
    expect(chunks).toEqual([1, 2, 3]);
    await stream.close();
  });

  it('does not report a close the owner asked for', async () => {
    const port = await listen(() => undefined);
    const stream = await openModbusByteStream({
      kind: 'socket',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 2000,
    });
    let reported = false;
    stream.attach({ data: () => undefined, closed: () => (reported = true) });
    await Promise.all([stream.close(), stream.close()]);
    await new Promise((r) => setTimeout(r, 20));
    expect(reported).toBe(false);
  });

  it('maps a serial port that cannot be opened to DEVICE_UNREACHABLE', async () => {
    await expect(
      openModbusByteStream({
        kind: 'serial',
        path: '/dev/lwm2m-adapters-no-such-port',
        baudRate: 9600,
        dataBits: 8,
        parity: 'none',
        stopBits: 1,
      }),
    ).rejects.toMatchObject({
      code: 'DEVICE_UNREACHABLE',
      message: /serial \/dev\/lwm2m-adapters-no-such-port: cannot open/,
    });
  });
});
