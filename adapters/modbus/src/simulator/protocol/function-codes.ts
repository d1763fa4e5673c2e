/** Modbus function codes, exception codes and request limits (Modbus Application Protocol V1.1b3). */

export const FunctionCode = {
  READ_COILS: 0x01,
  READ_DISCRETE_INPUTS: 0x02,
  READ_HOLDING_REGISTERS: 0x03,
  READ_INPUT_REGISTERS: 0x04,
  WRITE_SINGLE_COIL: 0x05,
  WRITE_SINGLE_REGISTER: 0x06,
  WRITE_MULTIPLE_COILS: 0x0f,
  WRITE_MULTIPLE_REGISTERS: 0x10,
} as const;

export const ExceptionCode = {
  ILLEGAL_FUNCTION: 0x01,
  ILLEGAL_DATA_ADDRESS: 0x02,
  ILLEGAL_DATA_VALUE: 0x03,
  SERVER_DEVICE_FAILURE: 0x04,
  ACKNOWLEDGE: 0x05,
  SERVER_DEVICE_BUSY: 0x06,
  GATEWAY_PATH_UNAVAILABLE: 0x0a,
  GATEWAY_TARGET_FAILED: 0x0b,
} as const;

/** Quantity limits per request, from the specification. */
export const RequestLimits = {
  readBits: 2000,
  readRegisters: 125,
  writeCoils: 1968,
  writeRegisters: 123,
} as const;

/** Set on the function code of a response that carries an exception code. */
export const EXCEPTION_FLAG = 0x80;

/** A PDU is at most 253 bytes (256-byte serial ADU minus address and CRC). */
export const MAX_PDU_LENGTH = 253;

/** The unit id that addresses every device on a serial line (writes only, never answered). */
export const BROADCAST_UNIT_ID = 0;

/** Coil value of FC 5 that switches the coil on; 0x0000 switches it off, anything else is illegal. */
export const COIL_ON = 0xff00;
