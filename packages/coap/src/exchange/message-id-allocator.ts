import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import { Fifo } from '@lwm2m-adapters/kit';

export interface MessageIdAllocatorOptions {
  readonly clock: Clock;
  /** Returns a number in [0, 1): picks each peer's first message ID. */
  readonly random: () => number;
  /** How long a message ID stays reserved after a CON used it (EXCHANGE_LIFETIME, 247 s). */
  readonly exchangeLifetimeMs: number;
  /** How long after a NON used it (NON_LIFETIME, 145 s). */
  readonly nonLifetimeMs: number;
}

const MID_COUNT = 0x10000;

interface Reservation {
  readonly messageId: number;
  readonly until: number;
}

/** The message IDs reserved towards one peer. */
class PeerMessageIds {
  /** Message ID → time it becomes free again. */
  readonly reservedUntil = new Map<number, number>();
  /** Reservations in the order made; each FIFO has one lifetime, so it is sorted by `until`. */
  readonly confirmable = new Fifo<Reservation>();
  readonly nonConfirmable = new Fifo<Reservation>();
  next: number;

  constructor(first: number) {
    this.next = first;
  }

  release(now: number): void {
    this.#releaseFrom(this.confirmable, now);
    this.#releaseFrom(this.nonConfirmable, now);
  }

  #releaseFrom(fifo: Fifo<Reservation>, now: number): void {
    for (let head = fifo.peek(); head !== undefined && head.until <= now; head = fifo.peek()) {
      fifo.shift();
      // a later use of the same ID replaced the reservation: keep that one
      if (this.reservedUntil.get(head.messageId) === head.until) this.reservedUntil.delete(head.messageId);
    }
  }

  reserve(messageId: number, until: number, confirmable: boolean): void {
    const current = this.reservedUntil.get(messageId);
    if (current !== undefined && current >= until) return;
    this.reservedUntil.set(messageId, until);
    (confirmable ? this.confirmable : this.nonConfirmable).push({ messageId, until });
  }
}

/**
 * Hands out CoAP message IDs per peer so that an ID is never reused towards the same peer while
 * that peer may still de-duplicate on it: EXCHANGE_LIFETIME after the last CON that carried it,
 * NON_LIFETIME after the last NON. IDs go out in sequence from a random start. When all 65,536
 * are reserved, `allocate` throws QUEUE_FULL instead of reusing one; the caller queues and retries
 * after `nextReleaseAt`. That caps one peer at ~265 CON (~450 NON) messages per second.
 */
export class MessageIdAllocator {
  readonly #options: MessageIdAllocatorOptions;
  readonly #peers = new Map<string, PeerMessageIds>();
  #refusals = 0;

  constructor(options: MessageIdAllocatorOptions) {
    this.#options = options;
  }

  /** A message ID free towards `peerKey`, reserved from now on; QUEUE_FULL when none is free. */
  allocate(peerKey: string, confirmable: boolean): number {
    const messageId = this.tryAllocate(peerKey, confirmable);
    if (messageId === undefined) {
      throw new CodedError(
        'QUEUE_FULL',
        'all 65536 CoAP message IDs towards this peer are within their lifetime; try again later',
        { details: { peer: peerKey, retryAt: this.nextReleaseAt(peerKey) } },
      );
    }
    return messageId;
  }

  /** Like `allocate`, but returns undefined (and counts a refusal) when every ID is reserved. */
  tryAllocate(peerKey: string, confirmable: boolean): number | undefined {
    const now = this.#options.clock.now();
    let peer = this.#peers.get(peerKey);
    if (peer === undefined) {
      peer = new PeerMessageIds(Math.floor(this.#options.random() * MID_COUNT) % MID_COUNT);
      this.#peers.set(peerKey, peer);
    }
    peer.release(now);
    if (peer.reservedUntil.size >= MID_COUNT) {
      this.#refusals++;
      return undefined;
    }
    let messageId = peer.next;
    while (peer.reservedUntil.has(messageId)) messageId = (messageId + 1) % MID_COUNT;
    peer.next = (messageId + 1) % MID_COUNT;
    peer.reserve(messageId, now + this.#lifetime(confirmable), confirmable);
    return messageId;
  }

  /**
   * Records another transmission of an ID this allocator handed out (a retransmission): the
   * reservation then runs from now.
   */
  touch(peerKey: string, messageId: number, confirmable: boolean): void {
    const peer = this.#peers.get(peerKey);
    if (peer === undefined) return;
    peer.reserve(messageId, this.#options.clock.now() + this.#lifetime(confirmable), confirmable);
  }

  /** How many IDs are reserved towards the peer right now. */
  inUse(peerKey: string): number {
    const peer = this.#peers.get(peerKey);
    if (peer === undefined) return 0;
    peer.release(this.#options.clock.now());
    return peer.reservedUntil.size;
  }

  /** When the next reserved ID towards the peer becomes free (undefined if none is reserved). */
  nextReleaseAt(peerKey: string): number | undefined {
    const peer = this.#peers.get(peerKey);
    if (peer === undefined) return undefined;
    const times = [peer.confirmable.peek()?.until, peer.nonConfirmable.peek()?.until].filter(
      (t): t is number => t !== undefined,
    );
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Releases expired reservations and forgets peers with none left. */
  sweep(): void {
    const now = this.#options.clock.now();
    for (const [key, peer] of this.#peers) {
      peer.release(now);
      if (peer.reservedUntil.size === 0) this.#peers.delete(key);
    }
  }

  /** IDs reserved per peer key. */
  usage(): Record<string, number> {
    const now = this.#options.clock.now();
    const out: Record<string, number> = {};
    for (const [key, peer] of this.#peers) {
      peer.release(now);
      out[key] = peer.reservedUntil.size;
    }
    return out;
  }

  /** How many allocations were refused because every ID was reserved. */
  get refusals(): number {
    return this.#refusals;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  #lifetime(confirmable: boolean): number {
    return confirmable ? this.#options.exchangeLifetimeMs : this.#options.nonLifetimeMs;
  }
}
