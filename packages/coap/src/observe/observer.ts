import { CodedError } from '@lwm2m-adapters/errors';
import {
  type BlockwiseRequestSettings,
  completeBlock2,
  performBlockwiseRequest,
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
import { type TokenAllocator, tokenKeyOf } from '../exchange/token-allocator.js';
import { decodeBlockOption } from '../message/block-option.js';
import { type CoapMessage, codeClass } from '../message/coap-message.js';
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

interface HeldObservation {
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly key: string;
  readonly token: Uint8Array;
  readonly request: CoapObserveRequest;
  readonly onNotification: CoapNotificationListener;
  readonly resolveEnded: (reason: CoapObservationEnd) => void;
  phase: Phase;
  /** Observe number and reception time of the last response accepted (RFC 7641 §3.4). */
  sequence: number;
  receivedAt: number;
  /** Counts accepted notifications: a block-wise one still being fetched is delivered only if no newer one came. */
  generation: number;
  /** The freshest notification that arrived before the first response was handled. */
  early: { readonly message: CoapMessage; readonly receivedAt: number } | undefined;
}

const NOTHING_TO_DELIVER = () => {};

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
  readonly ended: Promise<CoapObservationEnd>;
  readonly #cancel: (options: CoapCancelOptions) => Promise<CoapIncomingResponse | undefined>;

  constructor(
    held: HeldObservation,
    response: CoapIncomingResponse,
    ended: Promise<CoapObservationEnd>,
    cancel: (options: CoapCancelOptions) => Promise<CoapIncomingResponse | undefined>,
  ) {
    this.peer = held.peer;
    this.token = Uint8Array.from(held.token);
    this.response = response;
    this.observing = held.phase === 'established';
    this.ended = ended;
    this.#cancel = cancel;
  }

  cancel(options: CoapCancelOptions = {}): Promise<CoapIncomingResponse | undefined> {
    return this.#cancel(options);
  }

  [Symbol.dispose](): void {
    void this.#cancel({ active: false });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#cancel({ active: true });
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
  async start(
    peer: PeerAddress,
    peerKey: string,
    request: CoapObserveRequest,
    onNotification: CoapNotificationListener,
    deadlineAt: number | undefined,
  ): Promise<CoapObservation> {
    const summary = `CoAP ${String(request.method)} /${request.uriPath.join('/')} to ${describePeer(peer)}`;
    const counters = this.#ctx.counters;
    if (this.#ctx.closed) throw new CodedError('TRANSPORT_CLOSED', `${summary}: endpoint closed`);
    if (request.method !== 'GET' && request.method !== 'FETCH') {
      throw new CodedError('COAP_MESSAGE_INVALID', `${summary}: only GET and FETCH can observe`);
    }
    if (this.#held.size >= this.#ctx.limits.maxObserving) {
      counters.observing.refused++;
      throw new CodedError(
        'QUEUE_FULL',
        `${summary}: ${this.#held.size} observations already held (limit maxObserving)`,
      );
    }
    const token = this.#parts.tokens.allocate(peerKey);
    let resolveEnded: (reason: CoapObservationEnd) => void = () => {};
    const ended = new Promise<CoapObservationEnd>((resolve) => {
      resolveEnded = resolve;
    });
    const held: HeldObservation = {
      peer,
      peerKey,
      key: `${peerKey}#${tokenKeyOf(token)}`,
      token,
      request,
      onNotification,
      resolveEnded,
      phase: 'starting',
      sequence: 0,
      receivedAt: 0,
      generation: 0,
      early: undefined,
    };
    this.#held.set(held.key, held);
    let response: CoapIncomingResponse;
    try {
      response = await this.#perform(held, OBSERVE_REGISTER, deadlineAt);
    } catch (error) {
      this.#end(held, 'not-accepted');
      throw error;
    }
    const handle = () =>
      new ObservationHandle(held, response, ended, (options) => this.#cancel(held, options));
    if (held.phase !== 'starting') return handle(); // the endpoint closed meanwhile
    const observe = observeNumberOfResponse(response);
    if (!response.code.startsWith('2.') || observe === undefined) {
      this.#end(held, 'not-accepted');
      return handle();
    }
    held.phase = 'established';
    held.sequence = observe;
    held.receivedAt = this.#ctx.clock.now();
    counters.observing.established++;
    const early = held.early;
    if (early !== undefined) {
      held.early = undefined;
      // after the caller has the first response: it must not see a later value before it
      this.#ctx.timers.start(0, () => {
        if (held.phase === 'established') this.#accept(held, early.message, early.receivedAt)();
      });
    }
    return handle();
  }

  /**
   * A CON or NON response that matched no outstanding request. Undefined when its (peer, token)
   * is no observation of ours (the endpoint answers RST); otherwise the delivery to run after the
   * endpoint acknowledged a CON (a no-op for a notification that is dropped).
   */
  accept(peerKey: string, message: CoapMessage): (() => void) | undefined {
    const held = this.#held.get(`${peerKey}#${tokenKeyOf(message.token)}`);
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

  #perform(
    held: HeldObservation,
    observe: number,
    deadlineAt: number | undefined,
  ): Promise<CoapIncomingResponse> {
    const { peer, peerKey, token } = held;
    return performBlockwiseRequest(this.#parts.blockwise(peer, peerKey, deadlineAt), held.request, {
      options: [uintOption(OptionNumber.Observe, observe)],
      exchange: (message) => this.#parts.exchange(peer, peerKey, message, deadlineAt, token),
    });
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
    const block2Option = firstOption(message.options, OptionNumber.Block2);
    const block2 = block2Option === undefined ? undefined : decodeBlockOption(block2Option.value);
    if (block2 === undefined || !block2.more) {
      const notification = { ...toIncomingResponse(message, message.payload), observe, confirmable };
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

  async #cancel(
    held: HeldObservation,
    options: CoapCancelOptions,
  ): Promise<CoapIncomingResponse | undefined> {
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
      return await this.#perform(held, OBSERVE_DEREGISTER, deadlineAt);
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
    held.resolveEnded(reason);
  }
}
