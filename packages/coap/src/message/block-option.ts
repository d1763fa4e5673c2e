import type { CoapOption } from '../coap-types.js';
import { decodeUintOption, encodeUintOption } from './coap-options.js';

/** A Block1 or Block2 option value (RFC 7959 §2.2). */
export interface BlockOption {
  /** Block number, 0 to 2^20-1. */
  readonly num: number;
  /** More blocks follow. */
  readonly more: boolean;
  /** Size exponent: the block holds 2^(szx+4) bytes; 0..6 (7 is BERT, reliable transports only). */
  readonly szx: number;
}

export const MAX_BLOCK_NUMBER = 0xfffff;

export function blockSizeOf(szx: number): number {
  return 1 << (szx + 4);
}

/** The size exponent of a block size (16, 32, ... 1024). Throws for any other size. */
export function szxOfBlockSize(size: number): number {
  const szx = Math.log2(size) - 4;
  if (!Number.isInteger(szx) || szx < 0 || szx > 6) {
    throw new RangeError(`block size ${size} is not a power of two between 16 and 1024`);
  }
  return szx;
}

export function encodeBlockOption(number: number, block: BlockOption): CoapOption {
  return {
    number,
    value: encodeUintOption(block.num * 16 + (block.more ? 8 : 0) + block.szx),
  };
}

/** Decodes a Block option value; undefined when it is longer than 3 bytes or uses szx 7. */
export function decodeBlockOption(value: Uint8Array): BlockOption | undefined {
  const raw = decodeUintOption(value, 3);
  if (raw === undefined) return undefined;
  const szx = raw & 7;
  if (szx === 7) return undefined;
  return { num: raw >>> 4, more: (raw & 8) !== 0, szx };
}
