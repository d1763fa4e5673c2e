/**
 * Byte and word order of multi-byte values, as a permutation.
 *
 * Letters name the bytes of the value from most significant (A) to least significant; an order
 * string lists them in the sequence they appear on the wire. Modbus itself only fixes that a
 * register is sent high byte first ("AB"); how devices lay out 32- and 64-bit values over
 * several registers varies:
 *
 * | byteOrder / wordOrder | 16-bit | 32-bit | 64-bit   |
 * |-----------------------|--------|--------|----------|
 * | big / big (default)   | AB     | ABCD   | ABCDEFGH |
 * | little / big          | BA     | BADC   | BADCFEHG |
 * | big / little          | AB     | CDAB   | GHEFCDAB |
 * | little / little       | BA     | DCBA   | HGFEDCBA |
 *
 * Any other permutation (e.g. `CDABGHEF`) can be given as an explicit `order`.
 */
export type Endianness = 'big' | 'little';

/** `permutation[i]` = index (0 = most significant) of the value byte carried by wire byte `i`. */
export type BytePermutation = readonly number[];

/** The permutation for a value of `registers` registers with this byte and word order. */
export function permutationFromOrders(
  registers: number,
  byteOrder: Endianness,
  wordOrder: Endianness,
): BytePermutation {
  const permutation: number[] = [];
  for (let wireWord = 0; wireWord < registers; wireWord++) {
    const valueWord = wordOrder === 'big' ? wireWord : registers - 1 - wireWord;
    const high = valueWord * 2;
    if (byteOrder === 'big') permutation.push(high, high + 1);
    else permutation.push(high + 1, high);
  }
  return permutation;
}

/** Whether `order` (e.g. "CDAB") is a permutation of the first `bytes` letters A, B, C... */
export function isValidOrder(order: string, bytes: number): boolean {
  if (order.length !== bytes) return false;
  const seen = new Set<number>();
  for (let i = 0; i < order.length; i++) {
    const index = order.charCodeAt(i) - 65;
    if (index < 0 || index >= bytes || seen.has(index)) return false;
    seen.add(index);
  }
  return true;
}

/** The permutation an order string names; the caller has checked it with `isValidOrder`. */
export function permutationFromOrder(order: string): BytePermutation {
  return Array.from(order, (letter) => letter.charCodeAt(0) - 65);
}

/** The order string of a permutation (for plans and messages). */
export function orderName(permutation: BytePermutation): string {
  return String.fromCharCode(...permutation.map((index) => 65 + index));
}

export function isIdentity(permutation: BytePermutation): boolean {
  return permutation.every((index, i) => index === i);
}
