/** The four Modbus data tables every unit has. */
export const tableNames = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const;

export type TableName = (typeof tableNames)[number];

/** Coils and discrete inputs hold bits; the register tables hold 16-bit words. */
export function isBitTable(table: TableName): table is 'coils' | 'discreteInputs' {
  return table === 'coils' || table === 'discreteInputs';
}
