import type { BlockwiseResponseCache, CachedRepresentation } from '../blockwise/blockwise-response-cache.js';
import type { CoapOption, CoapOutgoingResponse, NotificationOutcome, PeerAddress } from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import type { ConfirmableTransmissions } from '../exchange/confirmable-transmissions.js';
import { responseOptions, sliceBlock2 } from '../exchange/response-message.js';
import { tokenKeyOf } from '../exchange/token-allocator.js';
import { blockSizeOf } from '../message/block-option.js';
import { parseDottedCode } from '../message/coap-codes.js';
import { type CoapMessage, EMPTY_BYTES } from '../message/coap-message.js';
import type { ObservationRegistry } from './observation-registry.js';
import { representationEtag } from './representation-etag.js';

/** Called when an observer answers a notification (CON or NON) with RST: the observation is over. */
export type ObservationResetListener = (peer: PeerAddress, token: Uint8Array) => void;

interface Notification {
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly token: Uint8Array;
  readonly tokenKey: string;
  readonly response: CoapOutgoingResponse;
  readonly confirmable: boolean;
  readonly resolve: (outcome: NotificationOutcome) => void;
}

interface PeerNotifications {
  readonly queue: Notification[];
  readonly inFlight: Set<Notification>;
  cancelRetry: (() => void) | undefined;
  pumping: boolean;
  pumpAgain: boolean;
}

export interface NotificationSchedulerParts {
  readonly transmissions: ConfirmableTransmissions;
  readonly observations: ObservationRegistry;
  readonly blockwiseCache: BlockwiseResponseCache;
  readonly onReset: ObservationResetListener;
}

/**
 * Sends notifications per peer: at most `maxOutstandingNotificationsPerPeer` CON notifications
 * awaiting an ACK (RFC 7641 §4.5.1), further CON notifications queued in order. A queued
 * notification for a token is replaced by a newer one for the same token (the freshest value wins
 * and keeps the place, CON if either was; the older resolves 'dropped', counted as superseded).
 * A NON notification for a token with nothing queued goes out at once. The queue is bounded;
 * overflow resolves 'dropped'. NON notifications are not paced (LwM2M pmin does that). A body
 * larger than the block size goes out as its first Block2 block with ETag; the rest is served
 * to the observer's follow-up GETs from the block-wise cache.
 */
export class NotificationScheduler {
  readonly #ctx: EndpointContext;
  readonly #parts: NotificationSchedulerParts;
  readonly #peers = new Map<string, PeerNotifications>();

  constructor(ctx: EndpointContext, parts: NotificationSchedulerParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  notify(
    peer: PeerAddress,
    peerKey: string,
    token: Uint8Array,
    response: CoapOutgoingResponse,
    confirmable: boolean,
  ): Promise<NotificationOutcome> {
    const counters = this.#ctx.counters;
    if (this.#ctx.closed) {
      counters.dropped.closed++;
      counters.notifications.dropped++;
      return Promise.resolve('dropped');
    }
    const tokenKey = tokenKeyOf(token);
    if (this.#parts.observations.wasReset(peerKey, tokenKey)) {
      counters.notifications.reset++;
      return Promise.resolve('reset');
    }
    let state = this.#peers.get(peerKey);
    if (state === undefined) {
      state = { queue: [], inFlight: new Set(), cancelRetry: undefined, pumping: false, pumpAgain: false };
      this.#peers.set(peerKey, state);
    }
    const queue = state.queue;
    return new Promise<NotificationOutcome>((resolve) => {
      const notification: Notification = {
        peer,
        peerKey,
        token: Uint8Array.from(token),
        tokenKey,
        response,
        confirmable,
        resolve,
      };
      const index = queue.findIndex((queued) => queued.tokenKey === tokenKey);
      if (index >= 0) {
        // freshest value wins; it keeps the queue position, and a CON stays a CON
        const superseded = queue[index]!;
        queue[index] =
          superseded.confirmable && !confirmable ? { ...notification, confirmable: true } : notification;
        counters.dropped.notificationSuperseded++;
        counters.notifications.dropped++;
        superseded.resolve('dropped');
        return;
      }
      // a NON does not wait behind CON notifications of other observations
      if (!confirmable && this.#send(notification, state!)) {
        this.#forgetIfIdle(peerKey, state!);
        return;
      }
      if (queue.length >= this.#ctx.limits.maxQueuedNotificationsPerPeer) {
        counters.dropped.notificationQueueFull++;
        counters.notifications.dropped++;
        resolve('dropped');
        this.#forgetIfIdle(peerKey, state!);
        return;
      }
      queue.push(notification);
      this.#pump(peerKey, state!);
    });
  }

  get queued(): number {
    let count = 0;
    for (const state of this.#peers.values()) count += state.queue.length;
    return count;
  }

  get outstanding(): number {
    let count = 0;
    for (const state of this.#peers.values()) count += state.inFlight.size;
    return count;
  }

  /** Resolves every queued and outstanding notification 'dropped' (close). */
  dropAll(): void {
    const counters = this.#ctx.counters;
    for (const state of this.#peers.values()) {
      state.cancelRetry?.();
      for (const notification of [...state.queue, ...state.inFlight]) {
        counters.dropped.closed++;
        counters.notifications.dropped++;
        notification.resolve('dropped');
      }
    }
    this.#peers.clear();
  }

  #pump(peerKey: string, state: PeerNotifications): void {
    if (state.pumping) {
      state.pumpAgain = true;
      return;
    }
    state.pumping = true;
    do {
      state.pumpAgain = false;
      for (let head = state.queue[0]; head !== undefined; head = state.queue[0]) {
        if (head.confirmable && state.inFlight.size >= this.#ctx.limits.maxOutstandingNotificationsPerPeer) {
          break;
        }
        state.queue.shift();
        if (!this.#send(head, state)) {
          state.queue.unshift(head);
          this.#retryLater(peerKey, state);
          break;
        }
      }
    } while (state.pumpAgain);
    state.pumping = false;
    this.#forgetIfIdle(peerKey, state);
  }

  /** False when no message ID is free towards the peer (it stays queued). */
  #send(notification: Notification, state: PeerNotifications): boolean {
    const { peer, peerKey, confirmable } = notification;
    const counters = this.#ctx.counters;
    let content: { code: number; options: CoapOption[]; payload: Uint8Array };
    try {
      content = this.#content(notification);
    } catch {
      // a code or option value the engine passed cannot be encoded
      counters.dropped.encodeFailed++;
      counters.notifications.dropped++;
      notification.resolve('dropped');
      return true;
    }
    const messageId = this.#ctx.messageIds.tryAllocate(peerKey, confirmable);
    if (messageId === undefined) {
      counters.dropped.messageIdsExhausted++;
      return false;
    }
    const message: CoapMessage = {
      type: confirmable ? 'CON' : 'NON',
      code: content.code,
      messageId,
      token: notification.token,
      options: content.options,
      payload: content.payload,
    };
    const observerReset = () => {
      counters.notifications.reset++;
      this.#parts.observations.markReset(peerKey, notification.tokenKey);
      this.#parts.onReset(peer, notification.token);
    };
    if (!confirmable) {
      const bytes = this.#ctx.encode(message);
      if (bytes === undefined) {
        counters.notifications.dropped++;
        notification.resolve('dropped');
        return true;
      }
      this.#parts.transmissions.trackNonConfirmable(peerKey, messageId, observerReset);
      this.#ctx.transmit(bytes, peer);
      counters.notifications.sent++;
      notification.resolve('sent');
      return true;
    }
    state.inFlight.add(notification);
    const complete = (outcome: NotificationOutcome) => {
      if (!state.inFlight.delete(notification)) return;
      notification.resolve(outcome);
      this.#pump(peerKey, state);
    };
    counters.notifications.sent++;
    const stop = this.#parts.transmissions.start(message, peer, peerKey, {
      acknowledged: () => {
        counters.notifications.acknowledged++;
        complete('acknowledged');
      },
      reset: () => {
        observerReset();
        complete('reset');
      },
      timedOut: () => {
        counters.notifications.timeouts++;
        complete('timeout');
      },
    });
    if (stop === undefined) {
      counters.notifications.dropped++;
      complete('dropped');
    }
    return true;
  }

  /**
   * Code, options and payload: the whole body, or its first Block2 block (cached for follow-ups).
   * Throws when the response holds a code or option value that cannot be encoded.
   */
  #content(notification: Notification): { code: number; options: CoapOption[]; payload: Uint8Array } {
    const { response } = notification;
    const code = parseDottedCode(response.code);
    const payload = response.payload ?? EMPTY_BYTES;
    const options = responseOptions(response, true);
    if (payload.length <= blockSizeOf(this.#ctx.szx)) return { code, options, payload };
    const representation: CachedRepresentation = {
      code,
      contentFormat: response.contentFormat,
      maxAge: response.maxAge,
      etag: representationEtag(code, response.contentFormat, payload),
      payload,
    };
    const requestKey = this.#parts.observations.requestKeyOf(notification.peerKey, notification.tokenKey);
    if (requestKey !== undefined) this.#parts.blockwiseCache.set(requestKey, representation);
    const slice = sliceBlock2(representation, 0, this.#ctx.szx)!;
    return { code, options: [...options, ...slice.options], payload: slice.payload };
  }

  #retryLater(peerKey: string, state: PeerNotifications): void {
    if (state.cancelRetry !== undefined) return;
    const now = this.#ctx.clock.now();
    const at = this.#ctx.messageIds.nextReleaseAt(peerKey) ?? now + 1_000;
    state.cancelRetry = this.#ctx.timers.start(Math.max(1, at - now), () => {
      state.cancelRetry = undefined;
      this.#pump(peerKey, state);
    });
  }

  #forgetIfIdle(peerKey: string, state: PeerNotifications): void {
    if (state.queue.length === 0 && state.inFlight.size === 0 && !state.pumping) {
      state.cancelRetry?.();
      if (this.#peers.get(peerKey) === state) this.#peers.delete(peerKey);
    }
  }
}
