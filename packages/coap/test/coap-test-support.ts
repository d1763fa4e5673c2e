/** Test doubles for the CoAP endpoint: a fake clock, a recording sink, raw message helpers. */

import type { Clock } from '@lwm2m-adapters/kit';
import type { DatagramSink, PeerAddress } from '../src/coap-types.js';
import type { CoapMessage } from '../src/message/coap-message.js';
import { decodeCoapMessage, encodeCoapMessage } from '../src/message/coap-message-codec.js';

interface ScheduledTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** An Clock that only moves when told to; timers fire in time order (then creation order). */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #heap: ScheduledTimer[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer: ScheduledTimer = {
      at: this.#now + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Pending (not cancelled) timers. */
  get pending(): number {
    return this.#heap.filter((t) => !t.cancelled).length;
  }

  /** Time of the next pending timer. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they start). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#dropCancelled();
      const next = this.#heap[0];
      if (next === undefined || next.at > target) break;
      this.#pop();
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled) this.#pop();
  }

  #less(a: ScheduledTimer, b: ScheduledTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: ScheduledTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): ScheduledTimer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.#less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

export interface SentDatagram {
  readonly bytes: Uint8Array;
  readonly peer: PeerAddress;
  readonly at: number;
  readonly message: CoapMessage;
}

/** A DatagramSink that records what the endpoint sends (decoded) and optionally forwards it. */
export class RecordingSink implements DatagramSink {
  readonly sent: SentDatagram[] = [];
  forward: ((bytes: Uint8Array, peer: PeerAddress) => void) | undefined;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  send(datagram: Uint8Array, peer: PeerAddress): void {
    const decoded = decodeCoapMessage(datagram);
    if (!decoded.ok) throw new Error(`endpoint sent a malformed datagram: ${decoded.reason}`);
    this.sent.push({
      bytes: Uint8Array.from(datagram),
      peer,
      at: this.#clock.now(),
      message: decoded.message,
    });
    this.forward?.(Uint8Array.from(datagram), peer);
  }

  /** Removes and returns everything recorded so far. */
  take(): SentDatagram[] {
    return this.sent.splice(0, this.sent.length);
  }

  last(): SentDatagram {
    const last = this.sent[this.sent.length - 1];
    if (last === undefined) throw new Error('nothing was sent');
    return last;
  }
}

export const SERVER: PeerAddress = { address: '192.0.2.1', port: 5683 };
export const CLIENT: PeerAddress = { address: '198.51.100.7', port: 56830 };

const utf8 = new TextEncoder();

export function text(s: string): Uint8Array {
  return utf8.encode(s);
}

export function asText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Builds a raw message (our codec) for feeding `receive` in tests. */
export function raw(
  message: Partial<CoapMessage> & Pick<CoapMessage, 'type' | 'code' | 'messageId'>,
): Uint8Array {
  return encodeCoapMessage(
    {
      token: new Uint8Array(0),
      options: [],
      payload: new Uint8Array(0),
      ...message,
    },
    65_000,
  );
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export function optionValues(message: CoapMessage, number: number): Uint8Array[] {
  return message.options.filter((o) => o.number === number).map((o) => o.value);
}

export function uintOf(value: Uint8Array | undefined): number | undefined {
  if (value === undefined) return undefined;
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

export const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
