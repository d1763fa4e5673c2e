/**
 * One client's DTLS 1.2 PSK session on the server, from the ClientHello that carried a valid
 * cookie to its end: the handshake (RFC 6347 §4.2, RFC 5246 §7.3, RFC 4279 §2) and then the
 * protected records of epoch 1.
 *
 *   ClientHello(cookie) → ServerHello, [ServerKeyExchange(hint)], ServerHelloDone
 *   ClientKeyExchange, ChangeCipherSpec, Finished → ChangeCipherSpec, Finished
 *
 * The session owns no socket: it hands datagrams to its host (the transport), reports what
 * happened through the host, and keeps its own timers on the host's Clock.
 */

import { createHash, type Hash, timingSafeEqual } from 'node:crypto';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { Clock } from '@lwm2m-adapters/kit';
import type { CipherSuite, RecordProtection } from './cipher-suites.js';
import type { HandshakeFailureReason, SessionCloseReason } from './dtls-server-events.js';
import {
  type ClientHello,
  describeHandshakeType,
  encodeHandshakeMessage,
  encodeServerHello,
  encodeServerKeyExchangePsk,
  parseClientKeyExchangePsk,
  parseHandshakeFragments,
} from './handshake-messages.js';
import { type HandshakeMessage, HandshakeReassembler } from './handshake-reassembler.js';
import {
  expandKeys,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  pskPremasterSecret,
} from './key-derivation.js';
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  DTLS_1_2,
  describeAlert,
  ExtensionType,
  HandshakeType,
  MAX_PLAINTEXT,
  MAX_SEQUENCE_NUMBER,
} from './protocol-numbers.js';
import { type DtlsRecord, encodeRecord } from './record-layer.js';
import { ReplayWindow } from './replay-window.js';
import { TlsDecodeError } from './tls-wire.js';

/** The PSK store: a key for an identity, or undefined when the identity is unknown. */
export interface PskStore {
  keyFor(identity: string): Uint8Array | undefined;
}

export interface SessionSettings {
  readonly psk: PskStore;
  readonly identityHint: Uint8Array | undefined;
  readonly clock: Clock;
  readonly random: (length: number) => Uint8Array;
  readonly handshakeTimeoutMs: number;
  readonly sessionIdleMs: number;
  /** First retransmission of the server's hello flight when the client stays silent; doubles each time. */
  readonly retransmitInitialMs: number;
}

/** What a session tells its transport. */
export interface SessionHost {
  send(session: PeerSession, datagram: Uint8Array): void;
  deliver(session: PeerSession, data: Uint8Array): void;
  completed(session: PeerSession): void;
  failed(session: PeerSession, reason: HandshakeFailureReason, detail: string): void;
  closed(session: PeerSession, reason: SessionCloseReason): void;
  /** A record that parsed but made no sense here (dropped, counted). */
  badRecord(session: PeerSession): void;
}

export interface NegotiatedHello {
  readonly suite: CipherSuite;
  readonly extendedMasterSecret: boolean;
  readonly secureRenegotiation: boolean;
}

type SessionState = 'awaiting-client-key-exchange' | 'awaiting-finished' | 'established' | 'ended';

/** A record of a flight, kept to be sealed again with a new record sequence number on retransmission. */
interface FlightRecord {
  readonly type: number;
  readonly epoch: number;
  readonly plaintext: Uint8Array;
}

export type UnprotectResult = Uint8Array | 'replayed' | 'unauthenticated';

const CHANGE_CIPHER_SPEC = Uint8Array.of(1);
const MAX_RETRANSMISSIONS = 5;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class PeerSession {
  readonly peer: PeerAddress;
  readonly suite: CipherSuite;
  readonly extendedMasterSecret: boolean;
  readonly clientRandom: Uint8Array;
  readonly #serverRandom: Uint8Array;
  readonly #secureRenegotiation: boolean;
  readonly #settings: SessionSettings;
  readonly #host: SessionHost;
  readonly #transcript: Hash = createHash('sha256');
  readonly #reassembler: HandshakeReassembler;
  /**
   * Replay protection for epoch 1 only: epoch-0 records are not authenticated, so a window there
   * could be pushed ahead by anyone able to spoof the client's address; duplicate epoch-0
   * handshake messages are recognised by their message_seq instead.
   */
  readonly #window = new ReplayWindow();
  readonly #writeSequence = [0, 0];
  #state: SessionState = 'awaiting-client-key-exchange';
  #nextServerMessageSeq: number;
  #identity: string | undefined;
  #master: Uint8Array | undefined;
  #readProtection: RecordProtection | undefined;
  #writeProtection: RecordProtection | undefined;
  #lastFlight: FlightRecord[] = [];
  #lastActivity: number;
  #retransmissions = 0;
  #cancelHandshakeTimer: () => void = () => {};
  #cancelRetransmitTimer: () => void = () => {};
  #cancelIdleTimer: () => void = () => {};

  /**
   * Starts the handshake for a ClientHello that carried a valid cookie: sends the server's hello
   * flight. `recordSequence` is the ClientHello's record sequence number (the server's epoch-0
   * numbering continues from it, RFC 6347 §4.2.1).
   */
  constructor(
    peer: PeerAddress,
    hello: ClientHello,
    helloMessageSeq: number,
    helloBody: Uint8Array,
    recordSequence: number,
    negotiated: NegotiatedHello,
    settings: SessionSettings,
    host: SessionHost,
  ) {
    this.peer = peer;
    this.suite = negotiated.suite;
    this.extendedMasterSecret = negotiated.extendedMasterSecret;
    this.#secureRenegotiation = negotiated.secureRenegotiation;
    this.clientRandom = Uint8Array.from(hello.random);
    this.#settings = settings;
    this.#host = host;
    this.#serverRandom = settings.random(32);
    this.#reassembler = new HandshakeReassembler(helloMessageSeq + 1);
    this.#nextServerMessageSeq = helloMessageSeq;
    this.#writeSequence[0] = recordSequence;
    this.#lastActivity = settings.clock.now();
    this.#transcript.update(encodeHandshakeMessage(HandshakeType.clientHello, helloMessageSeq, helloBody));
    this.#cancelHandshakeTimer = settings.clock.setTimer(settings.handshakeTimeoutMs, () =>
      this.fail('timeout', `no complete handshake within ${settings.handshakeTimeoutMs} ms`, undefined),
    );
    this.#sendHelloFlight();
  }

  /** The authenticated PSK identity (once the ClientKeyExchange was accepted). */
  get identity(): string | undefined {
    return this.#identity;
  }

  get established(): boolean {
    return this.#state === 'established';
  }

  get ended(): boolean {
    return this.#state === 'ended';
  }

  /** Keys for epoch 1 exist: after the ClientKeyExchange. */
  canRead(epoch: number): boolean {
    if (this.#state === 'ended') return false;
    return epoch === 0 || (epoch === 1 && this.#readProtection !== undefined);
  }

  /** Waiting for the client's Finished: an epoch-1 record that does not authenticate means another key. */
  get awaitingFinished(): boolean {
    return this.#state === 'awaiting-finished';
  }

  /** Epoch 1: replay check, then authentication; the window moves only for an authentic record. */
  unprotect(record: DtlsRecord): UnprotectResult {
    if (record.epoch === 0) {
      return record.fragment.length > MAX_PLAINTEXT ? 'unauthenticated' : record.fragment;
    }
    if (record.epoch !== 1 || record.version !== DTLS_1_2) return 'unauthenticated';
    if (!this.#window.mayAccept(record.sequenceNumber)) return 'replayed';
    const plaintext = this.#readProtection?.open(
      record.type,
      record.version,
      record.epoch,
      record.sequenceNumber,
      record.fragment,
    );
    if (plaintext === undefined || plaintext.length > MAX_PLAINTEXT) return 'unauthenticated';
    this.#window.mark(record.sequenceNumber);
    return plaintext;
  }

  /** Processes an authentic record's plaintext. */
  handle(record: DtlsRecord, plaintext: Uint8Array): void {
    if (this.#state === 'ended') return;
    this.#lastActivity = this.#settings.clock.now();
    switch (record.type) {
      case ContentType.applicationData:
        if (this.#state === 'established' && record.epoch === 1) this.#host.deliver(this, plaintext);
        else this.#host.badRecord(this);
        return;
      case ContentType.alert:
        this.#onAlert(record, plaintext);
        return;
      case ContentType.changeCipherSpec:
        // DTLS records carry their epoch, so the switch needs no bookkeeping: an authentic epoch-1
        // record proves it. A CCS that is not the single byte 1 is malformed.
        if (plaintext.length !== 1 || plaintext[0] !== 1) this.#host.badRecord(this);
        return;
      case ContentType.handshake:
        this.#onHandshakeRecord(record, plaintext);
        return;
      default:
        this.#host.badRecord(this);
    }
  }

  /** The same ClientHello came again: the client missed the hello flight. */
  onClientHelloRetransmitted(): void {
    if (this.#state === 'awaiting-client-key-exchange') this.#retransmit();
  }

  /** Application data to the client. False when the session cannot send (not established, sequence exhausted). */
  sendApplicationData(data: Uint8Array): boolean {
    if (this.#state !== 'established') return false;
    return this.#sendRecords([{ type: ContentType.applicationData, epoch: 1, plaintext: data }]);
  }

  /** Ends the handshake with a fatal alert (when given) and reports the failure. */
  fail(reason: HandshakeFailureReason, detail: string, alert: number | undefined): void {
    if (this.#state === 'ended' || this.#state === 'established') return;
    if (alert !== undefined) this.#sendAlert(AlertLevel.fatal, alert);
    this.#end();
    this.#host.failed(this, reason, detail);
  }

  /**
   * Ends an established session: close_notify is sent unless the reason says the client has
   * gone (replaced by its new session) or already ended it (fatal alert). Reports the close.
   */
  close(reason: SessionCloseReason): void {
    if (this.#state !== 'established') return;
    if (reason === 'idle' || reason === 'transport-closed' || reason === 'close-notify') {
      this.#sendAlert(AlertLevel.warning, AlertDescription.closeNotify);
    }
    this.#end();
    this.#host.closed(this, reason);
  }

  /** Drops a handshake without a word (a newer ClientHello from the same peer supersedes it). */
  abandon(): void {
    this.#end();
  }

  /** Read through a method: TypeScript would narrow the field across the calls that change it. */
  #handshaking(): boolean {
    return this.#state === 'awaiting-client-key-exchange' || this.#state === 'awaiting-finished';
  }

  #end(): void {
    this.#state = 'ended';
    this.#cancelHandshakeTimer();
    this.#cancelRetransmitTimer();
    this.#cancelIdleTimer();
  }

  #onAlert(record: DtlsRecord, plaintext: Uint8Array): void {
    if (plaintext.length !== 2) {
      this.#host.badRecord(this);
      return;
    }
    const [level, description] = [plaintext[0]!, plaintext[1]!];
    if (this.#state === 'established') {
      // a plaintext alert cannot end a protected session: anyone could forge it
      if (record.epoch === 0) return;
      if (description === AlertDescription.closeNotify) this.close('close-notify');
      else if (level === AlertLevel.fatal) this.close('fatal-alert');
      return;
    }
    if (level === AlertLevel.fatal || description === AlertDescription.closeNotify) {
      this.fail('protocol-error', `the client sent the alert ${describeAlert(description)}`, undefined);
    }
  }

  #onHandshakeRecord(record: DtlsRecord, plaintext: Uint8Array): void {
    let fragments: ReturnType<typeof parseHandshakeFragments>;
    try {
      fragments = parseHandshakeFragments(plaintext);
    } catch (error) {
      this.#onDecodeError(error);
      return;
    }
    if (this.#state === 'established') {
      this.#onHandshakeAfterEstablished(record, fragments);
      return;
    }
    for (const fragment of fragments) {
      try {
        this.#reassembler.add(fragment);
      } catch (error) {
        this.#onDecodeError(error);
        return;
      }
    }
    for (let message = this.#reassembler.next(); message !== undefined; message = this.#reassembler.next()) {
      try {
        this.#onHandshakeMessage(record.epoch, message);
      } catch (error) {
        this.#onDecodeError(error);
        return;
      }
      if (!this.#handshaking()) return;
    }
  }

  #onHandshakeAfterEstablished(
    record: DtlsRecord,
    fragments: ReturnType<typeof parseHandshakeFragments>,
  ): void {
    if (record.epoch === 0) return; // the client's last flight again, in the clear: the Finished says more
    for (const fragment of fragments) {
      if (fragment.msgType === HandshakeType.finished && fragment.messageSeq < this.#reassembler.nextSeq) {
        // the client did not get our Finished and sent its flight again (RFC 6347 §4.2.4)
        this.#retransmit();
        return;
      }
      if (fragment.msgType === HandshakeType.clientHello) {
        this.#sendAlert(AlertLevel.warning, AlertDescription.noRenegotiation);
        return;
      }
    }
  }

  #onHandshakeMessage(epoch: number, message: HandshakeMessage): void {
    if (this.#state === 'awaiting-client-key-exchange') {
      if (message.msgType !== HandshakeType.clientKeyExchange || epoch !== 0) {
        this.#unexpected(message, epoch);
        return;
      }
      this.#onClientKeyExchange(message);
      return;
    }
    if (message.msgType !== HandshakeType.finished || epoch !== 1) {
      this.#unexpected(message, epoch);
      return;
    }
    this.#onFinished(message);
  }

  #onClientKeyExchange(message: HandshakeMessage): void {
    const identityBytes = parseClientKeyExchangePsk(message.body);
    let identity: string;
    try {
      identity = strictUtf8.decode(identityBytes);
    } catch {
      this.fail(
        'unknown-psk-identity',
        `the PSK identity (hex ${Buffer.from(identityBytes).toString('hex')}) is not UTF-8`,
        AlertDescription.unknownPskIdentity,
      );
      return;
    }
    let key: Uint8Array | undefined;
    try {
      key = identity === '' ? undefined : this.#settings.psk.keyFor(identity);
    } catch (error) {
      this.#identity = identity;
      this.fail(
        'protocol-error',
        `the PSK store failed for identity ${JSON.stringify(identity)}: ${String(error)}`,
        AlertDescription.internalError,
      );
      return;
    }
    if (key === undefined || key.length === 0) {
      this.fail(
        'unknown-psk-identity',
        `no PSK for identity ${JSON.stringify(identity)}`,
        AlertDescription.unknownPskIdentity,
      );
      return;
    }
    this.#identity = identity;
    this.#transcript.update(encodeHandshakeMessage(message.msgType, message.messageSeq, message.body));
    const premaster = pskPremasterSecret(key);
    this.#master = this.extendedMasterSecret
      ? extendedMasterSecret(premaster, this.#transcript.copy().digest())
      : masterSecret(premaster, this.clientRandom, this.#serverRandom);
    const keys = expandKeys(this.#master, this.clientRandom, this.#serverRandom, this.suite.keyLengths);
    this.#readProtection = this.suite.protection(keys.client);
    this.#writeProtection = this.suite.protection(keys.server);
    this.#state = 'awaiting-finished';
    this.#cancelRetransmitTimer();
  }

  #onFinished(message: HandshakeMessage): void {
    const master = this.#master!;
    const expected = finishedVerifyData(master, 'client', this.#transcript.copy().digest());
    if (message.body.length !== expected.length || !timingSafeEqual(message.body, expected)) {
      this.fail(
        'bad-finished',
        `the client's Finished does not verify: its PSK for identity ${JSON.stringify(this.#identity)} differs from the stored one`,
        AlertDescription.decryptError,
      );
      return;
    }
    this.#transcript.update(encodeHandshakeMessage(message.msgType, message.messageSeq, message.body));
    const verifyData = finishedVerifyData(master, 'server', this.#transcript.copy().digest());
    const finished = encodeHandshakeMessage(HandshakeType.finished, this.#nextServerMessageSeq++, verifyData);
    this.#lastFlight = [
      { type: ContentType.changeCipherSpec, epoch: 0, plaintext: CHANGE_CIPHER_SPEC },
      { type: ContentType.handshake, epoch: 1, plaintext: finished },
    ];
    this.#sendRecords(this.#lastFlight);
    this.#state = 'established';
    this.#cancelHandshakeTimer();
    this.#armIdleTimer(this.#settings.sessionIdleMs);
    this.#host.completed(this);
  }

  #unexpected(message: HandshakeMessage, epoch: number): void {
    this.fail(
      'protocol-error',
      `unexpected ${describeHandshakeType(message.msgType)} in epoch ${epoch} while ${this.#state}`,
      AlertDescription.unexpectedMessage,
    );
  }

  #onDecodeError(error: unknown): void {
    if (!(error instanceof TlsDecodeError)) throw error;
    if (this.#state === 'established') {
      this.#host.badRecord(this);
      return;
    }
    this.fail(
      'protocol-error',
      `malformed handshake message: ${error.message}`,
      AlertDescription.decodeError,
    );
  }

  #sendHelloFlight(): void {
    const extensions: [number, Uint8Array][] = [];
    if (this.#secureRenegotiation) extensions.push([ExtensionType.renegotiationInfo, Uint8Array.of(0)]);
    if (this.extendedMasterSecret) extensions.push([ExtensionType.extendedMasterSecret, new Uint8Array(0)]);
    const messages = [
      encodeHandshakeMessage(
        HandshakeType.serverHello,
        this.#nextServerMessageSeq++,
        encodeServerHello({
          version: DTLS_1_2,
          random: this.#serverRandom,
          // an empty session_id: this server does not cache sessions for resumption
          sessionId: new Uint8Array(0),
          cipherSuite: this.suite.id,
          extensions,
        }),
      ),
    ];
    const hint = this.#settings.identityHint;
    if (hint !== undefined) {
      messages.push(
        encodeHandshakeMessage(
          HandshakeType.serverKeyExchange,
          this.#nextServerMessageSeq++,
          encodeServerKeyExchangePsk(hint),
        ),
      );
    }
    messages.push(
      encodeHandshakeMessage(HandshakeType.serverHelloDone, this.#nextServerMessageSeq++, new Uint8Array(0)),
    );
    for (const message of messages) this.#transcript.update(message);
    this.#lastFlight = messages.map((plaintext) => ({ type: ContentType.handshake, epoch: 0, plaintext }));
    this.#sendRecords(this.#lastFlight);
    this.#armRetransmitTimer(this.#settings.retransmitInitialMs);
  }

  #armRetransmitTimer(delayMs: number): void {
    this.#cancelRetransmitTimer();
    this.#cancelRetransmitTimer = this.#settings.clock.setTimer(delayMs, () => {
      if (this.#state !== 'awaiting-client-key-exchange' || this.#retransmissions >= MAX_RETRANSMISSIONS)
        return;
      this.#retransmit();
      this.#armRetransmitTimer(delayMs * 2);
    });
  }

  #retransmit(): void {
    this.#retransmissions++;
    this.#sendRecords(this.#lastFlight);
  }

  #armIdleTimer(delayMs: number): void {
    this.#cancelIdleTimer = this.#settings.clock.setTimer(delayMs, () => {
      if (this.#state !== 'established') return;
      const idleFor = this.#settings.clock.now() - this.#lastActivity;
      if (idleFor >= this.#settings.sessionIdleMs) this.close('idle');
      else this.#armIdleTimer(this.#settings.sessionIdleMs - idleFor);
    });
  }

  #sendAlert(level: number, description: number): void {
    const epoch = this.#state === 'established' ? 1 : 0;
    this.#sendRecords([{ type: ContentType.alert, epoch, plaintext: Uint8Array.of(level, description) }]);
  }

  /**
   * Seals the records with fresh sequence numbers, all in one datagram (a flight is small: no
   * outgoing fragmentation). False when a sequence number would pass 2^48 - 1.
   */
  #sendRecords(records: readonly FlightRecord[]): boolean {
    const sealed: Uint8Array[] = [];
    for (const { type, epoch, plaintext } of records) {
      const sequence = this.#writeSequence[epoch]!;
      if (sequence > MAX_SEQUENCE_NUMBER) return false;
      this.#writeSequence[epoch] = sequence + 1;
      const fragment =
        epoch === 0 ? plaintext : this.#writeProtection!.seal(type, DTLS_1_2, epoch, sequence, plaintext);
      sealed.push(encodeRecord(type, DTLS_1_2, epoch, sequence, fragment));
    }
    this.#host.send(this, sealed.length === 1 ? sealed[0]! : Buffer.concat(sealed));
    return true;
  }
}
