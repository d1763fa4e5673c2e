import { CodedError } from '@lwm2m-adapters/errors';
import {
  type BlockwiseRequestSettings,
  blockOf,
  completeBlock2,
  contentFormatOf,
  locationPathOf,
  requestOptions,
  requestSummary,
  toIncomingResponse,
} from '../blockwise/blockwise-request.js';
import type {
  CoapCancelOptions,
  CoapIncomingResponse,
  CoapNotification,
  CoapObservation,
  CoapObservationEnd,
  CoapObserveRequest,
  PeerAddress,
} from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import { describePeer } from '../endpoint/peer-key.js';
import type { RequestMessage } from '../exchange/outgoing-requests.js';
import type { TokenAllocator } from '../exchange/token-allocator.js';
import { codeOfMethod, responseCodeOf } from '../message/coap-codes.js';
import { type CoapMessage, codeClass, EMPTY_BYTES } from '../message/coap-message.js';
import { decodeUintOption, firstOption, OptionNumber, uintOption } from '../message/coap-options.js';
import { isNewerNotification } from './observe-sequence.js';

/** Observe option values of the registration and deregistration requests (RFC 7641 §2). */
const OBSERVE_REGISTER = 0;
const OBSERVE_DEREGISTER = 1;

/** Receives the notifications of one observation. A listener that throws is counted, never fatal. */
export type CoapNotificationListener = (notification: CoapNotification) => void;

/** The parts of the endpoint the observer works with. */
export interface ObserverParts {
  readonly tokens: TokenAllocator;
  /** One request message; `ownToken` keeps the observation's token instead of a fresh one. */
  exchange(
    peer: PeerAddress,
    peerKey: string,
    message: RequestMessage,
    deadlineAt: number | undefined,
    ownToken?: Uint8Array,
  ): Promise<CoapMessage>;
  /** Block-wise settings whose follow-up requests go to `peer`. */
  blockwise(peer: PeerAddress, peerKey: string, deadlineAt: number | undefined): BlockwiseRequestSettings;
}

type Phase = 'starting' | 'established' | 'cancelling' | 'ended';

export interface HeldObservation {
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly key: string;
  readonly token: Uint8Array;
  readonly request: CoapObserveRequest;
  readonly onNotification: CoapNotificationListener;
  phase: Phase;
  /** Set when the observation is over; `ended` promises wait for it (created only when asked for). */
  endReason: CoapObservationEnd | undefined;
  endWaiters: ((reason: CoapObservationEnd) => void)[] | undefined;
  /** Observe number and reception time of the last response accepted (RFC 7641 §3.4). */
  sequence: number;
  receivedAt: number;
  /** Counts accepted notifications: a block-wise one still being fetched is delivered only if no newer one came. */
  generation: number;
  /** The freshest notification that arrived before the first response was handled. */
  early: { readonly message: CoapMessage; readonly receivedAt: number } | undefined;
}

const NOTHING_TO_DELIVER = () => {};

function describeObserve(request: CoapObserveRequest, peer: PeerAddress): string {
  return `CoAP ${requestSummary(request)} to ${describePeer(peer)}`;
}

function observeNumberOf(message: CoapMessage): number | undefined {
  const option = firstOption(message.options, OptionNumber.Observe);
  return option === undefined ? undefined : decodeUintOption(option.value, 3);
}

function observeNumberOfResponse(response: CoapIncomingResponse): number | undefined {
  const option = response.options.find((o) => o.number === OptionNumber.Observe);
  return option === undefined ? undefined : decodeUintOption(option.value, 3);
}

class ObservationHandle implements CoapObservation {
  readonly peer: PeerAddress;
  readonly token: Uint8Array;
  readonly response: CoapIncomingResponse;
  readonly observing: boolean;
  readonly #observer: Observer;
  readonly #held: HeldObservation;
  #ended: Promise<CoapObservationEnd> | undefined;

  constructor(observer: Observer, held: HeldObservation, response: CoapIncomingResponse) {
    this.peer = held.peer;
    this.token = held.token;
    this.response = response;
    this.observing = held.phase === 'established';
    this.#observer = observer;
    this.#held = held;
  }

  get ended(): Promise<CoapObservationEnd> {
    this.#ended ??= this.#observer.ended(this.#held);
    return this.#ended;
  }

  cancel(options: CoapCancelOptions = {}): Promise<CoapIncomingResponse | undefined> {
    return this.#observer.cancel(this.#held, options);
  }

  [Symbol.dispose](): void {
    void this.#observer.cancel(this.#held, { active: false });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#observer.cancel(this.#held, { active: true });
    } catch {
      // forgotten locally all the same; the next notification gets RST
    }
  }
}

/**
 * The observer role of RFC 7641: observations this endpoint registered at peers, by (peer, token).
 * Notifications are matched by peer and token and delivered when newer than the last one by the
 * Observe-number rule of §3.4 (older ones are acknowledged and dropped); a response without Observe
 * or with a code other than 2.xx ends the observation (§3.2). A notification carrying the first
 * Block2 block is completed with follow-up requests without Observe (RFC 7959 §2.6) and delivered
 * whole, unless a newer notification arrived meanwhile. Cancellation is passive (forget: the next
 * notification gets RST, §3.6) or active (GET/FETCH with Observe=1 and the same token). Bounded
 * by `limits.maxObserving`.
 *
 * Not done here: re-registering when Max-Age passes without a notification (§3.3.1; the caller
 * observes again if it wants to), and a registration body in Block1 blocks (a FETCH body must fit
 * one datagram). Duplicates of a notification are not remembered as exchanges: the Observe-number
 * rule finds them not newer (counted as out of order) and a CON one is ACKed again.
 */
export class Observer {
  readonly #ctx: EndpointContext;
  readonly #parts: ObserverParts;
  readonly #held = new Map<string, HeldObservation>();

  constructor(ctx: EndpointContext, parts: ObserverParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  /** Observations held now (being registered, established or being deregistered). */
  get size(): number {
    return this.#held.size;
  }

  /**
   * Registers an observation: the request goes out with Observe=0 and a token kept for the
   * observation; resolves with the first response. Rejects like `request()`, and with QUEUE_FULL
   * when `maxObserving` observations are held.
   */
  start(
    peer: PeerAddress,
    peerKey: string,
    request: CoapObserveRequest,
    onNotification: CoapNotificationListener,
    deadlineAt: number | undefined,
  ): Promise<CoapObservation> {
    const counters = this.#ctx.counters;
    if (this.#ctx.closed) {
      return Promise.reject(
        new CodedError('TRANSPORT_CLOSED', `${describeObserve(request, peer)}: endpoint closed`),
      );
    }
    if (request.method !== 'GET' && request.method !== 'FETCH') {
      return Promise.reject(
        new CodedError(
          'COAP_MESSAGE_INVALID',
          `${describeObserve(request, peer)}: only GET and FETCH can observe`,
        ),
      );
    }
    if (this.#held.size >= this.#ctx.limits.maxObserving) {
      counters.observing.refused++;
      const reason = `${this.#held.size} observations already held (limit maxObserving)`;
      return Promise.reject(new CodedError('QUEUE_FULL', `${describeObserve(request, peer)}: ${reason}`));
    }
    let token: Uint8Array;
    try {
      token = this.#parts.tokens.allocate(peerKey);
    } catch (error) {
      return Promise.reject(error);
    }
    const held: HeldObservation = {
      peer,
      peerKey,
      key: `${peerKey}#${this.#parts.tokens.lastKey}`,
      token,
      request,
      onNotification,
      phase: 'starting',
      endReason: undefined,
      endWaiters: undefined,
      sequence: 0,
      receivedAt: 0,
      generation: 0,
      early: undefined,
    };
    this.#held.set(held.key, held);
    return this.#perform(held, codeOfMethod(request.method)!, OBSERVE_REGISTER, deadlineAt).then(
      (response) => this.#registered(held, response),
      (error: unknown) => {
        this.#end(held, 'not-accepted');
        throw error;
      },
    );
  }

  /** The first response to the registration: established when 2.xx with Observe. */
  #registered(held: HeldObservation, response: CoapIncomingResponse): CoapObservation {
    if (held.phase !== 'starting') return new ObservationHandle(this, held, response); // closed meanwhile
    const observe = observeNumberOfResponse(response);
    if (!response.code.startsWith('2.') || observe === undefined) {
      this.#end(held, 'not-accepted');
      return new ObservationHandle(this, held, response);
    }
    held.phase = 'established';
    held.sequence = observe;
    held.receivedAt = this.#ctx.clock.now();
    this.#ctx.counters.observing.established++;
    const early = held.early;
    if (early !== undefined) {
      held.early = undefined;
      // after the caller has the first response: it must not see a later value before it
      this.#ctx.timers.start(0, () => {
        if (held.phase === 'established') this.#accept(held, early.message, early.receivedAt)();
      });
    }
    return new ObservationHandle(this, held, response);
  }

  /** Settles when `held` is over (at once when it is). */
  ended(held: HeldObservation): Promise<CoapObservationEnd> {
    const reason = held.endReason;
    if (reason !== undefined) return Promise.resolve(reason);
    return new Promise((resolve) => {
      held.endWaiters ??= [];
      held.endWaiters.push(resolve);
    });
  }

  /**
   * The fast path for the bulk of the traffic: a 2.xx response with Observe on the token of an
   * established observation. Its delivery (a no-op when it is not newer), to run after the endpoint
   * ACKed a CON; undefined for anything else, which goes through `accept` after de-duplication
   * and the outstanding requests.
   */
  notification(peerKey: string, tokenKey: string, message: CoapMessage): (() => void) | undefined {
    const held = this.#held.get(`${peerKey}#${tokenKey}`);
    if (held === undefined || held.phase !== 'established') return undefined;
    if (codeClass(message.code) !== 2 || observeNumberOf(message) === undefined) return undefined;
    return this.#accept(held, message, this.#ctx.clock.now());
  }

  /**
   * A CON or NON response that matched no outstanding request. Undefined when its (peer, token)
   * is no observation of ours (the endpoint answers RST); otherwise the delivery to run after the
   * endpoint acknowledged a CON (a no-op for a notification that is dropped).
   */
  accept(peerKey: string, tokenKey: string, message: CoapMessage): (() => void) | undefined {
    const held = this.#held.get(`${peerKey}#${tokenKey}`);
    if (held === undefined) return undefined;
    const now = this.#ctx.clock.now();
    switch (held.phase) {
      case 'starting':
        this.#keepEarly(held, message, now);
        return NOTHING_TO_DELIVER;
      case 'established':
        return this.#accept(held, message, now);
      default:
        // being deregistered: acknowledged, not delivered
        return NOTHING_TO_DELIVER;
    }
  }

  /** Ends every observation 'closed' (the endpoint closes). */
  endAll(): void {
    for (const held of [...this.#held.values()]) this.#end(held, 'closed');
  }

  /**
   * The registration (Observe=0) or deregistration (Observe=1) request: one datagram on the
   * observation's token (COAP_MESSAGE_INVALID when it does not fit), then the Block2 blocks of a
   * large response fetched without Observe (RFC 7959 §2.6).
   */
  #perform(
    held: HeldObservation,
    code: number,
    observe: number,
    deadlineAt: number | undefined,
  ): Promise<CoapIncomingResponse> {
    const { peer, peerKey, token, request } = held;
    const registration = this.#parts.exchange(
      peer,
      peerKey,
      {
        code,
        options: requestOptions(request, this.#ctx.options, uintOption(OptionNumber.Observe, observe)),
        payload: request.payload ?? EMPTY_BYTES,
        confirmable: request.confirmable ?? true,
        request,
      },
      deadlineAt,
      token,
    );
    return registration.then((message) =>
      blockOf(message, OptionNumber.Block2)?.more === true
        ? completeBlock2(this.#parts.blockwise(peer, peerKey, deadlineAt), request, message)
        : toIncomingResponse(message, message.payload),
    );
  }

  /** A notification before the first response was handled: keep the newest (a final one wins). */
  #keepEarly(held: HeldObservation, message: CoapMessage, receivedAt: number): void {
    const kept = held.early;
    if (kept !== undefined) {
      const keptNumber = observeNumberOf(kept.message);
      const number = observeNumberOf(message);
      const keptIsFinal = keptNumber === undefined || codeClass(kept.message.code) !== 2;
      const newer =
        number === undefined ||
        codeClass(message.code) !== 2 ||
        (!keptIsFinal && isNewerNotification(keptNumber, kept.receivedAt, number, receivedAt));
      if (!newer) {
        this.#ctx.counters.observing.outOfOrder++;
        return;
      }
    }
    held.early = { message, receivedAt };
  }

  /** An established observation's notification: freshness, final responses, Block2. */
  #accept(held: HeldObservation, message: CoapMessage, receivedAt: number): () => void {
    const counters = this.#ctx.counters;
    const observe = observeNumberOf(message);
    const final = observe === undefined || codeClass(message.code) !== 2;
    if (final) {
      counters.observing.final++;
      this.#end(held, 'final');
    } else {
      if (!isNewerNotification(held.sequence, held.receivedAt, observe, receivedAt)) {
        counters.observing.outOfOrder++;
        return NOTHING_TO_DELIVER;
      }
      held.sequence = observe;
      held.receivedAt = receivedAt;
    }
    const generation = ++held.generation;
    const confirmable = message.type === 'CON';
    const block2 = blockOf(message, OptionNumber.Block2);
    if (block2 === undefined || !block2.more) {
      const notification: CoapNotification = {
        code: responseCodeOf(message.code),
        contentFormat: contentFormatOf(message.options),
        // a view, like the options: the endpoint's caller never reuses a datagram it handed over
        payload: message.payload,
        locationPath: locationPathOf(message.options),
        options: message.options,
        observe,
        confirmable,
      };
      return () => this.#deliver(held, notification);
    }
    if (block2.num !== 0) {
      // a notification starts a representation: a later block alone cannot be completed
      counters.observing.blockwiseFailed++;
      return NOTHING_TO_DELIVER;
    }
    return () => {
      const settings = this.#parts.blockwise(held.peer, held.peerKey, undefined);
      completeBlock2(settings, held.request, message).then(
        (response) => {
          const current = held.generation === generation && (final || held.phase === 'established');
          if (current) this.#deliver(held, { ...response, observe, confirmable });
        },
        () => {
          counters.observing.blockwiseFailed++;
        },
      );
    };
  }

  #deliver(held: HeldObservation, notification: CoapNotification): void {
    this.#ctx.counters.observing.notifications++;
    try {
      held.onNotification(notification);
    } catch {
      this.#ctx.counters.observing.listenerErrors++;
    }
  }

  /** Cancels `held` (see CoapCancelOptions); undefined when passive or already over. */
  async cancel(held: HeldObservation, options: CoapCancelOptions): Promise<CoapIncomingResponse | undefined> {
    if (held.phase !== 'established') return undefined;
    if (options.active !== true) {
      this.#end(held, 'cancelled');
      return undefined;
    }
    held.phase = 'cancelling';
    const deadlineAt =
      options.timeoutMs === undefined ? undefined : this.#ctx.clock.now() + options.timeoutMs;
    try {
      // RFC 7641 §3.6: same token and options as the registration, Observe=1. A notification that
      // arrives as a separate response before the deregistration's answer settles it instead.
      return await this.#perform(held, codeOfMethod(held.request.method)!, OBSERVE_DEREGISTER, deadlineAt);
    } finally {
      this.#end(held, 'cancelled');
    }
  }

  #end(held: HeldObservation, reason: CoapObservationEnd): void {
    if (held.phase === 'ended') return;
    held.phase = 'ended';
    held.early = undefined;
    if (this.#held.get(held.key) === held) this.#held.delete(held.key);
    this.#parts.tokens.release(held.peerKey, held.token);
    held.endReason = reason;
    const waiters = held.endWaiters;
    held.endWaiters = undefined;
    if (waiters !== undefined) for (const resolve of waiters) resolve(reason);
  }
}
