import { FifoMap } from '@lwm2m-adapters/kit';
import type { PeerAddress } from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import type { CoapMessage } from '../message/coap-message.js';
import { type DueEntry, DueQueue } from './due-queue.js';
import { initialRetransmitTimeout } from './transmission-parameters.js';

/** How a CON message we sent ended. Exactly one is called, unless the transmission is cancelled. */
export interface TransmissionCallbacks {
  /** An ACK with our message ID arrived (empty, or carrying a piggy-backed response). */
  acknowledged(ack: CoapMessage): void;
  reset(): void;
  /** No ACK after MAX_RETRANSMIT retransmissions and the last, doubled timeout. */
  timedOut(): void;
}

interface PendingConfirmable extends DueEntry {
  readonly key: string;
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly messageId: number;
  readonly bytes: Uint8Array;
  readonly callbacks: TransmissionCallbacks;
  timeoutMs: number;
  retransmissions: number;
}

interface TrackedNonConfirmable {
  readonly expiresAt: number;
  readonly onReset: () => void;
}

/**
 * Our CON messages awaiting an ACK, retransmitted with exponential back-off (RFC 7252 §4.2), and
 * our recent NON messages, so that an RST to either is matched by message ID (§4.3). Message IDs
 * are unique per peer (MessageIdAllocator), so (peer, message ID) identifies one message.
 * Retransmissions are due-time ordered in one queue with one clock timer for the earliest; the
 * timer is not moved when an earlier one is acknowledged (it wakes up, finds nothing due, and is
 * set for the next), and is cancelled when nothing is outstanding.
 */
export class ConfirmableTransmissions {
  readonly #ctx: EndpointContext;
  readonly #pending = new Map<string, PendingConfirmable>();
  readonly #due = new DueQueue<PendingConfirmable>();
  #cancelTimer: (() => void) | undefined;
  /** When the armed timer fires. */
  #timerAt = 0;
  /** Oldest first; bounded by limits.maxTrackedNonConfirmable. */
  readonly #nonConfirmable = new FifoMap<TrackedNonConfirmable>();

  constructor(ctx: EndpointContext) {
    this.#ctx = ctx;
  }

  /**
   * Sends a CON message and retransmits it until acknowledged. Returns a function that stops the
   * transmission without calling back, or undefined when the message could not be encoded.
   */
  start(
    message: CoapMessage,
    peer: PeerAddress,
    peerKey: string,
    callbacks: TransmissionCallbacks,
  ): (() => void) | undefined {
    const bytes = this.#ctx.encode(message);
    if (bytes === undefined) return undefined;
    const key = `${peerKey}#${message.messageId}`;
    const timeoutMs = initialRetransmitTimeout(this.#ctx.params, this.#ctx.random);
    const pending: PendingConfirmable = {
      key,
      peer,
      peerKey,
      messageId: message.messageId,
      bytes,
      callbacks,
      timeoutMs,
      retransmissions: 0,
      dueAt: this.#ctx.clock.now() + timeoutMs,
      seq: 0,
      heapIndex: -1,
    };
    this.#pending.set(key, pending);
    this.#due.push(pending);
    this.#schedule();
    // registered before sending: a peer answering synchronously still finds it
    this.#ctx.transmit(bytes, peer);
    return () => this.#finish(pending);
  }

  /** Remembers a NON message we sent so that an RST to it reaches `onReset`. */
  trackNonConfirmable(peerKey: string, messageId: number, onReset: () => void): void {
    const now = this.#ctx.clock.now();
    this.#sweepNonConfirmable(now);
    while (this.#nonConfirmable.size >= this.#ctx.limits.maxTrackedNonConfirmable) {
      if (this.#nonConfirmable.shift() === undefined) break;
    }
    if (this.#ctx.limits.maxTrackedNonConfirmable === 0) return;
    this.#nonConfirmable.set(`${peerKey}#${messageId}`, {
      expiresAt: now + this.#ctx.params.nonLifetimeMs,
      onReset,
    });
  }

  /** Routes an ACK; false when it matches nothing outstanding. */
  handleAck(peerKey: string, ack: CoapMessage): boolean {
    const key = `${peerKey}#${ack.messageId}`;
    const pending = this.#pending.get(key);
    if (pending === undefined) return false;
    this.#finish(pending);
    pending.callbacks.acknowledged(ack);
    return true;
  }

  /** Routes an RST; false when it matches nothing we sent recently. */
  handleReset(peerKey: string, messageId: number): boolean {
    const key = `${peerKey}#${messageId}`;
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      this.#finish(pending);
      pending.callbacks.reset();
      return true;
    }
    const tracked = this.#nonConfirmable.get(key);
    if (tracked === undefined || tracked.expiresAt <= this.#ctx.clock.now()) return false;
    this.#nonConfirmable.delete(key);
    tracked.onReset();
    return true;
  }

  get outstanding(): number {
    return this.#pending.size;
  }

  get trackedNonConfirmable(): number {
    return this.#nonConfirmable.size;
  }

  sweep(): void {
    this.#sweepNonConfirmable(this.#ctx.clock.now());
  }

  /** Stops everything without calling back (the endpoint fails the owners itself). */
  cancelAll(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#due.clear();
    this.#pending.clear();
    this.#nonConfirmable.clear();
  }

  /** The timer for the earliest due retransmission: set when none is, or when it is later. */
  #schedule(): void {
    const earliest = this.#due.peek();
    if (earliest === undefined) {
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
      return;
    }
    if (this.#cancelTimer !== undefined && this.#timerAt <= earliest.dueAt) return;
    this.#cancelTimer?.();
    this.#timerAt = earliest.dueAt;
    this.#cancelTimer = this.#ctx.timers.start(earliest.dueAt - this.#ctx.clock.now(), () => {
      this.#cancelTimer = undefined;
      this.#retransmitDue();
    });
  }

  /** Every CON message due: retransmitted with a doubled timeout, or given up after MAX_RETRANSMIT. */
  #retransmitDue(): void {
    const now = this.#ctx.clock.now();
    for (let pending = this.#due.popDue(now); pending !== undefined; pending = this.#due.popDue(now)) {
      if (pending.retransmissions >= this.#ctx.params.maxRetransmit) {
        this.#pending.delete(pending.key);
        pending.callbacks.timedOut();
        continue;
      }
      pending.retransmissions++;
      pending.timeoutMs *= 2;
      pending.dueAt = now + pending.timeoutMs;
      this.#due.push(pending);
      this.#ctx.counters.retransmissions++;
      this.#ctx.messageIds.touch(pending.peerKey, pending.messageId, true);
      this.#ctx.transmit(pending.bytes, pending.peer);
    }
    this.#schedule();
  }

  #finish(pending: PendingConfirmable): void {
    this.#due.remove(pending);
    if (this.#pending.get(pending.key) === pending) this.#pending.delete(pending.key);
    if (this.#due.size === 0) this.#schedule();
  }

  /** Oldest first, all with the same lifetime: expired ones are at the front. */
  #sweepNonConfirmable(now: number): void {
    for (
      let oldest = this.#nonConfirmable.oldest();
      oldest !== undefined;
      oldest = this.#nonConfirmable.oldest()
    ) {
      if (oldest[1].expiresAt > now) break;
      this.#nonConfirmable.shift();
    }
  }
}
