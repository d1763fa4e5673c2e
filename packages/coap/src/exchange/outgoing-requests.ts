import { CodedError, type ErrorCode } from '@lwm2m-adapters/errors';
import type { CoapOption, PeerAddress } from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import { describePeer } from '../endpoint/peer-key.js';
import type { CoapMessage } from '../message/coap-message.js';
import type { ConfirmableTransmissions } from './confirmable-transmissions.js';
import { type TokenAllocator, tokenKeyOf } from './token-allocator.js';
import { maxTransmitWait } from './transmission-parameters.js';

/** One request message of an exchange (one block of a block-wise transfer). */
export interface RequestMessage {
  readonly code: number;
  readonly options: readonly CoapOption[];
  readonly payload: Uint8Array;
  readonly confirmable: boolean;
  /** For error messages: "POST /rd". */
  readonly summary: string;
}

interface PendingRequest {
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly token: Uint8Array;
  /** False when the caller allocated the token (an observation keeps it past this exchange). */
  readonly ownsToken: boolean;
  readonly key: string;
  readonly summary: string;
  readonly resolve: (response: CoapMessage) => void;
  readonly reject: (error: CodedError) => void;
  stopTransmission: () => void;
  cancelTimer: () => void;
  settled: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
    const where = `CoAP ${request.summary} to ${describePeer(peer)}`;
    if (this.#ctx.closed)
      return Promise.reject(new CodedError('TRANSPORT_CLOSED', `${where}: endpoint closed`));
    if (this.#pending.size >= this.#ctx.limits.maxOutstandingRequests) {
      this.#ctx.counters.requests.failed++;
      return Promise.reject(
        new CodedError('QUEUE_FULL', `${where}: ${this.#pending.size} requests already outstanding`),
      );
    }
    const messageId = this.#ctx.messageIds.tryAllocate(peerKey, request.confirmable);
    if (messageId === undefined) {
      this.#ctx.counters.dropped.messageIdsExhausted++;
      this.#ctx.counters.requests.failed++;
      return Promise.reject(
        new CodedError('QUEUE_FULL', `${where}: every message ID towards the peer is still in its lifetime`),
      );
    }
    let token: Uint8Array;
    try {
      token = ownToken ?? this.#tokens.allocate(peerKey);
    } catch (error) {
      this.#ctx.counters.requests.failed++;
      return Promise.reject(error);
    }
    const key = `${peerKey}#${tokenKeyOf(token)}`;
    const message: CoapMessage = {
      type: request.confirmable ? 'CON' : 'NON',
      code: request.code,
      messageId,
      token,
      options: request.options,
      payload: request.payload,
    };
    return new Promise<CoapMessage>((resolve, reject) => {
      const pending: PendingRequest = {
        peer,
        peerKey,
        token,
        ownsToken: ownToken === undefined,
        key,
        summary: where,
        resolve,
        reject,
        stopTransmission: () => {},
        cancelTimer: () => {},
        settled: false,
      };
      this.#pending.set(pending.key, pending);
      this.#ctx.counters.requests.sent++;
      const waitForResponse = () => {
        if (deadlineAt === undefined) {
          pending.cancelTimer = this.#ctx.timers.start(maxTransmitWait(this.#ctx.params), () =>
            this.#fail(pending, 'COAP_TIMEOUT', 'no response'),
          );
        }
      };
      if (deadlineAt !== undefined) {
        pending.cancelTimer = this.#ctx.timers.start(deadlineAt - this.#ctx.clock.now(), () =>
          this.#fail(pending, 'COAP_TIMEOUT', 'no response before the deadline'),
        );
      }
      if (request.confirmable) {
        const stop = this.#transmissions.start(message, peer, peerKey, {
          acknowledged: (ack) => {
            if (ack.code !== 0 && sameBytes(ack.token, token)) {
              this.#settle(pending, ack);
              return;
            }
            if (ack.code !== 0) this.#ctx.counters.dropped.tokenMismatch++;
            waitForResponse(); // empty ACK: a separate response follows
          },
          reset: () => this.#fail(pending, 'COAP_RESET', 'the peer answered RST'),
          timedOut: () =>
            this.#fail(
              pending,
              'COAP_TIMEOUT',
              `no ACK after ${this.#ctx.params.maxRetransmit} retransmissions`,
            ),
        });
        if (stop === undefined) this.#fail(pending, 'COAP_MESSAGE_INVALID', 'the request cannot be encoded');
        else pending.stopTransmission = stop;
      } else {
        const bytes = this.#ctx.encode(message);
        if (bytes === undefined) {
          this.#fail(pending, 'COAP_MESSAGE_INVALID', 'the request cannot be encoded');
          return;
        }
        this.#transmissions.trackNonConfirmable(peerKey, messageId, () =>
          this.#fail(pending, 'COAP_RESET', 'the peer answered RST'),
        );
        waitForResponse();
        this.#ctx.transmit(bytes, peer);
      }
    });
  }

  /** A CON or NON message with a response code: resolves the request with the same token. */
  handleResponse(peerKey: string, message: CoapMessage): boolean {
    const pending = this.#pending.get(`${peerKey}#${tokenKeyOf(message.token)}`);
    if (pending === undefined) return false;
    this.#settle(pending, message);
    return true;
  }

  /** Fails every outstanding request (close). */
  failAll(code: ErrorCode, reason: string): void {
    for (const pending of [...this.#pending.values()]) this.#fail(pending, code, reason);
  }

  #settle(pending: PendingRequest, response: CoapMessage): void {
    if (!this.#finish(pending)) return;
    this.#ctx.counters.requests.responses++;
    pending.resolve(response);
  }

  #fail(pending: PendingRequest, code: ErrorCode, reason: string): void {
    if (!this.#finish(pending)) return;
    if (code === 'COAP_TIMEOUT') this.#ctx.counters.requests.timeouts++;
    else if (code === 'COAP_RESET') this.#ctx.counters.requests.resets++;
    else this.#ctx.counters.requests.failed++;
    pending.reject(new CodedError(code, `${pending.summary}: ${reason}`));
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
