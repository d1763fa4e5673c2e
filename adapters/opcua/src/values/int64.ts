/**
 * OPC UA Int64/UInt64 as node-opcua carries them on the wire: `[high, low]`, two unsigned 32-bit
 * words of the two's-complement value. Converted to and from bigint exactly (no float rounding).
 */
export type Int64Words = readonly [number, number];

export function isInt64Words(value: unknown): value is Int64Words {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number'
  );
}

/** `[high, low]` → bigint, signed for Int64, unsigned for UInt64. */
export function wordsToBigInt(words: Int64Words, signed: boolean): bigint {
  const unsigned = (BigInt(words[0] >>> 0) << 32n) | BigInt(words[1] >>> 0);
  return signed ? BigInt.asIntN(64, unsigned) : unsigned;
}

/** bigint (already range-checked) → `[high, low]`. */
export function bigIntToWords(value: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, value);
  return [Number(unsigned >> 32n), Number(unsigned & 0xffff_ffffn)];
}
