import type { Socket } from 'node:dgram';
import type { DatagramSink, PeerAddress } from '@lwm2m-adapters/coap';
import { bindUdpSocket } from './bind-udp-socket.js';
import type { DatagramReceiver } from './datagram-receiver.js';
import { resolvePeerAddress } from './resolve-peer.js';

export interface UdpTransportOptions {
  /** Local address to bind: '0.0.0.0' (default), '127.0.0.1', '::'... */
  readonly host?: string;
  /** Local port; 0 (default) picks an ephemeral one. */
  readonly port?: number;
  /** Default: udp6 when `host` is an IPv6 address, else udp4. */
  readonly type?: 'udp4' | 'udp6';
  /** Gets every datagram received; can be set later with `setReceiver`. */
  readonly receiver?: DatagramReceiver;
  /** Socket and send errors (they are also counted); the transport never throws them. */
  readonly onError?: (error: Error) => void;
}

export interface UdpTransportStats {
  readonly datagramsSent: number;
  readonly datagramsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly sendErrors: number;
  readonly socketErrors: number;
  /** Sent after close, or received before a receiver was set. */
  readonly dropped: number;
}

/**
 * One bound UDP socket carrying CoAP for a CoapEndpoint: it delivers every datagram to the
 * receiver and implements the endpoint's DatagramSink. Errors are counted and reported through
 * `onError`, never thrown; `close()` is idempotent.
 */
export class UdpTransport implements DatagramSink, AsyncDisposable {
  readonly #socket: Socket;
  readonly #family: 4 | 6;
  readonly #onError: ((error: Error) => void) | undefined;
  readonly #resolved = new Map<string, Promise<PeerAddress>>();
  #receiver: DatagramReceiver | undefined;
  #localAddress: PeerAddress;
  #closing: Promise<void> | undefined;
  readonly #stats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    sendErrors: 0,
    socketErrors: 0,
    dropped: 0,
  };

  private constructor(socket: Socket, family: 4 | 6, options: UdpTransportOptions) {
    this.#socket = socket;
    this.#family = family;
    this.#onError = options.onError;
    this.#receiver = options.receiver;
    const bound = socket.address();
    this.#localAddress = { address: bound.address, port: bound.port };
    socket.on('message', (message, rinfo) => {
      this.#stats.datagramsReceived++;
      this.#stats.bytesReceived += message.length;
      const receiver = this.#receiver;
      if (receiver === undefined) {
        this.#stats.dropped++;
        return;
      }
      try {
        receiver.receive(message, { address: rinfo.address, port: rinfo.port });
      } catch (error) {
        this.#report(error);
      }
    });
    socket.on('error', (error) => {
      this.#stats.socketErrors++;
      this.#report(error);
    });
  }

  /** Binds the socket; rejects with TRANSPORT_CLOSED when it cannot (address in use, no such address). */
  static async open(options: UdpTransportOptions = {}): Promise<UdpTransport> {
    const { socket, family } = await bindUdpSocket(options);
    return new UdpTransport(socket, family, options);
  }

  /** The bound local address and port. */
  get localAddress(): PeerAddress {
    return this.#localAddress;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  setReceiver(receiver: DatagramReceiver | undefined): void {
    this.#receiver = receiver;
  }

  /**
   * The address of a server host name, resolved once per transport and host (later calls reuse
   * the answer): IP literals as is, names through the system resolver.
   */
  resolvePeer(host: string, port: number): Promise<PeerAddress> {
    const key = `${host}#${port}`;
    let resolved = this.#resolved.get(key);
    if (resolved === undefined) {
      resolved = resolvePeerAddress(host, port, this.#family);
      this.#resolved.set(key, resolved);
      // a failure is not cached: the next call tries again
      resolved.catch(() => this.#resolved.delete(key));
    }
    return resolved;
  }

  send(datagram: Uint8Array, peer: PeerAddress): void {
    if (this.#closing !== undefined) {
      this.#stats.dropped++;
      return;
    }
    try {
      this.#socket.send(datagram, peer.port, peer.address, (error) => {
        if (error) {
          this.#stats.sendErrors++;
          this.#report(error);
        }
      });
      this.#stats.datagramsSent++;
      this.#stats.bytesSent += datagram.length;
    } catch (error) {
      this.#stats.sendErrors++;
      this.#report(error);
    }
  }

  stats(): UdpTransportStats {
    return { ...this.#stats };
  }

  /** Closes the socket. Idempotent: every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #report(error: unknown): void {
    if (this.#onError === undefined) return;
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a throwing error listener must not take the socket down
    }
  }
}
