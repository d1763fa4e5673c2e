import { CodedError, type ErrorCode } from '@lwm2m-adapters/errors';

/** Modbus exception codes (Modbus Application Protocol V1.1b3 §7). */
export const ExceptionCode = {
  ILLEGAL_FUNCTION: 0x01,
  ILLEGAL_DATA_ADDRESS: 0x02,
  ILLEGAL_DATA_VALUE: 0x03,
  SERVER_DEVICE_FAILURE: 0x04,
  ACKNOWLEDGE: 0x05,
  SERVER_DEVICE_BUSY: 0x06,
  NEGATIVE_ACKNOWLEDGE: 0x07,
  MEMORY_PARITY_ERROR: 0x08,
  GATEWAY_PATH_UNAVAILABLE: 0x0a,
  GATEWAY_TARGET_FAILED: 0x0b,
} as const;

/** The names of the exception codes, as error messages show them. */
export const ModbusExceptionName: Readonly<Record<number, string>> = {
  [ExceptionCode.ILLEGAL_FUNCTION]: 'illegal function',
  [ExceptionCode.ILLEGAL_DATA_ADDRESS]: 'illegal data address',
  [ExceptionCode.ILLEGAL_DATA_VALUE]: 'illegal data value',
  [ExceptionCode.SERVER_DEVICE_FAILURE]: 'server device failure',
  [ExceptionCode.ACKNOWLEDGE]: 'acknowledge',
  [ExceptionCode.SERVER_DEVICE_BUSY]: 'server device busy',
  [ExceptionCode.NEGATIVE_ACKNOWLEDGE]: 'negative acknowledge',
  [ExceptionCode.MEMORY_PARITY_ERROR]: 'memory parity error',
  [ExceptionCode.GATEWAY_PATH_UNAVAILABLE]: 'gateway path unavailable',
  [ExceptionCode.GATEWAY_TARGET_FAILED]: 'gateway target device failed to respond',
};

/** The catalogue code a Modbus exception maps to. */
export function exceptionErrorCode(exceptionCode: number): ErrorCode {
  switch (exceptionCode) {
    case ExceptionCode.ILLEGAL_FUNCTION:
      return 'DEVICE_OPERATION_UNSUPPORTED';
    case ExceptionCode.ILLEGAL_DATA_ADDRESS:
      return 'DEVICE_ADDRESS_UNKNOWN';
    case ExceptionCode.ILLEGAL_DATA_VALUE:
      return 'DEVICE_VALUE_REJECTED';
    case ExceptionCode.ACKNOWLEDGE:
    case ExceptionCode.SERVER_DEVICE_BUSY:
      return 'DEVICE_BUSY';
    case ExceptionCode.GATEWAY_PATH_UNAVAILABLE:
    case ExceptionCode.GATEWAY_TARGET_FAILED:
      return 'DEVICE_UNREACHABLE';
    default:
      return 'DEVICE_FAILURE';
  }
}

/** Gateway exceptions mean "the unit behind me did not answer": they count like timeouts for quarantine. */
export function isGatewayException(exceptionCode: number): boolean {
  return (
    exceptionCode === ExceptionCode.GATEWAY_PATH_UNAVAILABLE ||
    exceptionCode === ExceptionCode.GATEWAY_TARGET_FAILED
  );
}

/** A CodedError for a Modbus exception reply; `details.exceptionCode` keeps the raw code. */
export function modbusExceptionError(exceptionCode: number, context: string): CodedError {
  const name = ModbusExceptionName[exceptionCode] ?? 'unknown exception';
  const hex = `0x${exceptionCode.toString(16).padStart(2, '0')}`;
  return new CodedError(exceptionErrorCode(exceptionCode), `${context}: Modbus exception ${hex} (${name})`, {
    details: { exceptionCode },
  });
}
