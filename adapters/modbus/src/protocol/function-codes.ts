/** The four Modbus data tables, as named in point bindings. */
export type ModbusTable = 'coil' | 'discrete' | 'input' | 'holding';

export const MODBUS_TABLES: readonly ModbusTable[] = ['coil', 'discrete', 'input', 'holding'];

/** Function codes this adapter sends (Modbus Application Protocol V1.1b3 §6). */
export const FunctionCode = {
  READ_COILS: 1,
  READ_DISCRETE_INPUTS: 2,
  READ_HOLDING_REGISTERS: 3,
  READ_INPUT_REGISTERS: 4,
  WRITE_SINGLE_COIL: 5,
  WRITE_SINGLE_REGISTER: 6,
  WRITE_MULTIPLE_COILS: 15,
  WRITE_MULTIPLE_REGISTERS: 16,
} as const;

export type ReadFunctionCode = 1 | 2 | 3 | 4;
export type WriteFunctionCode = 5 | 6 | 15 | 16;
export type ModbusFunctionCode = ReadFunctionCode | WriteFunctionCode;

/** Set on the function code of a reply that carries an exception code instead of data. */
export const EXCEPTION_FLAG = 0x80;

/** FC5 value that switches a coil on; 0x0000 switches it off, anything else is illegal. */
export const COIL_ON = 0xff00;

/** The unit id that addresses every device on a serial line: writes only, never answered. */
export const BROADCAST_UNIT_ID = 0;

/** Largest PDU: a 256-byte serial frame less the unit id and the CRC. Every framing carries at most this. */
export const MAX_PDU_LENGTH = 253;

/** Protocol limits per request (quantities the specification allows). */
export const ModbusLimits = {
  /** FC3/FC4 quantity of registers. */
  MAX_READ_REGISTERS: 125,
  /** FC1/FC2 quantity of bits. */
  MAX_READ_BITS: 2000,
  /** FC16 quantity of registers. */
  MAX_WRITE_REGISTERS: 123,
  /** FC15 quantity of coils. */
  MAX_WRITE_COILS: 1968,
} as const;

/** The read function code of a table. */
export function readFunctionCode(table: ModbusTable): ReadFunctionCode {
  switch (table) {
    case 'coil':
      return 1;
    case 'discrete':
      return 2;
    case 'holding':
      return 3;
    case 'input':
      return 4;
  }
}

/** Whether the table holds 1-bit values (coils, discrete inputs) rather than 16-bit registers. */
export function isBitTable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'discrete';
}

/** Whether a master may write the table (coils and holding registers). */
export function isWritableTable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'holding';
}
