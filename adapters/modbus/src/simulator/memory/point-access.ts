/** Reading and writing typed values (a float32 in two registers, a bit of a register...) in a unit. */
import { type DataType, registerCount, type TypedValue } from '../values/data-type.js';
import { bitOfWord, decodeValue, encodeValue } from '../values/value-codec.js';
import type { WordOrder } from '../values/word-order.js';
import { isBitTable, type TableName } from './table-name.js';
import type { UnitMemory } from './unit-memory.js';

/** Where a typed value lives. */
export interface PointLayout {
  readonly table: TableName;
  readonly address: number;
  readonly type: DataType;
  readonly wordOrder?: WordOrder | undefined;
  /** Registers of a string. */
  readonly length?: number | undefined;
  /** Bit of a register holding a bool. */
  readonly bit?: number | undefined;
}

/** Registers (or bits) a point occupies. */
export function pointWidth(layout: PointLayout): number {
  return isBitTable(layout.table) ? 1 : registerCount(layout.type, layout.length);
}

/** Stores `value`; throws VALUE_OUT_OF_RANGE when it does not fit the type. */
export function writePoint(memory: UnitMemory, layout: PointLayout, value: TypedValue): void {
  const table = memory.table(layout.table);
  if (isBitTable(layout.table)) {
    table.set(layout.address, value === true || value === 1 ? 1 : 0);
    return;
  }
  if (layout.type === 'bool') {
    const on = value === true || value === 1;
    table.set(layout.address, bitOfWord(table.get(layout.address), layout.bit ?? 0, on));
    return;
  }
  const words = encodeValue(layout, value);
  for (let i = 0; i < words.length; i++) table.set(layout.address + i, words[i]!);
}

export function readPoint(memory: UnitMemory, layout: PointLayout): TypedValue {
  const table = memory.table(layout.table);
  if (isBitTable(layout.table)) return table.get(layout.address) === 1;
  if (layout.type === 'bool') return ((table.get(layout.address) >>> (layout.bit ?? 0)) & 1) === 1;
  const words = Array.from({ length: pointWidth(layout) }, (_, i) => table.get(layout.address + i));
  return decodeValue(layout, words);
}
