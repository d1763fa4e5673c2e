/**
 * Free loopback ports for peers that cannot report the port they bound: bind port 0, read the port
 * the kernel chose, close, and hand the number to the peer. Another process could take the port in
 * between; on loopback in a test run that window is harmless in practice.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** `count` distinct UDP ports free on 127.0.0.1 (all sockets stay bound until every port is chosen). */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = createSocket('udp4');
          socket.once('error', reject);
          socket.bind(0, HOST, () => resolve(socket));
        }),
    ),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected TCP server address ${String(address)}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
