/**
 * The CoAP message layer (RFC 7252, Observe RFC 7641 as notifier and as observer, block-wise
 * RFC 7959) under the LwM2M client and server engines. Socket-free: datagrams come in through
 * `receive` and go out through a DatagramSink (UdpTransport, DtlsTransport, or a test double);
 * every timer runs on the injected Clock.
 *
 * Why not node-coap's Agent/Server: they keep separate message-ID counters on one socket (an ACK
 * for a notification can hit an Agent request), cannot choose CON or NON per notification (NON
 * observe is broken: notifications go out typed ACK and an RST to them is not matched), never send
 * notifications block-wise, and have unbounded caches without drop counters. LwM2M needs all of
 * that, and message IDs that are provably never reused towards a peer within EXCHANGE_LIFETIME.
 * So this endpoint owns the exchange layer, and the wire codec too (message/coap-message-codec.ts).
 */

import type { Clock } from '@lwm2m-adapters/kit';
import { systemClock, TimerSet } from '@lwm2m-adapters/kit';
import { Block1Reassembler } from '../blockwise/block1-reassembler.js';
import { type BlockwiseRequestSettings, performBlockwiseRequest } from '../blockwise/blockwise-request.js';
import { BlockwiseResponseCache } from '../blockwise/blockwise-response-cache.js';
import type {
  CoapIncomingResponse,
  CoapObservation,
  CoapObserveRequest,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  DatagramSink,
  NotificationOutcome,
  PeerAddress,
} from '../coap-types.js';
import { ConfirmableTransmissions } from '../exchange/confirmable-transmissions.js';
import { ExchangeDeduplicator } from '../exchange/exchange-deduplicator.js';
import { MessageIdAllocator } from '../exchange/message-id-allocator.js';
import { OutgoingRequests, type RequestMessage } from '../exchange/outgoing-requests.js';
import { type CoapRequestHandler, RequestResponder } from '../exchange/request-responder.js';
import { TokenAllocator, tokenKeyOf } from '../exchange/token-allocator.js';
import type { TransmissionParameters } from '../exchange/transmission-parameters.js';
import { blockSizeOf } from '../message/block-option.js';
import { ResponseCode } from '../message/coap-codes.js';
import {
  type CoapMessage,
  EMPTY_BYTES,
  emptyMessage,
  isRequestCode,
  isResponseCode,
} from '../message/coap-message.js';
import { decodeCoapMessage, encodeCoapMessage } from '../message/coap-message-codec.js';
import { StringOptionCache } from '../message/coap-options.js';
import { NotificationScheduler, type ObservationResetListener } from '../observe/notification-scheduler.js';
import { ObservationRegistry } from '../observe/observation-registry.js';
import { type CoapNotificationListener, Observer } from '../observe/observer.js';
import type { EndpointContext } from './endpoint-context.js';
import {
  type CoapEndpointLimits,
  type CoapEndpointOptions,
  createCryptoRandom,
  resolveEndpointOptions,
} from './endpoint-options.js';
import { type DropReason, EndpointCounters, type MessageTypeCounts } from './endpoint-stats.js';
import { admitEveryPeer, type PeerAdmission, RefusalReplyBudget } from './peer-admission.js';
import { describePeerKey, peerKeyOf } from './peer-key.js';

export interface CoapRequestOptions {
  /**
   * Overall deadline for the whole request (all blocks), after which it fails with COAP_TIMEOUT.
   * Without it: CON gives up after MAX_RETRANSMIT retransmissions (93 s by default), and a response
   * announced by an empty ACK (or to a NON request) is awaited for MAX_TRANSMIT_WAIT.
   */
  readonly timeoutMs?: number;
}

export interface CoapNotifyOptions {
  /** CON (acknowledged, retransmitted) or NON. */
  readonly confirmable: boolean;
}

/** A snapshot of the endpoint's counters and of everything it holds. */
export interface CoapEndpointStats {
  readonly sent: Readonly<MessageTypeCounts>;
  readonly received: Readonly<MessageTypeCounts>;
  readonly retransmissions: number;
  /** Retransmitted CON/NON messages from peers, recognised by message ID. */
  readonly duplicates: number;
  /** Datagrams that are not well-formed CoAP (ignored, or answered RST when a CON). */
  readonly malformed: number;
  readonly internalErrors: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Requests this endpoint sent with `request()`. */
  readonly requests: {
    readonly sent: number;
    readonly responses: number;
    readonly timeouts: number;
    readonly resets: number;
    readonly failed: number;
  };
  /** Requests peers sent to this endpoint. */
  readonly incoming: {
    readonly requests: number;
    readonly handlerErrors: number;
    readonly separateResponses: number;
    readonly block2CacheHits: number;
    readonly block2CacheMisses: number;
  };
  readonly notifications: {
    readonly sent: number;
    readonly acknowledged: number;
    readonly reset: number;
    readonly timeouts: number;
    readonly dropped: number;
  };
  /** The observer role: observations this endpoint registered with `observe()`. */
  readonly observing: {
    /** Held now: being registered, established or being deregistered (at most `maxObserving`). */
    readonly active: number;
    /** Registrations the peer accepted (2.xx with Observe). */
    readonly established: number;
    /** Notifications handed to the listeners. */
    readonly notifications: number;
    /** Notifications acknowledged but dropped as older than the last one (RFC 7641 §3.4). */
    readonly outOfOrder: number;
    /** Final responses (no Observe, or not 2.xx) that ended an observation. */
    readonly final: number;
    /** `observe()` calls refused because `maxObserving` observations were held. */
    readonly refused: number;
    /** Block-wise notifications whose remaining blocks could not be fetched (or did not start at block 0). */
    readonly blockwiseFailed: number;
    readonly listenerErrors: number;
  };
  readonly outstanding: {
    readonly requests: number;
    /** CON messages of any kind awaiting an ACK. */
    readonly confirmable: number;
    readonly notificationsInFlight: number;
    readonly notificationsQueued: number;
    readonly pendingHandlers: number;
    readonly separateResponses: number;
    readonly timers: number;
  };
  readonly messageIds: {
    /** Message IDs reserved per peer ("127.0.0.1:5683"). */
    readonly inUse: Readonly<Record<string, number>>;
    /** Allocations refused because all 65,536 were reserved. */
    readonly refusals: number;
  };
  readonly caches: {
    readonly deduplication: {
      readonly entries: number;
      readonly replyBytes: number;
      readonly evicted: number;
    };
    readonly blockwise: { readonly entries: number; readonly bytes: number; readonly evicted: number };
    readonly block1: { readonly transfers: number; readonly bytes: number; readonly evicted: number };
    readonly observations: { readonly entries: number; readonly resets: number };
    readonly trackedNonConfirmable: number;
  };
}

const SWEEP_INTERVAL_MS = 1_000;

/** The messages of one request to one peer (one object, no closure: requests are frequent). */
class PeerExchanges implements BlockwiseRequestSettings {
  readonly maxDatagramSize: number;
  readonly maxResponseBodyBytes: number;

  constructor(
    readonly requests: OutgoingRequests,
    readonly peer: PeerAddress,
    readonly peerKey: string,
    readonly deadlineAt: number | undefined,
    readonly szx: number,
    limits: CoapEndpointLimits,
    readonly options: StringOptionCache,
  ) {
    this.maxDatagramSize = limits.maxDatagramSize;
    this.maxResponseBodyBytes = limits.maxResponseBodyBytes;
  }

  exchange(message: RequestMessage): Promise<CoapMessage> {
    return this.requests.exchange(this.peer, this.peerKey, message, this.deadlineAt);
  }
}

export class CoapEndpoint implements Disposable {
  readonly #sink: DatagramSink;
  readonly #clock: Clock;
  readonly #params: TransmissionParameters;
  readonly #limits: CoapEndpointLimits;
  readonly #szx: number;
  /** The last block-wise request body going to each peer + method + URI, which the next one waits for. */
  readonly #block1Requests = new Map<string, Promise<void>>();
  readonly #counters = new EndpointCounters();
  readonly #timers: TimerSet;
  readonly #messageIds: MessageIdAllocator;
  readonly #deduplicator: ExchangeDeduplicator;
  readonly #block1: Block1Reassembler;
  readonly #blockwiseCache: BlockwiseResponseCache;
  readonly #observations: ObservationRegistry;
  readonly #transmissions: ConfirmableTransmissions;
  readonly #requests: OutgoingRequests;
  readonly #responder: RequestResponder;
  readonly #notifications: NotificationScheduler;
  readonly #observer: Observer;
  readonly #resetListeners = new Set<ObservationResetListener>();
  readonly #ctx: EndpointContext;
  readonly #refusalReplies: RefusalReplyBudget;
  #admission: PeerAdmission;
  #closed = false;
  #lastSweep: number;

  constructor(options: CoapEndpointOptions) {
    const { params, limits, szx } = resolveEndpointOptions(options);
    this.#sink = options.sink;
    this.#clock = options.clock ?? systemClock;
    this.#params = params;
    this.#limits = limits;
    this.#szx = szx;
    const random = options.random ?? createCryptoRandom();
    const clock = this.#clock;
    this.#timers = new TimerSet(clock);
    this.#lastSweep = clock.now();
    this.#admission = options.acceptPeer ?? admitEveryPeer;
    this.#refusalReplies = new RefusalReplyBudget(clock, limits.refusedRepliesPerSecond);
    this.#messageIds = new MessageIdAllocator({
      clock,
      random,
      exchangeLifetimeMs: params.exchangeLifetimeMs,
      nonLifetimeMs: params.nonLifetimeMs,
    });
    this.#deduplicator = new ExchangeDeduplicator({ clock, capacity: limits.deduplicationCapacity });
    this.#block1 = new Block1Reassembler({
      clock,
      maxTransfers: limits.maxBlock1Transfers,
      maxTransfersPerPeer: Math.max(1, limits.maxBlock1TransfersPerPeer),
      maxBytes: limits.maxRequestBodyBytes,
      lifetimeMs: params.exchangeLifetimeMs,
    });
    this.#blockwiseCache = new BlockwiseResponseCache({
      clock,
      capacity: Math.max(1, limits.blockwiseCacheEntries),
      maxBytes: limits.blockwiseCacheBytes,
      lifetimeMs: params.exchangeLifetimeMs,
    });
    this.#observations = new ObservationRegistry(limits.maxObservations);
    const ctx = this.#context(random);
    this.#ctx = ctx;
    this.#transmissions = new ConfirmableTransmissions(ctx);
    const tokens = new TokenAllocator(random, limits.tokenLength);
    this.#requests = new OutgoingRequests(ctx, this.#transmissions, tokens);
    this.#observer = new Observer(ctx, {
      tokens,
      exchange: (peer, peerKey, message, deadlineAt, ownToken) =>
        this.#requests.exchange(peer, peerKey, message, deadlineAt, ownToken),
      blockwise: (peer, peerKey, deadlineAt) => this.#blockwiseSettings(peer, peerKey, deadlineAt),
    });
    this.#responder = new RequestResponder(ctx, {
      transmissions: this.#transmissions,
      deduplicator: this.#deduplicator,
      block1: this.#block1,
      blockwiseCache: this.#blockwiseCache,
      observations: this.#observations,
    });
    this.#notifications = new NotificationScheduler(ctx, {
      transmissions: this.#transmissions,
      observations: this.#observations,
      blockwiseCache: this.#blockwiseCache,
      onReset: (peer, token) => {
        for (const listener of this.#resetListeners) {
          try {
            listener(peer, token);
          } catch {
            this.#counters.internalErrors++;
          }
        }
      },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The transmission parameters in force. */
  get transmissionParameters(): TransmissionParameters {
    return this.#params;
  }

  /**
   * One datagram from `peer`. Never throws: malformed input is counted and ignored (a CON with a
   * format error gets an RST). The datagram must not be modified afterwards (views are kept).
   */
  receive(datagram: Uint8Array, peer: PeerAddress): void {
    if (this.#closed) return;
    try {
      this.#receive(datagram, peer);
    } catch {
      this.#counters.internalErrors++;
    }
  }

  /**
   * Sets the source policy (see PeerAdmission): asked for every CON/NON message before it creates
   * any state. undefined admits every peer again (the default).
   */
  setPeerAdmission(accept: PeerAdmission | undefined): void {
    this.#admission = accept ?? admitEveryPeer;
  }

  /** Sets the handler of incoming requests (one at a time; undefined removes it: 5.03). */
  onRequest(handler: CoapRequestHandler | undefined): void {
    this.#responder.setHandler(handler);
  }

  /**
   * Called when an observer answers a notification with RST, CON or NON (for a CON the
   * notification's outcome is also 'reset'). Later notifications on that token resolve 'reset'
   * without being sent, until a new Observe=0 request with that token arrives. Returns an unsubscribe.
   */
  onObservationReset(listener: ObservationResetListener): () => void {
    this.#resetListeners.add(listener);
    return () => this.#resetListeners.delete(listener);
  }

  /**
   * Sends a request (CON unless `confirmable: false`) and resolves with its response, whatever the
   * response code. Large bodies go out with Block1; a Block2 response is fetched whole. Rejects with
   * CodedError COAP_TIMEOUT, COAP_RESET, QUEUE_FULL, TRANSPORT_CLOSED or COAP_MESSAGE_INVALID.
   */
  request(
    peer: PeerAddress,
    request: CoapOutgoingRequest,
    options: CoapRequestOptions = {},
  ): Promise<CoapIncomingResponse> {
    this.#maybeSweep();
    const peerKey = peerKeyOf(peer);
    const deadlineAt = options.timeoutMs === undefined ? undefined : this.#clock.now() + options.timeoutMs;
    const settings = this.#blockwiseSettings(peer, peerKey, deadlineAt);
    if ((request.payload?.length ?? 0) <= blockSizeOf(this.#szx)) {
      return performBlockwiseRequest(settings, request);
    }
    const perform = () => performBlockwiseRequest(settings, request);
    // A body that may go in Block1 blocks: a server tells concurrent block-wise transfers to one
    // resource apart only by peer, method and URI (RFC 7959 §2.4; no Request-Tag here), so two at
    // once would interleave their blocks. They go one after the other (the deadline still runs).
    const key = `${peerKey}\n${request.method}\n${request.uriPath.join('/')}\n${(request.uriQuery ?? []).join('&')}`;
    const previous = this.#block1Requests.get(key);
    const result = previous === undefined ? perform() : previous.then(perform);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#block1Requests.set(key, tail);
    void tail.then(() => {
      if (this.#block1Requests.get(key) === tail) this.#block1Requests.delete(key);
    });
    return result;
  }

  /**
   * Observes a resource of `peer` (RFC 7641, observer role): sends `request` with Observe=0 and a
   * token of its own, resolves with the first response (block-wise bodies joined) and a handle.
   * When the peer accepted (`observing`), each notification newer than the last (§3.4) goes to
   * `onNotification`, CON ones acknowledged first; a block-wise notification is completed with
   * follow-up requests first (RFC 7959 §2.6). A notification that is not 2.xx or has no Observe
   * ends the observation after being delivered. Rejects like `request()`, with QUEUE_FULL beyond
   * `maxObserving`, and with COAP_MESSAGE_INVALID for another method or a body beyond one datagram.
   */
  observe(
    peer: PeerAddress,
    request: CoapObserveRequest,
    onNotification: CoapNotificationListener,
    options: CoapRequestOptions = {},
  ): Promise<CoapObservation> {
    this.#maybeSweep();
    const deadlineAt = options.timeoutMs === undefined ? undefined : this.#clock.now() + options.timeoutMs;
    return this.#observer.start(peer, peerKeyOf(peer), request, onNotification, deadlineAt);
  }

  /**
   * Sends a notification for the observation `token` of `peer`: `response.code`, Observe from
   * `response.observe`, Content-Format and payload (first Block2 block with ETag when large).
   * Never rejects: resolves 'sent' (NON handed to the transport), 'acknowledged', 'reset',
   * 'timeout' or 'dropped' (queue full, superseded by a fresher value, or endpoint closed).
   */
  notify(
    peer: PeerAddress,
    token: Uint8Array,
    response: CoapOutgoingResponse,
    options: CoapNotifyOptions,
  ): Promise<NotificationOutcome> {
    this.#maybeSweep();
    return this.#notifications.notify(peer, peerKeyOf(peer), token, response, options.confirmable);
  }

  stats(): CoapEndpointStats {
    const c = this.#counters;
    const inUse: Record<string, number> = {};
    for (const [key, count] of Object.entries(this.#messageIds.usage())) inUse[describePeerKey(key)] = count;
    return {
      sent: { ...c.sent },
      received: { ...c.received },
      retransmissions: c.retransmissions,
      duplicates: c.duplicates,
      malformed: c.malformed,
      internalErrors: c.internalErrors,
      dropped: { ...c.dropped },
      requests: { ...c.requests },
      incoming: { ...c.incoming },
      notifications: { ...c.notifications },
      observing: { active: this.#observer.size, ...c.observing },
      outstanding: {
        requests: this.#requests.outstanding,
        confirmable: this.#transmissions.outstanding,
        notificationsInFlight: this.#notifications.outstanding,
        notificationsQueued: this.#notifications.queued,
        pendingHandlers: this.#responder.pendingHandlers,
        separateResponses: this.#responder.separateResponsesOutstanding,
        timers: this.#timers.active,
      },
      messageIds: { inUse, refusals: this.#messageIds.refusals },
      caches: {
        deduplication: {
          entries: this.#deduplicator.size,
          replyBytes: this.#deduplicator.replyBytes,
          evicted: this.#deduplicator.evicted,
        },
        blockwise: {
          entries: this.#blockwiseCache.size,
          bytes: this.#blockwiseCache.bytes,
          evicted: this.#blockwiseCache.evicted,
        },
        block1: { transfers: this.#block1.size, bytes: this.#block1.bytes, evicted: this.#block1.evicted },
        observations: { entries: this.#observations.size, resets: this.#observations.resets },
        trackedNonConfirmable: this.#transmissions.trackedNonConfirmable,
      },
    };
  }

  /**
   * Fails outstanding requests with TRANSPORT_CLOSED, ends held observations 'closed', resolves
   * pending notifications 'dropped', stops every timer and empties the caches. Idempotent. The
   * sink is not closed (its owner does that).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#requests.failAll('TRANSPORT_CLOSED', 'the endpoint was closed');
    this.#observer.endAll();
    this.#notifications.dropAll();
    this.#transmissions.cancelAll();
    this.#timers.cancelAll();
    this.#deduplicator.clear();
    this.#blockwiseCache.clear();
    this.#block1.clear();
    this.#observations.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #blockwiseSettings(
    peer: PeerAddress,
    peerKey: string,
    deadlineAt: number | undefined,
  ): BlockwiseRequestSettings {
    return new PeerExchanges(
      this.#requests,
      peer,
      peerKey,
      deadlineAt,
      this.#szx,
      this.#limits,
      this.#ctx.options,
    );
  }

  #context(random: () => number): EndpointContext {
    const endpoint = this;
    const counters = this.#counters;
    const transmit = (bytes: Uint8Array, peer: PeerAddress) => {
      if (endpoint.#closed) {
        counters.dropped.closed++;
        return;
      }
      const type = (['CON', 'NON', 'ACK', 'RST'] as const)[((bytes[0] ?? 0) >> 4) & 3]!;
      counters.sent[type]++;
      try {
        endpoint.#sink.send(bytes, peer);
      } catch {
        counters.dropped.sinkError++;
      }
    };
    const encode = (message: CoapMessage) => {
      try {
        return encodeCoapMessage(message, endpoint.#limits.maxDatagramSize);
      } catch {
        counters.dropped.encodeFailed++;
        return undefined;
      }
    };
    return {
      clock: this.#clock,
      random,
      params: this.#params,
      limits: this.#limits,
      szx: this.#szx,
      timers: this.#timers,
      counters,
      messageIds: this.#messageIds,
      options: new StringOptionCache(),
      encode,
      transmit,
      send(message, peer) {
        const bytes = encode(message);
        if (bytes !== undefined) transmit(bytes, peer);
        return bytes;
      },
      get closed() {
        return endpoint.#closed;
      },
    };
  }

  #receive(datagram: Uint8Array, peer: PeerAddress): void {
    this.#maybeSweep();
    const counters = this.#counters;
    const decoded = decodeCoapMessage(datagram);
    if (!decoded.ok) {
      counters.malformed++;
      // RFC 7252 §4.2: a CON with a message format error is rejected with RST
      if (decoded.header?.type === 'CON') {
        if (this.#admits(peer)) this.#reject(decoded.header.messageId, peer);
        else this.#refuse(decoded.header.messageId, peer, undefined);
      }
      return;
    }
    const message = decoded.message;
    counters.received[message.type]++;
    if ((message.type === 'CON' || message.type === 'NON') && !this.#admits(peer)) {
      // before de-duplication, Block1 reassembly, the Block2 cache and the handler: nothing is kept
      counters.dropped.peerRefused++;
      if (message.type === 'CON') this.#refuse(message.messageId, peer, message);
      return;
    }
    const peerKey = peerKeyOf(peer);
    switch (message.type) {
      case 'ACK':
        if (message.code !== 0 && !isResponseCode(message.code)) {
          counters.malformed++;
        } else if (!this.#transmissions.handleAck(peerKey, message)) {
          counters.dropped.unmatchedAck++;
        }
        return;
      case 'RST':
        if (message.code !== 0) counters.malformed++;
        else if (!this.#transmissions.handleReset(peerKey, message.messageId))
          counters.dropped.unmatchedReset++;
        return;
      default:
        if (message.code === 0) {
          // a CON ping is answered with RST (§4.3); an Empty NON is a format error
          if (message.type === 'CON') this.#reject(message.messageId, peer);
          else counters.malformed++;
        } else if (isRequestCode(message.code)) {
          this.#responder.handle(message, peer, peerKey);
        } else if (isResponseCode(message.code)) {
          this.#handleResponse(message, peer, peerKey);
        } else {
          // reserved code class 1, 3, 6 or 7
          counters.malformed++;
          if (message.type === 'CON') this.#reject(message.messageId, peer);
        }
    }
  }

  /**
   * A separate response (CON/NON) to one of our requests, or a notification of an observation we
   * hold: ACK a CON (before the notification is delivered); RST one nobody waits for.
   */
  #handleResponse(message: CoapMessage, peer: PeerAddress, peerKey: string): void {
    const tokenKey = tokenKeyOf(message.token);
    // A notification of an observation we hold: the Observe-number rule (RFC 7641 §3.4) drops a
    // duplicate as not newer, so no exchange is remembered for it; a CON one is ACKed (again).
    const notification = this.#observer.notification(peerKey, tokenKey, message);
    if (notification !== undefined) {
      if (message.type === 'CON') this.#ctx.send(emptyMessage('ACK', message.messageId), peer);
      notification();
      return;
    }
    const earlier = this.#deduplicator.find(peerKey, message.messageId);
    if (earlier !== undefined) {
      this.#counters.duplicates++;
      if (message.type === 'CON' && earlier.reply !== undefined) this.#ctx.transmit(earlier.reply, peer);
      return;
    }
    const confirmable = message.type === 'CON';
    const exchange = this.#deduplicator.remember(
      peerKey,
      message.messageId,
      confirmable ? this.#params.exchangeLifetimeMs : this.#params.nonLifetimeMs,
    );
    const answered = this.#requests.handleResponse(peerKey, tokenKey, message);
    const deliver = answered ? undefined : this.#observer.accept(peerKey, tokenKey, message);
    const matched = answered || deliver !== undefined;
    if (!matched) this.#counters.dropped.unmatchedResponse++;
    if (confirmable || !matched) {
      const reply = emptyMessage(matched ? 'ACK' : 'RST', message.messageId);
      const bytes = this.#ctx.send(reply, peer);
      if (bytes !== undefined) this.#deduplicator.answer(exchange, bytes);
    }
    deliver?.();
  }

  #reject(messageId: number, peer: PeerAddress): void {
    this.#ctx.send(emptyMessage('RST', messageId), peer);
  }

  #admits(peer: PeerAddress): boolean {
    try {
      return this.#admission(peer);
    } catch {
      this.#counters.internalErrors++;
      return false;
    }
  }

  /**
   * The answer to a refused peer's CON, within the refusal budget: 4.01 in the ACK to a request,
   * RST to anything else. Nothing is remembered, so a retransmission is answered again (or not).
   */
  #refuse(messageId: number, peer: PeerAddress, message: CoapMessage | undefined): void {
    if (!this.#refusalReplies.take()) {
      this.#counters.dropped.refusalRateLimited++;
      return;
    }
    if (message === undefined || !isRequestCode(message.code)) {
      this.#reject(messageId, peer);
      return;
    }
    this.#ctx.send(
      {
        type: 'ACK',
        code: ResponseCode.Unauthorized,
        messageId,
        token: message.token,
        options: [],
        payload: EMPTY_BYTES,
      },
      peer,
    );
  }

  #maybeSweep(): void {
    const now = this.#clock.now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    this.#messageIds.sweep();
    this.#deduplicator.sweep();
    this.#blockwiseCache.sweep();
    this.#block1.sweep();
    this.#transmissions.sweep();
  }
}
