import { CodedError, type ErrorCode } from '@lwm2m-adapters/errors';

/** Modbus exception codes (Modbus Application Protocol V1.1b3 §7) and their names. */
export const ModbusExceptionName: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  7: 'negative acknowledge',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** The catalogue code a Modbus exception maps to. */
export function exceptionErrorCode(exceptionCode: number): ErrorCode {
  switch (exceptionCode) {
    case 0x01:
      return 'DEVICE_OPERATION_UNSUPPORTED';
    case 0x02:
      return 'DEVICE_ADDRESS_UNKNOWN';
    case 0x03:
      return 'DEVICE_VALUE_REJECTED';
    case 0x05:
    case 0x06:
      return 'DEVICE_BUSY';
    case 0x0a:
    case 0x0b:
      return 'DEVICE_UNREACHABLE';
    default:
      return 'DEVICE_FAILURE';
  }
}

/** Gateway exceptions mean "the unit behind me did not answer": they count like timeouts for quarantine. */
export function isGatewayException(exceptionCode: number): boolean {
  return exceptionCode === 0x0a || exceptionCode === 0x0b;
}

/** A CodedError for a Modbus exception reply; `details.exceptionCode` keeps the raw code. */
export function modbusExceptionError(exceptionCode: number, context: string): CodedError {
  const name = ModbusExceptionName[exceptionCode] ?? 'unknown exception';
  const hex = `0x${exceptionCode.toString(16).padStart(2, '0')}`;
  return new CodedError(exceptionErrorCode(exceptionCode), `${context}: Modbus exception ${hex} (${name})`, {
    details: { exceptionCode },
  });
}
