/**
 * Byte and word orders of multi-register values, named by where the bytes of the big-endian value
 * A B C D (E F G H) end up. ABCD is big endian; CDAB swaps the words; BADC swaps the bytes in each
 * word; DCBA does both. The 8-letter names are the 64-bit spellings of the same four orders; the
 * 4-letter names also apply to 64-bit values (CDAB on 64 bits = GHEFCDAB: least significant word first).
 */
import { type DataType, is64BitType } from './data-type.js';

export const wordOrders = [
  'ABCD',
  'CDAB',
  'BADC',
  'DCBA',
  'ABCDEFGH',
  'GHEFCDAB',
  'BADCFEHG',
  'HGFEDCBA',
] as const;

export type WordOrder = (typeof wordOrders)[number];

export interface OrderSwaps {
  /** Registers in reverse order (least significant word first). */
  readonly wordSwap: boolean;
  /** Low byte first inside each register. */
  readonly byteSwap: boolean;
}

const swaps: Readonly<Record<WordOrder, OrderSwaps>> = {
  ABCD: { wordSwap: false, byteSwap: false },
  CDAB: { wordSwap: true, byteSwap: false },
  BADC: { wordSwap: false, byteSwap: true },
  DCBA: { wordSwap: true, byteSwap: true },
  ABCDEFGH: { wordSwap: false, byteSwap: false },
  GHEFCDAB: { wordSwap: true, byteSwap: false },
  BADCFEHG: { wordSwap: false, byteSwap: true },
  HGFEDCBA: { wordSwap: true, byteSwap: true },
};

export function orderSwaps(order: WordOrder): OrderSwaps {
  return swaps[order];
}

/** Why `order` does not fit `type`, or undefined when it does. */
export function wordOrderProblem(type: DataType, order: WordOrder): string | undefined {
  if (order.length === 8 && !is64BitType(type)) {
    return `word order ${order} is for 64-bit types; use ABCD, CDAB, BADC or DCBA for ${type}`;
  }
  if (type === 'string' && swaps[order].wordSwap) {
    return `strings keep their registers in order: use ABCD (high byte first) or BADC (low byte first), not ${order}`;
  }
  return undefined;
}
