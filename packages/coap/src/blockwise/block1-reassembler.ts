import type { Clock } from '@lwm2m-adapters/kit';
import { FifoMap } from '@lwm2m-adapters/kit';
import { type BlockOption, blockSizeOf } from '../message/block-option.js';

export type Block1Outcome =
  /** Answer 2.31 Continue carrying this Block1 option. */
  | { readonly kind: 'continue'; readonly block: BlockOption }
  /** The last block arrived: hand `payload` to the handler; echo `block` in the response. */
  | { readonly kind: 'complete'; readonly payload: Uint8Array; readonly block: BlockOption }
  /** A block out of sequence, or no transfer in progress: 4.08 Request Entity Incomplete. */
  | { readonly kind: 'incomplete' }
  /** The body would exceed the limit: 4.13 Request Entity Too Large with Size1. */
  | { readonly kind: 'too-large'; readonly maxBytes: number }
  /** A non-final block whose size is not the block size: 4.00 Bad Request. */
  | { readonly kind: 'invalid' };

export interface Block1ReassemblerOptions {
  readonly clock: Clock;
  /** Most transfers in progress at once; the least recently active is dropped beyond it. */
  readonly maxTransfers: number;
  /** Most transfers of one peer at once; that peer's least recently active is dropped beyond it. */
  readonly maxTransfersPerPeer: number;
  /** Largest reassembled body accepted. */
  readonly maxBytes: number;
  /** A transfer without a new block for this long is forgotten. */
  readonly lifetimeMs: number;
}

interface Transfer {
  readonly peerKey: string;
  readonly chunks: Uint8Array[];
  received: number;
  expiresAt: number;
}

/**
 * Reassembles request bodies sent with Block1 (RFC 7959 §2.5), one transfer per (peer, request)
 * key. Bounded by transfer count and body size; blocks must arrive in order (a client may shrink
 * the block size between blocks, which RFC 7959 allows).
 */
export class Block1Reassembler {
  readonly #options: Block1ReassemblerOptions;
  /** Least recently active first. */
  readonly #transfers = new FifoMap<Transfer>();
  /** Transfers in progress per peer. */
  readonly #perPeer = new Map<string, number>();
  #evicted = 0;
  #bytes = 0;

  constructor(options: Block1ReassemblerOptions) {
    this.#options = options;
  }

  /**
   * One block of `peerKey`'s transfer `key`. `size1` is the Size1 option of the request (the
   * announced total), `preferredSzx` the largest block size this endpoint wants.
   */
  accept(
    peerKey: string,
    key: string,
    block: BlockOption,
    payload: Uint8Array,
    size1: number | undefined,
    preferredSzx: number,
  ): Block1Outcome {
    const now = this.#options.clock.now();
    const size = blockSizeOf(block.szx);
    if (block.more && payload.length !== size) {
      this.#drop(key);
      return { kind: 'invalid' };
    }
    let transfer = this.#transfers.get(key);
    if (transfer !== undefined && transfer.expiresAt <= now) {
      this.#drop(key);
      transfer = undefined;
    }
    if (block.num === 0) {
      this.#drop(key);
      if (size1 !== undefined && size1 > this.#options.maxBytes) return this.#tooLarge();
      this.sweep();
      if ((this.#perPeer.get(peerKey) ?? 0) >= this.#options.maxTransfersPerPeer) {
        // the peer's own least recently active transfer gives way, never another peer's
        for (const [otherKey, other] of this.#transfers.entries()) {
          if (other.peerKey !== peerKey) continue;
          this.#drop(otherKey);
          this.#evicted++;
          break;
        }
      }
      while (this.#transfers.size >= this.#options.maxTransfers) {
        const oldest = this.#transfers.oldest();
        if (oldest === undefined) break;
        this.#drop(oldest[0]);
        this.#evicted++;
      }
      transfer = { peerKey, chunks: [], received: 0, expiresAt: 0 };
      this.#transfers.set(key, transfer);
      this.#perPeer.set(peerKey, (this.#perPeer.get(peerKey) ?? 0) + 1);
    }
    if (transfer === undefined) return { kind: 'incomplete' };
    const offset = block.num * size;
    if (offset !== transfer.received) {
      // the same block again (our 2.31 was lost and the client sent it with a new message ID)
      if (block.more && offset + payload.length === transfer.received) {
        transfer.expiresAt = now + this.#options.lifetimeMs;
        return {
          kind: 'continue',
          block: { num: block.num, more: true, szx: Math.min(block.szx, preferredSzx) },
        };
      }
      this.#drop(key);
      return { kind: 'incomplete' };
    }
    if (transfer.received + payload.length > this.#options.maxBytes) {
      this.#drop(key);
      return this.#tooLarge();
    }
    transfer.chunks.push(Uint8Array.from(payload));
    transfer.received += payload.length;
    this.#bytes += payload.length;
    transfer.expiresAt = now + this.#options.lifetimeMs;
    this.#transfers.set(key, transfer); // most recently active goes last
    if (block.more) {
      return {
        kind: 'continue',
        block: { num: block.num, more: true, szx: Math.min(block.szx, preferredSzx) },
      };
    }
    this.#drop(key);
    const body = new Uint8Array(transfer.received);
    let pos = 0;
    for (const chunk of transfer.chunks) {
      body.set(chunk, pos);
      pos += chunk.length;
    }
    return { kind: 'complete', payload: body, block: { num: block.num, more: false, szx: block.szx } };
  }

  sweep(): void {
    const now = this.#options.clock.now();
    for (const [key, transfer] of [...this.#transfers.entries()])
      if (transfer.expiresAt <= now) this.#drop(key);
  }

  clear(): void {
    this.#transfers.clear();
    this.#perPeer.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#transfers.size;
  }

  /** Bytes held by transfers in progress. */
  get bytes(): number {
    return this.#bytes;
  }

  get evicted(): number {
    return this.#evicted;
  }

  #tooLarge(): Block1Outcome {
    return { kind: 'too-large', maxBytes: this.#options.maxBytes };
  }

  #drop(key: string): void {
    const transfer = this.#transfers.get(key);
    if (transfer === undefined) return;
    this.#transfers.delete(key);
    this.#bytes -= transfer.received;
    const count = (this.#perPeer.get(transfer.peerKey) ?? 1) - 1;
    if (count > 0) this.#perPeer.set(transfer.peerKey, count);
    else this.#perPeer.delete(transfer.peerKey);
  }
}
