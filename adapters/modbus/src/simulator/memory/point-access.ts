/** Reading and writing typed values (a float32 in two registers, a bit of a register...) in a unit. */
import { registerCount } from '../../data/data-types.js';
import { decodeValue, encodeValue, type TypedValue, type ValueLayout } from '../values/typed-value.js';
import { isBitTable, type TableName } from './table-name.js';
import type { UnitMemory } from './unit-memory.js';

/** A typed value and where it lives. */
export interface TypedPoint extends ValueLayout {
  readonly table: TableName;
  readonly address: number;
}

/** Registers (or bits) a point occupies. */
export function pointWidth(point: TypedPoint): number {
  return isBitTable(point.table) ? 1 : registerCount(point.type, point.length);
}

/** A register with bit `bit` (0 = least significant) set to `on`. */
function withBit(word: number, bit: number, on: boolean): number {
  return on ? (word | (1 << bit)) & 0xffff : word & ~(1 << bit) & 0xffff;
}

/** Stores `value`; throws VALUE_OUT_OF_RANGE when it does not fit the type. */
export function writePoint(memory: UnitMemory, point: TypedPoint, value: TypedValue): void {
  const table = memory.table(point.table);
  if (isBitTable(point.table)) {
    table.set(point.address, value === true || value === 1 ? 1 : 0);
    return;
  }
  if (point.type === 'bool') {
    const on = value === true || value === 1;
    table.set(point.address, withBit(table.get(point.address), point.bit ?? 0, on));
    return;
  }
  const words = encodeValue(point, value);
  for (let i = 0; i < words.length; i++) table.set(point.address + i, words[i]!);
}

export function readPoint(memory: UnitMemory, point: TypedPoint): TypedValue {
  const table = memory.table(point.table);
  if (isBitTable(point.table)) return table.get(point.address) === 1;
  if (point.type === 'bool') return ((table.get(point.address) >>> (point.bit ?? 0)) & 1) === 1;
  const words = Array.from({ length: pointWidth(point) }, (_, i) => table.get(point.address + i));
  return decodeValue(point, words);
}
