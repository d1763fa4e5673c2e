import type { ModbusPoint } from '../config/point-schema.js';
import { isBitTable, type ModbusTable } from '../protocol/function-codes.js';
import {
  type BytePermutation,
  type Endianness,
  permutationFromOrder,
  permutationFromOrders,
} from './byte-order.js';
import { type ModbusDataType, registerCount } from './data-types.js';

/** Byte and word order a connection applies to points that do not set their own. */
export interface OrderDefaults {
  readonly byteOrder: Endianness;
  readonly wordOrder: Endianness;
}

export const BIG_ENDIAN_DEFAULTS: OrderDefaults = { byteOrder: 'big', wordOrder: 'big' };

/** Everything needed to read, decode, encode and write one point, resolved from its binding. */
export interface PointLayout {
  readonly table: ModbusTable;
  readonly address: number;
  readonly type: ModbusDataType;
  /** Bit of a register, for bit-in-register points. */
  readonly bit: number | undefined;
  /** Coils/discrete inputs read (1) or registers read. */
  readonly count: number;
  /** Wire byte i carries value byte permutation[i]; for strings/bytes a per-register byte swap. */
  readonly permutation: BytePermutation;
  readonly encoding: 'ascii' | 'latin1' | 'utf8';
}

/** The type a point has once defaults apply: bool for bit tables and register bits, else uint16. */
export function resolvedType(point: ModbusPoint): ModbusDataType {
  if (point.type !== undefined) return point.type;
  return isBitTable(point.table) || point.bit !== undefined ? 'bool' : 'uint16';
}

/** Resolves a validated point binding (and the connection's order defaults) into its layout. */
export function pointLayout(point: ModbusPoint, defaults: OrderDefaults = BIG_ENDIAN_DEFAULTS): PointLayout {
  const type = resolvedType(point);
  if (isBitTable(point.table)) {
    return {
      table: point.table,
      address: point.address,
      type: 'bool',
      bit: undefined,
      count: 1,
      permutation: [],
      encoding: 'ascii',
    };
  }
  const registers = registerCount(type, point.length);
  const byteOrder = point.byteOrder ?? defaults.byteOrder;
  let permutation: BytePermutation;
  if (type === 'string' || type === 'bytes') {
    permutation = permutationFromOrders(registers, byteOrder, 'big');
  } else if (point.order !== undefined) {
    permutation = permutationFromOrder(point.order);
  } else {
    permutation = permutationFromOrders(registers, byteOrder, point.wordOrder ?? defaults.wordOrder);
  }
  return {
    table: point.table,
    address: point.address,
    type,
    bit: point.bit,
    count: registers,
    permutation,
    encoding: point.encoding ?? 'ascii',
  };
}
