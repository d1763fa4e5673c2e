/**
 * Executes one request PDU against one unit's tables and returns the reply PDU. Pure and
 * synchronous. Checks follow the specification's order: function code (exception 1), quantity and
 * byte count (3), address range (2), then the operation.
 */
import { COIL_ON, EXCEPTION_FLAG, FunctionCode, ModbusLimits } from '../../protocol/function-codes.js';
import { ExceptionCode } from '../../protocol/modbus-exception.js';
import type { TableMemory } from '../memory/table-memory.js';
import type { UnitMemory } from '../memory/unit-memory.js';

const ADDRESS_SPACE = 0x10000;

export function exceptionPdu(functionCode: number, exceptionCode: number): Buffer {
  const pdu = Buffer.allocUnsafe(2);
  pdu[0] = (functionCode | EXCEPTION_FLAG) & 0xff;
  pdu[1] = exceptionCode;
  return pdu;
}

export function isExceptionPdu(pdu: Uint8Array): boolean {
  return pdu.length === 2 && (pdu[0]! & EXCEPTION_FLAG) !== 0;
}

/** Function codes that change state: the only ones a serial broadcast executes. */
export function isWriteFunction(functionCode: number): boolean {
  return (
    functionCode === FunctionCode.WRITE_SINGLE_COIL ||
    functionCode === FunctionCode.WRITE_SINGLE_REGISTER ||
    functionCode === FunctionCode.WRITE_MULTIPLE_COILS ||
    functionCode === FunctionCode.WRITE_MULTIPLE_REGISTERS
  );
}

export function handlePdu(memory: UnitMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0] ?? 0;
  switch (functionCode) {
    case FunctionCode.READ_COILS:
      return readBits(memory.coils, pdu);
    case FunctionCode.READ_DISCRETE_INPUTS:
      return readBits(memory.discreteInputs, pdu);
    case FunctionCode.READ_HOLDING_REGISTERS:
      return readWords(memory.holdingRegisters, pdu);
    case FunctionCode.READ_INPUT_REGISTERS:
      return readWords(memory.inputRegisters, pdu);
    case FunctionCode.WRITE_SINGLE_COIL:
      return writeSingleCoil(memory.coils, pdu);
    case FunctionCode.WRITE_SINGLE_REGISTER:
      return writeSingleRegister(memory.holdingRegisters, pdu);
    case FunctionCode.WRITE_MULTIPLE_COILS:
      return writeMultipleCoils(memory.coils, pdu);
    case FunctionCode.WRITE_MULTIPLE_REGISTERS:
      return writeMultipleRegisters(memory.holdingRegisters, pdu);
    default:
      return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_FUNCTION);
  }
}

const u16 = (pdu: Uint8Array, offset: number): number => (pdu[offset]! << 8) | pdu[offset + 1]!;

function inAddressSpace(address: number, quantity: number): boolean {
  return address + quantity <= ADDRESS_SPACE;
}

function readBits(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length !== 5) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  const quantity = u16(pdu, 3);
  if (quantity < 1 || quantity > ModbusLimits.MAX_READ_BITS) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  }
  if (!inAddressSpace(address, quantity) || !table.covers(address, quantity)) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  }
  const byteCount = (quantity + 7) >>> 3;
  const reply = Buffer.allocUnsafe(2 + byteCount);
  reply[0] = functionCode;
  reply[1] = byteCount;
  table.readBitsInto(address, quantity, reply, 2);
  return reply;
}

function readWords(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length !== 5) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  const quantity = u16(pdu, 3);
  if (quantity < 1 || quantity > ModbusLimits.MAX_READ_REGISTERS) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  }
  if (!inAddressSpace(address, quantity) || !table.covers(address, quantity)) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  }
  const reply = Buffer.allocUnsafe(2 + 2 * quantity);
  reply[0] = functionCode;
  reply[1] = 2 * quantity;
  table.readWordsInto(address, quantity, reply, 2);
  return reply;
}

function writeSingleCoil(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length !== 5) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  const value = u16(pdu, 3);
  if (value !== 0 && value !== COIL_ON) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  if (!table.covers(address, 1, true)) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  table.set(address, value === COIL_ON ? 1 : 0);
  return Buffer.from(pdu);
}

function writeSingleRegister(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length !== 5) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  if (!table.covers(address, 1, true)) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  table.set(address, u16(pdu, 3));
  return Buffer.from(pdu);
}

function writeMultipleCoils(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length < 6) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  const quantity = u16(pdu, 3);
  const byteCount = pdu[5]!;
  if (
    quantity < 1 ||
    quantity > ModbusLimits.MAX_WRITE_COILS ||
    byteCount !== (quantity + 7) >>> 3 ||
    pdu.length !== 6 + byteCount
  ) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  }
  if (!inAddressSpace(address, quantity) || !table.covers(address, quantity, true)) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  }
  table.writeBitsFrom(address, quantity, pdu, 6);
  return Buffer.from(pdu.subarray(0, 5));
}

function writeMultipleRegisters(table: TableMemory, pdu: Uint8Array): Buffer {
  const functionCode = pdu[0]!;
  if (pdu.length < 6) return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  const address = u16(pdu, 1);
  const quantity = u16(pdu, 3);
  const byteCount = pdu[5]!;
  if (
    quantity < 1 ||
    quantity > ModbusLimits.MAX_WRITE_REGISTERS ||
    byteCount !== 2 * quantity ||
    pdu.length !== 6 + byteCount
  ) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE);
  }
  if (!inAddressSpace(address, quantity) || !table.covers(address, quantity, true)) {
    return exceptionPdu(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS);
  }
  table.writeWordsFrom(address, quantity, pdu, 6);
  return Buffer.from(pdu.subarray(0, 5));
}
