/**
 * The simulator's values on the adapter's `data/` vocabulary: its types are the adapter's (less
 * `bytes`), its word-order names stand for the adapter's byte and word orders, and values go to and
 * from registers through the adapter's value codec. The simulator's own part: it takes loosely typed
 * values (a bigint or a number for any integer, 0/1 for a bool) and refuses those that do not fit.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import type { RawValue } from '@lwm2m-adapters/sdk';
import { type Endianness, permutationFromOrders } from '../../data/byte-order.js';
import {
  dataTypeValueKind,
  integerRange,
  MODBUS_DATA_TYPES,
  type ModbusDataType,
  registerCount,
} from '../../data/data-types.js';
import { createValueCodec, type ValueCodec } from '../../data/value-codec.js';

/** Data types a point can have: the adapter's, less `bytes`. */
export type DataType = Exclude<ModbusDataType, 'bytes'>;

export const dataTypes: readonly DataType[] = MODBUS_DATA_TYPES.filter(
  (type): type is DataType => type !== 'bytes',
);

/** A value as tests and signals see it; 64-bit integers may be bigint. */
export type TypedValue = number | bigint | boolean | string;

/**
 * Byte and word orders of multi-register values, named by where the bytes of the big-endian value
 * A B C D (E F G H) end up. ABCD is big endian; CDAB swaps the words; BADC swaps the bytes in each
 * word; DCBA does both. The 8-letter names are the 64-bit spellings of the same four orders; the
 * 4-letter names also apply to 64-bit values (CDAB on 64 bits = GHEFCDAB: least significant word first).
 */
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

interface Orders {
  /** Order of the two bytes inside each register. */
  readonly byteOrder: Endianness;
  /** Order of the registers: little = least significant register first. */
  readonly wordOrder: Endianness;
}

const BIG_BIG: Orders = { byteOrder: 'big', wordOrder: 'big' };
const WORD_SWAP: Orders = { byteOrder: 'big', wordOrder: 'little' };
const BYTE_SWAP: Orders = { byteOrder: 'little', wordOrder: 'big' };
const BOTH_SWAPPED: Orders = { byteOrder: 'little', wordOrder: 'little' };

/** Each name in the adapter's terms (`data/byte-order.ts`). */
const orders: Readonly<Record<WordOrder, Orders>> = {
  ABCD: BIG_BIG,
  CDAB: WORD_SWAP,
  BADC: BYTE_SWAP,
  DCBA: BOTH_SWAPPED,
  ABCDEFGH: BIG_BIG,
  GHEFCDAB: WORD_SWAP,
  BADCFEHG: BYTE_SWAP,
  HGFEDCBA: BOTH_SWAPPED,
};

/** Numbers rather than booleans or text. */
export function isNumericType(type: DataType): boolean {
  return type !== 'bool' && type !== 'string';
}

/** Why `order` does not fit `type`, or undefined when it does. */
export function wordOrderProblem(type: DataType, order: WordOrder): string | undefined {
  if (order.length === 8 && registerCount(type, undefined) !== 4) {
    return `word order ${order} is for 64-bit types; use ABCD, CDAB, BADC or DCBA for ${type}`;
  }
  if (type === 'string' && orders[order].wordOrder === 'little') {
    return `strings keep their registers in order: use ABCD (high byte first) or BADC (low byte first), not ${order}`;
  }
  return undefined;
}

export interface ValueLayout {
  readonly type: DataType;
  /** Default ABCD (big endian). */
  readonly wordOrder?: WordOrder | undefined;
  /** Registers of a string. */
  readonly length?: number | undefined;
  /** Bit of a register holding a bool (memory access reads and sets just that bit). */
  readonly bit?: number | undefined;
}

/** One codec per type, order and length: codecs keep no state between calls. */
const codecs = new Map<string, ValueCodec>();

function codecOf(layout: ValueLayout): ValueCodec {
  const order = layout.wordOrder ?? 'ABCD';
  const key = `${layout.type}|${order}|${layout.length ?? ''}`;
  let codec = codecs.get(key);
  if (codec === undefined) {
    const registers = registerCount(layout.type, layout.length);
    const { byteOrder, wordOrder } = orders[order];
    codec = createValueCodec({
      table: 'holding',
      address: 0,
      type: layout.type,
      bit: undefined,
      count: registers,
      permutation: permutationFromOrders(registers, byteOrder, wordOrder),
      encoding: 'utf8',
    });
    codecs.set(key, codec);
  }
  return codec;
}

function outOfRange(type: DataType, value: TypedValue, why: string): CodedError {
  return new CodedError('VALUE_OUT_OF_RANGE', `${String(value)} does not fit ${type}: ${why}`, {
    details: { type, value: String(value) },
  });
}

function toInteger(type: DataType, value: TypedValue): bigint {
  let integer: bigint;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'number' && Number.isInteger(value)) integer = BigInt(value);
  else if (typeof value === 'boolean') integer = value ? 1n : 0n;
  else throw outOfRange(type, value, 'not an integer');
  const [min, max] = integerRange(type)!;
  if (integer < min || integer > max) throw outOfRange(type, value, `outside ${min}..${max}`);
  return integer;
}

function toNumber(type: DataType, value: TypedValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw outOfRange(type, value, 'not a number');
}

/** The value the codec writes for `value`; throws VALUE_OUT_OF_RANGE when it does not fit. */
function toRawValue(layout: ValueLayout, value: TypedValue): RawValue {
  const type = layout.type;
  switch (dataTypeValueKind(type)) {
    case 'boolean':
      return value === true || value === 1;
    case 'integer':
      return toInteger(type, value);
    case 'number':
      return toNumber(type, value);
    default: {
      const text = typeof value === 'string' ? value : String(value);
      const bytes = 2 * registerCount(type, layout.length);
      if (Buffer.byteLength(text, 'utf8') > bytes)
        throw outOfRange(type, value, `longer than ${bytes} bytes`);
      return text;
    }
  }
}

/**
 * Registers holding `value` as `layout` says (a string is UTF-8, NUL padded). Throws
 * VALUE_OUT_OF_RANGE when it does not fit.
 */
export function encodeValue(layout: ValueLayout, value: TypedValue): Uint16Array {
  const wire = codecOf(layout).encodeRegisters(toRawValue(layout, value));
  const words = new Uint16Array(wire.length / 2);
  for (let i = 0; i < words.length; i++) words[i] = (wire[2 * i]! << 8) | wire[2 * i + 1]!;
  return words;
}

/** The value stored in `words` (as many as `layout` needs); 64-bit integers are bigints. */
export function decodeValue(layout: ValueLayout, words: ArrayLike<number>): TypedValue {
  const wire = new Uint8Array(2 * registerCount(layout.type, layout.length));
  for (let i = 0; i < wire.length / 2; i++) {
    const word = words[i] ?? 0;
    wire[2 * i] = word >>> 8;
    wire[2 * i + 1] = word & 0xff;
  }
  const value = codecOf(layout).decode(wire, 0) as TypedValue;
  return layout.type === 'int64' || layout.type === 'uint64' ? BigInt(value as number | bigint) : value;
}
