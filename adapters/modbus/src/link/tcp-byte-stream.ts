import { Socket } from 'node:net';
import { CodedError } from '@lwm2m-adapters/errors';
import {
  type ByteStreamHandlers,
  type ModbusByteStream,
  type ModbusEndpoint,
  PendingDeliveries,
} from './byte-stream.js';

/** Seconds of silence before TCP keepalive probes start (detects half-open connections). */
const KEEPALIVE_DELAY_MS = 10_000;

function unreachable(target: string, err: unknown): CodedError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET'
        ? 'connection reset'
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? 'host unreachable'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'host name not found'
            : err instanceof Error
              ? err.message
              : String(err);
  return new CodedError('DEVICE_UNREACHABLE', `${target}: ${reason}`, {
    cause: err,
    details: { errno: code },
  });
}

/** Opens a TCP connection (no Nagle delay, keepalive on) for Modbus TCP or RTU-over-TCP. */
export function openTcpByteStream(
  endpoint: Extract<ModbusEndpoint, { kind: 'socket' }>,
): Promise<ModbusByteStream> {
  const target = `tcp ${endpoint.host}:${endpoint.port}`;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const deliveries = new PendingDeliveries();
    let lastError: unknown;
    let connected = false;
    let closing: Promise<void> | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new CodedError(
          'DEVICE_UNREACHABLE',
          `${target}: no connection within ${endpoint.connectTimeoutMs} ms`,
          {
            details: { connectTimeoutMs: endpoint.connectTimeoutMs },
          },
        ),
      );
    }, endpoint.connectTimeoutMs);
    socket.on('error', (err) => {
      lastError = err;
      if (!connected) {
        clearTimeout(timer);
        socket.destroy();
        reject(unreachable(target, err));
      }
    });
    socket.on('data', (chunk: Buffer) => deliveries.data(chunk));
    socket.on('close', () => {
      if (!connected) return;
      deliveries.closed(
        lastError === undefined
          ? new CodedError('DEVICE_UNREACHABLE', `${target}: connection closed by the device`)
          : unreachable(target, lastError),
      );
    });
    socket.connect({ host: endpoint.host, port: endpoint.port }, () => {
      clearTimeout(timer);
      connected = true;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
      const stream: ModbusByteStream = {
        attach: (handlers: ByteStreamHandlers) => deliveries.attach(handlers),
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        close: () => {
          deliveries.silence();
          closing ??= new Promise<void>((done) => {
            if (socket.destroyed) return done();
            socket.once('close', () => done());
            socket.destroy();
          });
          return closing;
        },
      };
      resolve(stream);
    });
  });
}
