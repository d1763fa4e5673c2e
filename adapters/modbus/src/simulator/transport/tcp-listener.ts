/** A TCP listener: every accepted connection is served by its own StreamConnection. */
import { createServer, type Server, type Socket } from 'node:net';
import type { ModbusEngine } from '../engine/modbus-engine.js';
import type { SimulatorCounters } from '../engine/simulator-counters.js';
import { framings } from '../framing/framings.js';
import { StreamConnection } from './stream-connection.js';

/** Connections beyond this are refused by the kernel backlog / closed by Node. */
const MAX_CONNECTIONS = 256;
/** Serial framing carried over TCP (RTU-over-TCP): a partial frame is dropped after this silence. */
const SOCKET_SILENCE_MS = 500;

export interface TcpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly framing: 'tcp' | 'rtu' | 'ascii';
  readonly onDiagnostic: (message: string) => void;
}

export class TcpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly options: TcpListenerOptions,
    private readonly engine: ModbusEngine,
    private readonly counters: SimulatorCounters,
  ) {}

  /** Listens; resolves with the bound address (the real port when 0 was asked). */
  async start(): Promise<{ readonly host: string; readonly port: number }> {
    const framing = framings[this.options.framing];
    const server = createServer({ noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      this.counters.connections++;
      new StreamConnection(socket, framing, this.engine, this.counters, {
        silenceMs: framing.serialLine ? SOCKET_SILENCE_MS : 0,
        onDiagnostic: this.options.onDiagnostic,
      });
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.counters.connections--;
      });
    });
    server.maxConnections = MAX_CONNECTIONS;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host, port: this.options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.options.onDiagnostic(`tcp listener error: ${error.message}`));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('TCP listener has no port');
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
