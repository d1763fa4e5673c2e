/**
 * Raw UDP helpers for the DTLS server tests: a socket that sends hand-built ClientHellos and
 * queues what comes back, and a proxy between a real client and the server that keeps what the
 * client sent (to replay it) and can be shared by two clients (one address, as a restart looks).
 */

import { createSocket, type Socket } from 'node:dgram';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export interface ClientHelloFields {
  readonly recordSeq: number;
  readonly messageSeq: number;
  readonly cookie?: Uint8Array;
  /** Cipher suite ids; default CCM_8 and CBC_SHA256. */
  readonly suites?: readonly number[];
  readonly random?: Uint8Array;
}

/** A ClientHello record laid out byte by byte (RFC 6347 §4.2.1, §4.3.2), independently of the server's codec. */
export function clientHelloRecord(fields: ClientHelloFields): Buffer {
  const cookie = Buffer.from(fields.cookie ?? new Uint8Array(0));
  const suites = fields.suites ?? [0xc0a8, 0x00ae];
  const suiteBytes = Buffer.alloc(2 + 2 * suites.length);
  suiteBytes.writeUInt16BE(2 * suites.length, 0);
  for (const [i, suite] of suites.entries()) suiteBytes.writeUInt16BE(suite, 2 + 2 * i);
  const body = Buffer.concat([
    hex('fefd'),
    Buffer.from(fields.random ?? new Uint8Array(32).fill(0x11)),
    hex('00'), // session_id
    Buffer.from([cookie.length]),
    cookie,
    suiteBytes,
    hex('0100'), // null compression
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt8(1, 0);
  header.writeUIntBE(body.length, 1, 3);
  header.writeUInt16BE(fields.messageSeq, 4);
  header.writeUIntBE(0, 6, 3);
  header.writeUIntBE(body.length, 9, 3);
  const record = Buffer.alloc(13);
  record.writeUInt8(22, 0);
  record.writeUInt16BE(0xfeff, 1);
  record.writeUInt16BE(0, 3);
  record.writeUIntBE(fields.recordSeq, 5, 6);
  record.writeUInt16BE(body.length + 12, 11);
  return Buffer.concat([record, header, body]);
}

/** The cookie of a HelloVerifyRequest datagram (one record, one message). */
export function cookieOf(helloVerifyRequest: Buffer): Buffer {
  const cookieLength = helloVerifyRequest[13 + 12 + 2]!;
  return helloVerifyRequest.subarray(13 + 12 + 3, 13 + 12 + 3 + cookieLength);
}

export interface RawSocket {
  readonly port: number;
  send(datagram: Uint8Array, port: number): void;
  /** The next datagram received (queued ones first); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Buffer>;
  /** Whether a datagram arrives within `ms`. */
  quiet(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

export async function rawSocket(): Promise<RawSocket> {
  const socket = await bound();
  const queue: Buffer[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (message) => {
    queue.push(message);
    wake?.();
  });
  const next = (timeoutMs = 3_000) =>
    new Promise<Buffer>((resolve, reject) => {
      const take = () => {
        const first = queue.shift();
        if (first === undefined) return false;
        wake = undefined;
        clearTimeout(timer);
        resolve(first);
        return true;
      };
      const timer = setTimeout(() => {
        wake = undefined;
        reject(new Error(`no datagram within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!take()) wake = () => void take();
    });
  return {
    port: socket.address().port,
    send: (datagram, port) => socket.send(datagram, port, '127.0.0.1'),
    next,
    quiet: (ms) =>
      next(ms).then(
        () => false,
        () => true,
      ),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export interface UdpProxy {
  /** Where clients send. */
  readonly port: number;
  /** The address the server sees: every client through this proxy is this one peer. */
  readonly upstreamPort: number;
  /** Every datagram clients sent, in order. */
  readonly fromClients: Buffer[];
  /** Every datagram the server sent, in order (dropped ones included). */
  readonly fromServer: Buffer[];
  /** Sends a datagram to the server as if a client had. */
  inject(datagram: Uint8Array): void;
  close(): Promise<void>;
}

/**
 * Forwards client → server from one upstream socket, and server → the client that spoke last,
 * except the server datagrams `dropFromServer` picks (lost on the way).
 */
export async function startUdpProxy(
  serverPort: number,
  dropFromServer: (datagram: Buffer) => boolean = () => false,
): Promise<UdpProxy> {
  const front = await bound();
  const back = await bound();
  const fromClients: Buffer[] = [];
  const fromServer: Buffer[] = [];
  let client: { address: string; port: number } | undefined;
  front.on('message', (message, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    fromClients.push(message);
    back.send(message, serverPort, '127.0.0.1');
  });
  back.on('message', (message) => {
    fromServer.push(message);
    if (client !== undefined && !dropFromServer(message)) front.send(message, client.port, client.address);
  });
  return {
    port: front.address().port,
    upstreamPort: back.address().port,
    fromClients,
    fromServer,
    inject: (datagram) => back.send(datagram, serverPort, '127.0.0.1'),
    close: async () => {
      await Promise.all(
        [front, back].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      );
    },
  };
}
