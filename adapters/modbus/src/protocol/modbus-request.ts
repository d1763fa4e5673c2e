import {
  COIL_ON,
  FunctionCode,
  type ModbusFunctionCode,
  ModbusLimits,
  type ReadFunctionCode,
} from './function-codes.js';

/**
 * One Modbus request: the PDU to send plus what its reply must echo (function, address,
 * quantity), so replies can be verified before they are accepted.
 */
export interface ModbusRequest {
  readonly unit: number;
  readonly functionCode: ModbusFunctionCode;
  /** PDU address of the first coil/register (0-based). */
  readonly address: number;
  /** Bits or registers the request reads or writes. */
  readonly quantity: number;
  /** The protocol data unit: function code and data, without unit id or checksum. */
  readonly pdu: Uint8Array;
}

function header(length: number, functionCode: number, address: number): Uint8Array {
  const pdu = new Uint8Array(length);
  pdu[0] = functionCode;
  pdu[1] = address >>> 8;
  pdu[2] = address & 0xff;
  return pdu;
}

/** FC1/FC2/FC3/FC4: read `quantity` bits or registers from `address`. */
export function readRequest(
  unit: number,
  functionCode: ReadFunctionCode,
  address: number,
  quantity: number,
): ModbusRequest {
  const pdu = header(5, functionCode, address);
  pdu[3] = quantity >>> 8;
  pdu[4] = quantity & 0xff;
  return { unit, functionCode, address, quantity, pdu };
}

/** FC5: set one coil on (0xFF00) or off (0x0000). */
export function writeSingleCoilRequest(unit: number, address: number, on: boolean): ModbusRequest {
  const pdu = header(5, FunctionCode.WRITE_SINGLE_COIL, address);
  const value = on ? COIL_ON : 0;
  pdu[3] = value >>> 8;
  pdu[4] = value & 0xff;
  return { unit, functionCode: FunctionCode.WRITE_SINGLE_COIL, address, quantity: 1, pdu };
}

/** FC6: write one register; `wire` holds its two bytes as they go on the wire. */
export function writeSingleRegisterRequest(unit: number, address: number, wire: Uint8Array): ModbusRequest {
  const pdu = header(5, FunctionCode.WRITE_SINGLE_REGISTER, address);
  pdu[3] = wire[0]!;
  pdu[4] = wire[1]!;
  return { unit, functionCode: FunctionCode.WRITE_SINGLE_REGISTER, address, quantity: 1, pdu };
}

/** FC15: write consecutive coils. */
export function writeMultipleCoilsRequest(
  unit: number,
  address: number,
  states: readonly boolean[],
): ModbusRequest {
  const quantity = states.length;
  if (quantity < 1 || quantity > ModbusLimits.MAX_WRITE_COILS) {
    throw new RangeError(`FC15 writes 1..${ModbusLimits.MAX_WRITE_COILS} coils, not ${quantity}`);
  }
  const byteCount = Math.ceil(quantity / 8);
  const pdu = header(6 + byteCount, FunctionCode.WRITE_MULTIPLE_COILS, address);
  pdu[3] = quantity >>> 8;
  pdu[4] = quantity & 0xff;
  pdu[5] = byteCount;
  for (let i = 0; i < quantity; i++) {
    if (states[i]) pdu[6 + (i >>> 3)]! |= 1 << (i & 7);
  }
  return { unit, functionCode: FunctionCode.WRITE_MULTIPLE_COILS, address, quantity, pdu };
}

/** FC16: write consecutive registers; `wire` holds their bytes as they go on the wire. */
export function writeMultipleRegistersRequest(
  unit: number,
  address: number,
  wire: Uint8Array,
): ModbusRequest {
  const quantity = wire.length >>> 1;
  if (wire.length % 2 !== 0 || quantity < 1 || quantity > ModbusLimits.MAX_WRITE_REGISTERS) {
    throw new RangeError(
      `FC16 writes 1..${ModbusLimits.MAX_WRITE_REGISTERS} whole registers, not ${wire.length} bytes`,
    );
  }
  const pdu = header(6 + wire.length, FunctionCode.WRITE_MULTIPLE_REGISTERS, address);
  pdu[3] = quantity >>> 8;
  pdu[4] = quantity & 0xff;
  pdu[5] = wire.length;
  pdu.set(wire, 6);
  return { unit, functionCode: FunctionCode.WRITE_MULTIPLE_REGISTERS, address, quantity, pdu };
}

/** One-line description for logs and error messages: `unit 1 FC3 100+4`. */
export function describeRequest(request: ModbusRequest): string {
  return `unit ${request.unit} FC${request.functionCode} ${request.address}+${request.quantity}`;
}
