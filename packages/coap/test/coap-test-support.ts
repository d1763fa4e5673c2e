import { CoapEndpoint } from '../src/endpoint/coap-endpoint.js';
/** Test doubles for the CoAP endpoint: a fake clock, a recording sink, raw message helpers. */

import { type Clock, ManualClock } from '@lwm2m-adapters/kit';
import type { DatagramSink, PeerAddress } from '../src/coap-types.js';
import type { CoapMessage } from '../src/message/coap-message.js';
import { decodeCoapMessage, encodeCoapMessage } from '../src/message/coap-message-codec.js';

/** The CoAP tests' manual clock: it starts at 1,000,000 ms, so that no timestamp is 0. */
export class FakeClock extends ManualClock {
  constructor(start = 1_000_000) {
    super(start);
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

export type EndpointLimits = NonNullable<ConstructorParameters<typeof CoapEndpoint>[0]['limits']>;

/** An endpoint on a fake clock whose datagrams are recorded, with a fixed random source. */
export function recordingEndpoint(options: { random?: () => number; limits?: EndpointLimits } = {}) {
  const clock = new FakeClock();
  const sink = new RecordingSink(clock);
  const ep = new CoapEndpoint({
    sink,
    clock,
    random: options.random ?? (() => 0.5),
    limits: options.limits ?? {},
  });
  return { clock, sink, ep };
}
