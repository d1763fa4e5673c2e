import { type DatagramSink, describePeer, type PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import type { dtls } from 'node-dtls-client';
import type { DatagramReceiver } from './datagram-receiver.js';
import { resolvePeerAddress } from './resolve-peer.js';

/** The PSK cipher suites LwM2M 1.1 names (§5.2.8.1 of the transport spec). */
export type DtlsPskCipherSuite = 'TLS_PSK_WITH_AES_128_CCM_8' | 'TLS_PSK_WITH_AES_128_CBC_SHA256';

export interface DtlsTransportOptions {
  /** Server host name or address. */
  readonly host: string;
  /** Server DTLS port (LwM2M default 5684). */
  readonly port: number;
  /** PSK identity: a string is sent as its UTF-8 bytes. */
  readonly pskIdentity: string | Uint8Array;
  /** PSK: bytes, or a string of hex digits. */
  readonly pskKey: Uint8Array | string;
  /** Offered in this order. Default: CCM_8 (mandatory in LwM2M), then CBC_SHA256. */
  readonly cipherSuites?: readonly DtlsPskCipherSuite[];
  /** Default 10 s. node-dtls-client does not retransmit handshake flights: a lost one means a timeout. */
  readonly handshakeTimeoutMs?: number;
  readonly type?: 'udp4' | 'udp6';
  readonly clock?: Clock;
  readonly receiver?: DatagramReceiver;
  /** Session errors after the handshake (they are also counted); never thrown. */
  readonly onError?: (error: Error) => void;
  /** The session ended without `close()` (server close_notify, fatal alert, socket error). */
  readonly onDisconnect?: (error: Error | undefined) => void;
  /**
   * Once `connect()` was called, a datagram sent while no session is up (lost session, failed
   * handshake) starts a new handshake, at most once per backoff period: capped exponential, from
   * `initialMs` (default 1 s) to `maxMs` (default 60 s), reset by a successful handshake. The
   * datagram itself is dropped (CoAP retransmits it). Failures go to `onError` as
   * DTLS_HANDSHAKE_FAILED. `close()` stops it until the next `connect()`.
   */
  readonly rehandshake?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface DtlsTransportStats {
  readonly handshakes: number;
  readonly handshakeFailures: number;
  readonly datagramsSent: number;
  readonly datagramsReceived: number;
  readonly sendErrors: number;
  readonly sessionErrors: number;
  /** Sent while no session was up, to another peer, or received before a receiver was set. */
  readonly dropped: number;
}

const DEFAULT_SUITES: readonly DtlsPskCipherSuite[] = [
  'TLS_PSK_WITH_AES_128_CCM_8',
  'TLS_PSK_WITH_AES_128_CBC_SHA256',
];

function keyBytes(key: Uint8Array | string): Buffer {
  if (typeof key !== 'string') return Buffer.from(key);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(key)) {
    throw new CodedError('CONFIG_INVALID', 'a PSK given as a string must be an even number of hex digits');
  }
  return Buffer.from(key, 'hex');
}

/**
 * A DTLS 1.2 client session with pre-shared keys (node-dtls-client 2.x) carrying CoAP to one
 * LwM2M server. It is the same DatagramSink as UdpTransport, so the endpoint does not know the
 * difference. `connect()` performs the handshake (again after `close()` or a lost session).
 *
 * node-dtls-client reports a wrong PSK identity or key only as a handshake timeout (the server's
 * alert is not surfaced), so a timeout says both possibilities.
 */
export class DtlsTransport implements DatagramSink, AsyncDisposable {
  readonly #options: DtlsTransportOptions;
  readonly #clock: Clock;
  readonly #identity: string;
  readonly #key: Buffer;
  readonly #suites: DtlsPskCipherSuite[];
  readonly #timeoutMs: number;
  #receiver: DatagramReceiver | undefined;
  #socket: dtls.Socket | undefined;
  #peer: PeerAddress | undefined;
  #connecting: Promise<PeerAddress> | undefined;
  #resolved: Promise<PeerAddress> | undefined;
  #closing: Promise<void> | undefined;
  /** The owner wants a session: set by connect(), cleared by close(). */
  #wanted = false;
  #failedHandshakes = 0;
  #nextHandshakeAt = 0;
  readonly #stats = {
    handshakes: 0,
    handshakeFailures: 0,
    datagramsSent: 0,
    datagramsReceived: 0,
    sendErrors: 0,
    sessionErrors: 0,
    dropped: 0,
  };

  constructor(options: DtlsTransportOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const identity =
      typeof options.pskIdentity === 'string'
        ? Buffer.from(options.pskIdentity, 'utf8')
        : Buffer.from(options.pskIdentity);
    if (identity.length === 0) throw new CodedError('CONFIG_INVALID', 'the PSK identity is empty');
    // node-dtls-client sends Buffer.from(identity, 'ascii'): a latin1 string carries any bytes
    this.#identity = identity.toString('latin1');
    this.#key = keyBytes(options.pskKey);
    if (this.#key.length === 0) throw new CodedError('CONFIG_INVALID', 'the PSK is empty');
    this.#suites = [...(options.cipherSuites ?? DEFAULT_SUITES)];
    if (this.#suites.length === 0) throw new CodedError('CONFIG_INVALID', 'no DTLS cipher suite offered');
    this.#timeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#receiver = options.receiver;
  }

  /** The server of the current session, once connected. */
  get peer(): PeerAddress | undefined {
    return this.#peer;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  setReceiver(receiver: DatagramReceiver | undefined): void {
    this.#receiver = receiver;
  }

  /**
   * Performs the handshake (no-op when connected; concurrent calls share one). Resolves with the
   * server's address; rejects with DTLS_HANDSHAKE_FAILED on a timeout or an alert.
   */
  connect(): Promise<PeerAddress> {
    this.#wanted = true;
    if (this.#socket !== undefined && this.#peer !== undefined) return Promise.resolve(this.#peer);
    this.#connecting ??= this.#handshake()
      .then(
        (peer) => {
          this.#failedHandshakes = 0;
          return peer;
        },
        (error: unknown) => {
          this.#failedHandshakes++;
          const initial = this.#options.rehandshake?.initialMs ?? 1000;
          const max = this.#options.rehandshake?.maxMs ?? 60_000;
          this.#nextHandshakeAt =
            this.#clock.now() + Math.min(max, initial * 2 ** (this.#failedHandshakes - 1));
          throw error;
        },
      )
      .finally(() => {
        this.#connecting = undefined;
      });
    return this.#connecting;
  }

  /** Called when a datagram finds no session: a new handshake when wanted and the backoff allows. */
  #maybeRehandshake(): void {
    if (!this.#wanted || this.#connecting !== undefined || this.#clock.now() < this.#nextHandshakeAt) return;
    this.connect().catch((error: unknown) => this.#report(error));
  }

  send(datagram: Uint8Array, peer: PeerAddress): void {
    const socket = this.#socket;
    const sessionPeer = this.#peer;
    if (
      socket === undefined ||
      sessionPeer === undefined ||
      peer.port !== sessionPeer.port ||
      peer.address !== sessionPeer.address
    ) {
      this.#stats.dropped++;
      if (socket === undefined) this.#maybeRehandshake();
      return;
    }
    try {
      socket.send(Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength), (error) => {
        if (error) {
          this.#stats.sendErrors++;
          this.#report(error);
        }
      });
      this.#stats.datagramsSent++;
    } catch (error) {
      this.#stats.sendErrors++;
      this.#report(error);
    }
  }

  stats(): DtlsTransportStats {
    return { ...this.#stats };
  }

  /** Ends the session (close_notify). Idempotent; `connect()` afterwards starts a new session. */
  async close(): Promise<void> {
    this.#wanted = false;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#peer = undefined;
    if (socket === undefined) {
      await this.#closing;
      return;
    }
    this.#closing = closeSocket(socket, this.#clock);
    await this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handshake(): Promise<PeerAddress> {
    await this.#closing;
    // the host name is resolved once per transport; a failed lookup is retried on the next connect
    this.#resolved ??= resolvePeerAddress(
      this.#options.host,
      this.#options.port,
      (this.#options.type ?? 'udp4') === 'udp6' ? 6 : 4,
    ).catch((error: unknown) => {
      this.#resolved = undefined;
      throw error;
    });
    const peer = await this.#resolved;
    // loaded on the first handshake: hosts that only speak coap:// never carry the DTLS stack (~10 MB)
    const { dtls: library } = await import('node-dtls-client');
    const where = `DTLS handshake with ${describePeer(peer)}`;
    return new Promise<PeerAddress>((resolve, reject) => {
      let settled = false;
      let socket: dtls.Socket;
      try {
        socket = library.createSocket({
          type: this.#options.type ?? 'udp4',
          address: peer.address,
          port: peer.port,
          psk: { [this.#identity]: this.#key },
          // our own timer (on the Clock) decides; the library's is a backstop
          timeout: this.#timeoutMs + 1_000,
          ciphers: this.#suites,
        });
      } catch (cause) {
        this.#stats.handshakeFailures++;
        reject(
          new CodedError('DTLS_HANDSHAKE_FAILED', `${where} could not start: ${String(cause)}`, { cause }),
        );
        return;
      }
      const fail = (message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        cancelTimer();
        this.#stats.handshakeFailures++;
        void closeSocket(socket, this.#clock);
        reject(
          new CodedError('DTLS_HANDSHAKE_FAILED', message, { cause, details: { peer: describePeer(peer) } }),
        );
      };
      const timedOut = `${where} timed out: wrong PSK identity/key or server unreachable`;
      const cancelTimer = this.#clock.setTimer(this.#timeoutMs, () => fail(timedOut));
      socket.on('connected', () => {
        if (settled) return;
        settled = true;
        cancelTimer();
        this.#stats.handshakes++;
        this.#socket = socket;
        this.#peer = peer;
        resolve(peer);
      });
      socket.on('message', (message: Buffer) => {
        if (this.#socket !== socket) return;
        this.#stats.datagramsReceived++;
        const receiver = this.#receiver;
        if (receiver === undefined) {
          this.#stats.dropped++;
          return;
        }
        try {
          receiver.receive(message, peer);
        } catch (error) {
          this.#report(error);
        }
      });
      socket.on('error', (error: Error) => {
        if (!settled) {
          fail(/timed out/i.test(error.message) ? timedOut : `${where} failed: ${error.message}`, error);
          return;
        }
        this.#stats.sessionErrors++;
        this.#report(error);
        this.#lost(socket, error);
      });
      socket.on('close', () => this.#lost(socket, undefined));
    });
  }

  /** The session ended on its own. */
  #lost(socket: dtls.Socket, error: Error | undefined): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    this.#peer = undefined;
    try {
      this.#options.onDisconnect?.(error);
    } catch {
      // a throwing listener must not break the transport
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a throwing error listener must not break the transport
    }
  }
}

/**
 * Closes a node-dtls-client socket whatever its state: its `close()` throws when the UDP socket
 * never got going or is already closed. Resolves on its 'close' event, or after 1 s regardless.
 */
function closeSocket(socket: dtls.Socket, clock: Clock): Promise<void> {
  return new Promise<void>((resolve) => {
    let cancel = () => {};
    const done = () => {
      cancel();
      resolve();
    };
    socket.once('close', done);
    // keep an 'error' listener: the library emits errors while it tears down
    socket.on('error', () => {});
    cancel = clock.setTimer(1_000, done);
    try {
      socket.close();
    } catch {
      done();
    }
  });
}
