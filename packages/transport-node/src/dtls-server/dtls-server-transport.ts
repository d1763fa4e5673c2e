import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { type DatagramSink, type PeerAddress, peerKeyOf } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import { bindUdpSocket } from '../bind-udp-socket.js';
import type { DatagramReceiver } from '../datagram-receiver.js';
import type { DtlsPskCipherSuite } from '../dtls-transport.js';
import { CIPHER_SUITES, type CipherSuite } from './cipher-suites.js';
import { CookieSecret } from './cookie-secret.js';
import type { DtlsServerEvent, HandshakeFailureReason, SessionCloseReason } from './dtls-server-events.js';
import {
  encodeHandshakeMessage,
  encodeHelloVerifyRequest,
  type HandshakeFragment,
  parseClientHello,
  parseHandshakeFragments,
} from './handshake-messages.js';
import { negotiateHello } from './hello-negotiation.js';
import { PeerSession, type PskStore, type SessionHost, type SessionSettings } from './peer-session.js';
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  DTLS_1_0,
  DTLS_1_2,
  HandshakeType,
  MAX_PLAINTEXT,
} from './protocol-numbers.js';
import { type DtlsRecord, encodeRecord, parseRecords } from './record-layer.js';
import { TlsDecodeError } from './tls-wire.js';

export interface DtlsServerTransportOptions {
  /** Local address to bind: '0.0.0.0' (default, like UdpTransport), '127.0.0.1', '::'... */
  readonly host?: string;
  /** Local port; 0 (default) picks an ephemeral one. LwM2M's is 5684. */
  readonly port?: number;
  /** Default: udp6 when `host` is an IPv6 address, else udp4. */
  readonly type?: 'udp4' | 'udp6';
  /** The PSK store, keyed by PSK identity (UTF-8). Called synchronously during each handshake. */
  readonly psk: PskStore;
  /** Sent in a ServerKeyExchange when given (UTF-8); by default there is none and no ServerKeyExchange. */
  readonly identityHint?: string;
  /** Accepted suites in preference order. Default: CCM_8 (mandatory in LwM2M), then CBC_SHA256. */
  readonly cipherSuites?: readonly DtlsPskCipherSuite[];
  readonly clock?: Clock;
  /** A handshake not complete after this long fails with 'timeout' (default 30 s). */
  readonly handshakeTimeoutMs?: number;
  /** A session that received nothing for this long is forgotten, close_notify sent (default 10 min). */
  readonly sessionIdleMs?: number;
  /** Established sessions at most (default 10,000); a new peer's handshake beyond is dropped and counted. */
  readonly maxSessions?: number;
  /** Handshakes in progress at most (default 1,000); a cookie-verified ClientHello beyond is dropped and counted. */
  readonly maxHandshakes?: number;
  /** How often the cookie secret changes (default 60 s); cookies of the previous secret stay valid. */
  readonly cookieRotationMs?: number;
  /** First retransmission of the server's hello flight to a silent client (default 1 s, doubling). */
  readonly retransmitInitialMs?: number;
  /** Gets the application data of every session; can be set later with `setReceiver`. */
  readonly receiver?: DatagramReceiver;
  /** Handshakes completed and failed, sessions closed. A throwing listener is ignored. */
  readonly onEvent?: (event: DtlsServerEvent) => void;
  /** Socket and send errors (they are also counted); the transport never throws them. */
  readonly onError?: (error: Error) => void;
}

export interface DtlsServerTransportStats {
  /** Handshakes completed. */
  readonly handshakes: number;
  readonly handshakeFailures: Readonly<Record<HandshakeFailureReason, number>>;
  readonly helloVerifyRequestsSent: number;
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
  /** Application records delivered to the receiver / sent for it. */
  readonly applicationRecordsReceived: number;
  readonly applicationRecordsSent: number;
  /** Records whose sequence number was already seen, or is left of the window. */
  readonly replayedDropped: number;
  /** Datagrams that do not parse, records that do not authenticate or make no sense in their state. */
  readonly badRecordsDropped: number;
  /** Established sessions now. */
  readonly sessions: number;
  /** Handshakes in progress now (state exists only after a valid cookie). */
  readonly handshakesInProgress: number;
  /** Cookie-verified ClientHellos dropped because `maxHandshakes` or `maxSessions` was reached. */
  readonly overLimitDropped: number;
  /** Sent to a peer without a session or after close, records for no session, data before a receiver was set. */
  readonly dropped: number;
  readonly sendErrors: number;
  readonly socketErrors: number;
}

/** A peer's established session and, during a client restart, its next one. */
interface PeerSlot {
  established: PeerSession | undefined;
  pending: PeerSession | undefined;
}

const DEFAULT_SUITES: readonly DtlsPskCipherSuite[] = [
  'TLS_PSK_WITH_AES_128_CCM_8',
  'TLS_PSK_WITH_AES_128_CBC_SHA256',
];

const positiveInteger = (value: number | undefined, fallback: number, name: string): number => {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen <= 0) {
    throw new CodedError('CONFIG_INVALID', `${name} must be a positive integer, got ${String(value)}`);
  }
  return chosen;
};

/**
 * The server role of DTLS 1.2 with pre-shared keys (RFC 6347, RFC 4279; suites
 * TLS_PSK_WITH_AES_128_CCM_8 and TLS_PSK_WITH_AES_128_CBC_SHA256) on one bound UDP socket, one
 * session per client address and port. It is the same DatagramSink as UdpTransport: a
 * CoapEndpoint sits on it unchanged, gets each session's application data with the client's
 * address, and `send(datagram, peer)` encrypts in that peer's session.
 *
 * A ClientHello without a valid cookie is answered with a HelloVerifyRequest and leaves no
 * state. Errors are counted and reported, never thrown; `close()` is idempotent.
 */
export class DtlsServerTransport implements DatagramSink, AsyncDisposable {
  readonly #socket: Socket;
  readonly #options: DtlsServerTransportOptions;
  readonly #settings: SessionSettings;
  readonly #suites: readonly CipherSuite[];
  readonly #cookies: CookieSecret;
  readonly #maxSessions: number;
  readonly #maxHandshakes: number;
  readonly #peers = new Map<string, PeerSlot>();
  readonly #host: SessionHost;
  readonly #localAddress: PeerAddress;
  #receiver: DatagramReceiver | undefined;
  #closing: Promise<void> | undefined;
  /** While closing: the close_notify sends to wait for before the socket goes. */
  #pendingSends: Promise<void>[] | undefined;
  #sessions = 0;
  #handshakes = 0;
  readonly #stats = {
    handshakes: 0,
    helloVerifyRequestsSent: 0,
    datagramsReceived: 0,
    datagramsSent: 0,
    applicationRecordsReceived: 0,
    applicationRecordsSent: 0,
    replayedDropped: 0,
    badRecordsDropped: 0,
    overLimitDropped: 0,
    dropped: 0,
    sendErrors: 0,
    socketErrors: 0,
  };
  readonly #failures: Record<HandshakeFailureReason, number> = {
    'unknown-psk-identity': 0,
    'bad-finished': 0,
    'no-shared-cipher-suite': 0,
    timeout: 0,
    'protocol-error': 0,
  };

  private constructor(socket: Socket, options: DtlsServerTransportOptions, settings: SessionSettings) {
    this.#socket = socket;
    this.#options = options;
    this.#settings = settings;
    this.#suites = (options.cipherSuites ?? DEFAULT_SUITES).map((name) => CIPHER_SUITES[name]);
    this.#cookies = new CookieSecret(
      settings.clock,
      positiveInteger(options.cookieRotationMs, 60_000, 'cookieRotationMs'),
    );
    this.#maxSessions = positiveInteger(options.maxSessions, 10_000, 'maxSessions');
    this.#maxHandshakes = positiveInteger(options.maxHandshakes, 1_000, 'maxHandshakes');
    this.#receiver = options.receiver;
    const bound = socket.address();
    this.#localAddress = { address: bound.address, port: bound.port };
    this.#host = this.#sessionHost();
    socket.on('message', (message, rinfo) =>
      this.#onDatagram(message, { address: rinfo.address, port: rinfo.port }),
    );
    socket.on('error', (error) => {
      this.#stats.socketErrors++;
      this.#report(error);
    });
  }

  /**
   * Checks the options and binds the socket. CONFIG_INVALID for bad options, TRANSPORT_CLOSED
   * when the socket cannot be bound.
   */
  static async open(options: DtlsServerTransportOptions): Promise<DtlsServerTransport> {
    const settings = checkOptions(options);
    const { socket } = await bindUdpSocket(options, 'for DTLS');
    return new DtlsServerTransport(socket, options, settings);
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

  /** The authenticated PSK identity of the established session with `peer`, if there is one. */
  identityOf(peer: PeerAddress): string | undefined {
    return this.#peers.get(peerKeyOf(peer))?.established?.identity;
  }

  /** Application data to `peer`, encrypted in its session; dropped and counted when there is none. */
  send(datagram: Uint8Array, peer: PeerAddress): void {
    const session = this.#closing === undefined ? this.#peers.get(peerKeyOf(peer))?.established : undefined;
    if (session === undefined || datagram.length > MAX_PLAINTEXT || !session.sendApplicationData(datagram)) {
      this.#stats.dropped++;
      return;
    }
    this.#stats.applicationRecordsSent++;
  }

  stats(): DtlsServerTransportStats {
    return {
      ...this.#stats,
      handshakeFailures: { ...this.#failures },
      sessions: this.#sessions,
      handshakesInProgress: this.#handshakes,
    };
  }

  /**
   * Sends close_notify to every session, drops handshakes in progress and closes the socket.
   * Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const sends: Promise<void>[] = [];
      this.#pendingSends = sends;
      for (const slot of [...this.#peers.values()]) {
        slot.pending?.abandon();
        slot.established?.close('transport-closed');
      }
      this.#pendingSends = undefined;
      this.#peers.clear();
      this.#sessions = 0;
      this.#handshakes = 0;
      await Promise.all(sends);
      await new Promise<void>((resolve) => {
        try {
          this.#socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      });
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onDatagram(datagram: Uint8Array, peer: PeerAddress): void {
    this.#stats.datagramsReceived++;
    if (this.#closing !== undefined) {
      this.#stats.dropped++;
      return;
    }
    let records: DtlsRecord[];
    try {
      records = parseRecords(datagram);
    } catch (error) {
      if (!(error instanceof TlsDecodeError)) throw error;
      this.#stats.badRecordsDropped++;
      return;
    }
    const key = peerKeyOf(peer);
    for (const record of records) {
      try {
        this.#onRecord(record, peer, key);
      } catch (error) {
        // a bug must not take the socket down: count, report, carry on
        this.#stats.badRecordsDropped++;
        this.#report(error);
      }
    }
  }

  #onRecord(record: DtlsRecord, peer: PeerAddress, key: string): void {
    const slot = this.#peers.get(key);
    if (
      record.epoch === 0 &&
      record.type === ContentType.handshake &&
      record.fragment[0] === HandshakeType.clientHello
    ) {
      this.#onClientHello(record, peer, key, slot);
      return;
    }
    if (record.epoch === 0) {
      const session = slot?.pending ?? slot?.established;
      if (session === undefined) {
        this.#stats.dropped++;
        return;
      }
      const plaintext = session.unprotect(record);
      if (plaintext === 'replayed') this.#stats.replayedDropped++;
      else if (plaintext === 'unauthenticated') this.#stats.badRecordsDropped++;
      else session.handle(record, plaintext);
      return;
    }
    // epoch 1: the handshake in progress (a restarted client) or the established session
    let replayed = false;
    let tried = false;
    for (const session of [slot?.pending, slot?.established]) {
      if (session === undefined || !session.canRead(record.epoch)) continue;
      tried = true;
      const plaintext = session.unprotect(record);
      if (plaintext === 'replayed') replayed = true;
      else if (plaintext !== 'unauthenticated') {
        session.handle(record, plaintext);
        return;
      }
    }
    if (replayed) {
      this.#stats.replayedDropped++;
      return;
    }
    if (!tried) {
      this.#stats.dropped++;
      return;
    }
    const pending = slot?.pending;
    if (pending?.awaitingFinished === true && record.type === ContentType.handshake) {
      // the client's first protected record, its Finished, does not authenticate: its PSK differs
      pending.fail(
        'bad-finished',
        `the client's Finished does not authenticate: its PSK for identity ${JSON.stringify(pending.identity)} differs from the stored one`,
        AlertDescription.decryptError,
      );
      return;
    }
    // RFC 6347 §4.1.2.7: invalid records are dropped silently
    this.#stats.badRecordsDropped++;
  }

  #onClientHello(record: DtlsRecord, peer: PeerAddress, key: string, slot: PeerSlot | undefined): void {
    let fragment: HandshakeFragment;
    let hello: ReturnType<typeof parseClientHello>;
    try {
      const fragments = parseHandshakeFragments(record.fragment);
      if (fragments.length !== 1) throw new TlsDecodeError('a ClientHello record holds other messages');
      fragment = fragments[0]!;
      if (fragment.fragmentOffset !== 0 || fragment.body.length !== fragment.length) {
        throw new TlsDecodeError('fragmented ClientHello (not supported)');
      }
      hello = parseClientHello(fragment.body);
    } catch (error) {
      if (!(error instanceof TlsDecodeError)) throw error;
      this.#stats.badRecordsDropped++;
      return;
    }
    const pending = slot?.pending;
    if (pending !== undefined && sameBytes(pending.clientRandom, hello.random)) {
      pending.onClientHelloRetransmitted();
      return;
    }
    if (slot?.established !== undefined && sameBytes(slot.established.clientRandom, hello.random)) {
      return; // a late copy of the hello that started the current session
    }
    if (!this.#cookies.verify(peer, hello.cookieBinding, hello.cookie)) {
      this.#sendHelloVerifyRequest(peer, record, fragment.messageSeq, hello.cookieBinding);
      return;
    }
    // a valid cookie: the client owns its address; only now does any state exist
    if (this.#handshakes - (pending === undefined ? 0 : 1) >= this.#maxHandshakes) {
      this.#stats.overLimitDropped++;
      return;
    }
    if (slot === undefined && this.#sessions + this.#handshakes >= this.#maxSessions) {
      this.#stats.overLimitDropped++;
      return;
    }
    const negotiated = negotiateHello(hello, this.#suites);
    if (!negotiated.ok) {
      const alert = encodeRecord(
        ContentType.alert,
        DTLS_1_2,
        0,
        record.sequenceNumber,
        Uint8Array.of(AlertLevel.fatal, negotiated.alert),
      );
      this.#sendTo(peer, alert);
      this.#failures[negotiated.reason]++;
      this.#emit({
        type: 'handshake-failed',
        peer,
        identity: undefined,
        reason: negotiated.reason,
        detail: negotiated.detail,
      });
      return;
    }
    if (pending !== undefined) {
      pending.abandon(); // the client started over with a new hello
      slot!.pending = undefined;
      this.#handshakes--;
    }
    const target: PeerSlot = slot ?? { established: undefined, pending: undefined };
    if (slot === undefined) this.#peers.set(key, target);
    this.#handshakes++;
    target.pending = new PeerSession(
      peer,
      hello,
      fragment.messageSeq,
      fragment.body,
      record.sequenceNumber,
      negotiated,
      this.#settings,
      this.#host,
    );
  }

  /** Stateless (RFC 6347 §4.2.1): the record and message sequence numbers echo the ClientHello's. */
  #sendHelloVerifyRequest(
    peer: PeerAddress,
    record: DtlsRecord,
    messageSeq: number,
    binding: Uint8Array,
  ): void {
    const cookie = this.#cookies.cookieFor(peer, binding);
    const message = encodeHandshakeMessage(
      HandshakeType.helloVerifyRequest,
      messageSeq,
      encodeHelloVerifyRequest(cookie),
    );
    this.#sendTo(peer, encodeRecord(ContentType.handshake, DTLS_1_0, 0, record.sequenceNumber, message));
    this.#stats.helloVerifyRequestsSent++;
  }

  #sessionHost(): SessionHost {
    return {
      send: (session, datagram) => this.#sendTo(session.peer, datagram),
      deliver: (session, data) => {
        const receiver = this.#receiver;
        if (receiver === undefined) {
          this.#stats.dropped++;
          return;
        }
        this.#stats.applicationRecordsReceived++;
        try {
          receiver.receive(data, session.peer);
        } catch (error) {
          this.#report(error);
        }
      },
      completed: (session) => {
        const slot = this.#slotOf(session);
        if (slot === undefined || slot.pending !== session) return;
        slot.pending = undefined;
        this.#handshakes--;
        const previous = slot.established;
        slot.established = session;
        // a replaced session is reported closed; the count stays (one out, one in)
        if (previous === undefined) this.#sessions++;
        else previous.close('replaced');
        this.#stats.handshakes++;
        this.#emit({
          type: 'handshake-completed',
          peer: session.peer,
          identity: session.identity ?? '',
          cipherSuite: session.suite.name,
          extendedMasterSecret: session.extendedMasterSecret,
        });
      },
      failed: (session, reason, detail) => {
        const slot = this.#slotOf(session);
        if (slot !== undefined && slot.pending === session) {
          slot.pending = undefined;
          this.#handshakes--;
          this.#dropSlotIfEmpty(session.peer, slot);
        }
        this.#failures[reason]++;
        this.#emit({
          type: 'handshake-failed',
          peer: session.peer,
          identity: session.identity,
          reason,
          detail,
        });
      },
      closed: (session, reason: SessionCloseReason) => {
        const slot = this.#slotOf(session);
        if (slot !== undefined && slot.established === session) {
          slot.established = undefined;
          this.#sessions--;
          this.#dropSlotIfEmpty(session.peer, slot);
        }
        this.#emit({ type: 'session-closed', peer: session.peer, identity: session.identity ?? '', reason });
      },
      badRecord: () => {
        this.#stats.badRecordsDropped++;
      },
    };
  }

  #slotOf(session: PeerSession): PeerSlot | undefined {
    return this.#peers.get(peerKeyOf(session.peer));
  }

  #dropSlotIfEmpty(peer: PeerAddress, slot: PeerSlot): void {
    if (slot.established === undefined && slot.pending === undefined) this.#peers.delete(peerKeyOf(peer));
  }

  #sendTo(peer: PeerAddress, datagram: Uint8Array): void {
    const waiting = this.#pendingSends;
    try {
      let done: () => void = () => {};
      if (waiting !== undefined) waiting.push(new Promise<void>((resolve) => (done = resolve)));
      this.#socket.send(datagram, peer.port, peer.address, (error) => {
        done();
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

  #emit(event: DtlsServerEvent): void {
    try {
      this.#options.onEvent?.(event);
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

function checkOptions(options: DtlsServerTransportOptions): SessionSettings {
  if (typeof options.psk?.keyFor !== 'function') {
    throw new CodedError('CONFIG_INVALID', 'psk must be a store with keyFor(identity)');
  }
  const suites = options.cipherSuites ?? DEFAULT_SUITES;
  if (suites.length === 0) throw new CodedError('CONFIG_INVALID', 'no DTLS cipher suite enabled');
  for (const name of suites) {
    if (!Object.hasOwn(CIPHER_SUITES, name)) {
      throw new CodedError(
        'CONFIG_INVALID',
        `unknown cipher suite ${String(name)}; known: ${Object.keys(CIPHER_SUITES).join(', ')}`,
      );
    }
  }
  const hint = options.identityHint === undefined ? undefined : Buffer.from(options.identityHint, 'utf8');
  if (hint !== undefined && hint.length > 65_535) {
    throw new CodedError('CONFIG_INVALID', 'identityHint is longer than 65535 bytes');
  }
  return {
    psk: options.psk,
    identityHint: hint,
    clock: options.clock ?? systemClock,
    random: randomBytes,
    handshakeTimeoutMs: positiveInteger(options.handshakeTimeoutMs, 30_000, 'handshakeTimeoutMs'),
    sessionIdleMs: positiveInteger(options.sessionIdleMs, 600_000, 'sessionIdleMs'),
    retransmitInitialMs: positiveInteger(options.retransmitInitialMs, 1_000, 'retransmitInitialMs'),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
