import type { HandshakeFragment } from './handshake-messages.js';
import { TlsDecodeError } from './tls-wire.js';

/** A whole handshake message, reassembled, in message_seq order. */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

export interface ReassemblerLimits {
  /** Largest message body accepted (default 16 KiB). */
  readonly maxMessageLength?: number;
  /** How far ahead of the next expected message_seq fragments are kept (default 8). */
  readonly maxAhead?: number;
}

interface PartialMessage {
  readonly msgType: number;
  readonly body: Uint8Array;
  /** Received byte ranges [start, end), sorted and merged. */
  covered: [number, number][];
}

export type FragmentDisposition = 'accepted' | 'old' | 'too-far';

/**
 * Handshake fragments in, whole messages out in message_seq order (RFC 6347 §4.2.2-§4.2.3):
 * fragments may overlap, repeat and arrive out of order. A fragment of an already delivered
 * message is 'old' (the peer retransmitted its flight). Memory is bounded by the limits.
 */
export class HandshakeReassembler {
  #nextSeq: number;
  readonly #partial = new Map<number, PartialMessage>();
  readonly #maxLength: number;
  readonly #maxAhead: number;

  constructor(nextSeq: number, limits: ReassemblerLimits = {}) {
    this.#nextSeq = nextSeq;
    this.#maxLength = limits.maxMessageLength ?? 16_384;
    this.#maxAhead = limits.maxAhead ?? 8;
  }

  /** The message_seq of the next message to be delivered. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Throws TlsDecodeError when a fragment contradicts an earlier one or is too large. */
  add(fragment: HandshakeFragment): FragmentDisposition {
    if (fragment.messageSeq < this.#nextSeq) return 'old';
    if (fragment.messageSeq >= this.#nextSeq + this.#maxAhead) return 'too-far';
    if (fragment.length > this.#maxLength) {
      throw new TlsDecodeError(`handshake message of ${fragment.length} bytes exceeds ${this.#maxLength}`);
    }
    let partial = this.#partial.get(fragment.messageSeq);
    if (partial === undefined) {
      partial = { msgType: fragment.msgType, body: new Uint8Array(fragment.length), covered: [] };
      this.#partial.set(fragment.messageSeq, partial);
    } else if (partial.msgType !== fragment.msgType || partial.body.length !== fragment.length) {
      throw new TlsDecodeError(
        `fragments of handshake message ${fragment.messageSeq} disagree on its type or length`,
      );
    }
    partial.body.set(fragment.body, fragment.fragmentOffset);
    partial.covered = mergeRange(partial.covered, [
      fragment.fragmentOffset,
      fragment.fragmentOffset + fragment.body.length,
    ]);
    return 'accepted';
  }

  /** The next message in order once it is whole (advancing the expected message_seq), else undefined. */
  next(): HandshakeMessage | undefined {
    const partial = this.#partial.get(this.#nextSeq);
    if (partial === undefined || !isWhole(partial)) return undefined;
    this.#partial.delete(this.#nextSeq);
    const message = { msgType: partial.msgType, messageSeq: this.#nextSeq, body: partial.body };
    this.#nextSeq++;
    return message;
  }
}

function isWhole(partial: PartialMessage): boolean {
  if (partial.body.length === 0) return true;
  const first = partial.covered[0];
  return (
    partial.covered.length === 1 && first !== undefined && first[0] === 0 && first[1] === partial.body.length
  );
}

function mergeRange(ranges: [number, number][], range: [number, number]): [number, number][] {
  if (range[0] === range[1]) return ranges;
  const all = [...ranges, range].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of all) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
