import { CodedError, type ErrorCode } from '@lwm2m-adapters/errors';
import type { CoapOption, CoapOutgoingRequest, PeerAddress } from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import { describePeer } from '../endpoint/peer-key.js';
import type { CoapMessage } from '../message/coap-message.js';
import type { ConfirmableTransmissions, TransmissionCallbacks } from './confirmable-transmissions.js';
import { type TokenAllocator, tokenKeyOf } from './token-allocator.js';
import { maxTransmitWait } from './transmission-parameters.js';

/** One request message of an exchange (one block of a block-wise transfer). */
export interface RequestMessage {
  readonly code: number;
  readonly options: readonly CoapOption[];
  readonly payload: Uint8Array;
  readonly confirmable: boolean;
  /** The request this message belongs to, named in error messages ("POST /rd"). */
  readonly request: Pick<CoapOutgoingRequest, 'method' | 'uriPath'>;
}

const NOTHING = () => {};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeExchange(message: RequestMessage, peer: PeerAddress): string {
  return `CoAP ${message.request.method} /${message.request.uriPath.join('/')} to ${describePeer(peer)}`;
}

/**
 * One outstanding exchange. It is its own transmission callbacks (no closures per request: a
 * server sends thousands of requests a second).
 */
class PendingRequest implements TransmissionCallbacks {
  stopTransmission: () => void = NOTHING;
  cancelTimer: () => void = NOTHING;
  settled = false;
  resolve: (response: CoapMessage) => void = NOTHING;
  reject: (error: CodedError) => void = NOTHING;

  constructor(
    readonly owner: OutgoingRequests,
    readonly peer: PeerAddress,
    readonly peerKey: string,
    readonly token: Uint8Array,
    /** False when the caller allocated the token (an observation keeps it past this exchange). */
    readonly ownsToken: boolean,
    readonly key: string,
    readonly message: RequestMessage,
    readonly deadlineAt: number | undefined,
  ) {}

  acknowledged(ack: CoapMessage): void {
    if (ack.code !== 0 && sameBytes(ack.token, this.token)) {
      this.owner.settle(this, ack);
      return;
    }
    this.owner.awaitSeparateResponse(this, ack.code !== 0);
  }

  reset(): void {
    this.owner.fail(this, 'COAP_RESET', 'the peer answered RST');
  }

  timedOut(): void {
    this.owner.fail(this, 'COAP_TIMEOUT', undefined);
  }
}

/**
 * Request/response exchanges we start (RFC 7252 §5.2): a CON request is retransmitted until ACKed;
 * its response comes piggy-backed in the ACK or later as a separate response matched by token;
 * a NON request waits for a response by token. Each exchange has a fresh token and message ID.
 */
export class OutgoingRequests {
  readonly #ctx: EndpointContext;
  readonly #transmissions: ConfirmableTransmissions;
  readonly #tokens: TokenAllocator;
  readonly #pending = new Map<string, PendingRequest>();

  constructor(ctx: EndpointContext, transmissions: ConfirmableTransmissions, tokens: TokenAllocator) {
    this.#ctx = ctx;
    this.#transmissions = transmissions;
    this.#tokens = tokens;
  }

  get outstanding(): number {
    return this.#pending.size;
  }

  /**
   * Sends one request and resolves with the response message (any code). Rejects with
   * COAP_TIMEOUT (no ACK after all retransmissions, or no response by `deadlineAt`), COAP_RESET,
   * QUEUE_FULL (too many outstanding, or no free message ID), TRANSPORT_CLOSED or COAP_MESSAGE_INVALID.
   * `ownToken`: a token the caller allocated and keeps (an observation's registration and
   * deregistration requests); otherwise a fresh one is allocated and released with the exchange.
   */
  exchange(
    peer: PeerAddress,
    peerKey: string,
    request: RequestMessage,
    deadlineAt: number | undefined,
    ownToken?: Uint8Array,
  ): Promise<CoapMessage> {
    if (this.#ctx.closed) {
      return Promise.reject(
        new CodedError('TRANSPORT_CLOSED', `${describeExchange(request, peer)}: endpoint closed`),
      );
    }
    if (this.#pending.size >= this.#ctx.limits.maxOutstandingRequests) {
      this.#ctx.counters.requests.failed++;
      const reason = `${this.#pending.size} requests already outstanding`;
      return Promise.reject(new CodedError('QUEUE_FULL', `${describeExchange(request, peer)}: ${reason}`));
    }
    const messageId = this.#ctx.messageIds.tryAllocate(peerKey, request.confirmable);
    if (messageId === undefined) {
      this.#ctx.counters.dropped.messageIdsExhausted++;
      this.#ctx.counters.requests.failed++;
      const reason = 'every message ID towards the peer is still in its lifetime';
      return Promise.reject(new CodedError('QUEUE_FULL', `${describeExchange(request, peer)}: ${reason}`));
    }
    let token: Uint8Array;
    let tokenKey: string;
    try {
      token = ownToken ?? this.#tokens.allocate(peerKey);
      tokenKey = ownToken === undefined ? this.#tokens.lastKey : tokenKeyOf(ownToken);
    } catch (error) {
      this.#ctx.counters.requests.failed++;
      return Promise.reject(error);
    }
    const key = `${peerKey}#${tokenKey}`;
    const pending = new PendingRequest(
      this,
      peer,
      peerKey,
      token,
      ownToken === undefined,
      key,
      request,
      deadlineAt,
    );
    const promise = new Promise<CoapMessage>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.#send(pending, messageId);
    return promise;
  }

  /** A CON or NON message with a response code: resolves the request with the same token. */
  handleResponse(peerKey: string, tokenKey: string, message: CoapMessage): boolean {
    const pending = this.#pending.get(`${peerKey}#${tokenKey}`);
    if (pending === undefined) return false;
    this.settle(pending, message);
    return true;
  }

  /** Fails every outstanding request (close). */
  failAll(code: ErrorCode, reason: string): void {
    for (const pending of [...this.#pending.values()]) this.fail(pending, code, reason);
  }

  /** An empty ACK (or one whose token differs): a separate response follows, awaited by token. */
  awaitSeparateResponse(pending: PendingRequest, tokenMismatch: boolean): void {
    if (tokenMismatch) this.#ctx.counters.dropped.tokenMismatch++;
    this.#awaitResponse(pending);
  }

  settle(pending: PendingRequest, response: CoapMessage): void {
    if (!this.#finish(pending)) return;
    this.#ctx.counters.requests.responses++;
    pending.resolve(response);
  }

  /** `reason` undefined: no ACK after MAX_RETRANSMIT retransmissions. */
  fail(pending: PendingRequest, code: ErrorCode, reason: string | undefined): void {
    if (!this.#finish(pending)) return;
    if (code === 'COAP_TIMEOUT') this.#ctx.counters.requests.timeouts++;
    else if (code === 'COAP_RESET') this.#ctx.counters.requests.resets++;
    else this.#ctx.counters.requests.failed++;
    const why = reason ?? `no ACK after ${this.#ctx.params.maxRetransmit} retransmissions`;
    pending.reject(new CodedError(code, `${describeExchange(pending.message, pending.peer)}: ${why}`));
  }

  #send(pending: PendingRequest, messageId: number): void {
    const { peer, peerKey, token, message: request } = pending;
    this.#pending.set(pending.key, pending);
    this.#ctx.counters.requests.sent++;
    if (pending.deadlineAt !== undefined) {
      pending.cancelTimer = this.#ctx.timers.start(pending.deadlineAt - this.#ctx.clock.now(), () =>
        this.fail(pending, 'COAP_TIMEOUT', 'no response before the deadline'),
      );
    }
    const message: CoapMessage = {
      type: request.confirmable ? 'CON' : 'NON',
      code: request.code,
      messageId,
      token,
      options: request.options,
      payload: request.payload,
    };
    if (request.confirmable) {
      const stop = this.#transmissions.start(message, peer, peerKey, pending);
      if (stop === undefined) this.fail(pending, 'COAP_MESSAGE_INVALID', 'the request cannot be encoded');
      else pending.stopTransmission = stop;
      return;
    }
    const bytes = this.#ctx.encode(message);
    if (bytes === undefined) {
      this.fail(pending, 'COAP_MESSAGE_INVALID', 'the request cannot be encoded');
      return;
    }
    this.#transmissions.trackNonConfirmable(peerKey, messageId, () => pending.reset());
    this.#awaitResponse(pending);
    this.#ctx.transmit(bytes, peer);
  }

  /** Without a deadline, a response announced by an empty ACK (or to a NON) is awaited MAX_TRANSMIT_WAIT. */
  #awaitResponse(pending: PendingRequest): void {
    if (pending.deadlineAt !== undefined || pending.settled) return;
    pending.cancelTimer = this.#ctx.timers.start(maxTransmitWait(this.#ctx.params), () =>
      this.fail(pending, 'COAP_TIMEOUT', 'no response'),
    );
  }

  #finish(pending: PendingRequest): boolean {
    if (pending.settled) return false;
    pending.settled = true;
    pending.stopTransmission();
    pending.cancelTimer();
    this.#pending.delete(pending.key);
    if (pending.ownsToken) this.#tokens.release(pending.peerKey, pending.token);
    return true;
  }
}
