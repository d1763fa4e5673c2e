import { TableMemory, type TableRange } from './table-memory.js';
import type { TableName } from './table-name.js';

export type UnitLayout = Readonly<Record<TableName, readonly TableRange[]>>;

/** The four tables of one unit id. */
export class UnitMemory {
  readonly coils: TableMemory;
  readonly discreteInputs: TableMemory;
  readonly holdingRegisters: TableMemory;
  readonly inputRegisters: TableMemory;

  constructor(layout: UnitLayout) {
    this.coils = new TableMemory('bits', layout.coils);
    this.discreteInputs = new TableMemory('bits', layout.discreteInputs);
    this.holdingRegisters = new TableMemory('words', layout.holdingRegisters);
    this.inputRegisters = new TableMemory('words', layout.inputRegisters);
  }

  table(name: TableName): TableMemory {
    return this[name];
  }
}
