import type { ModbusConnection } from '../config/connection-schema.js';
import { FunctionCode } from '../protocol/function-codes.js';
import type { ModbusRequest } from '../protocol/modbus-request.js';
import { rtuInterFrameMs } from './link-settings.js';

/** Where the line speed is unknown (TCP, RTU over TCP), a request waits this long by default. */
export const DEFAULT_TIMEOUT_MS = 1000;

/**
 * On a serial line, what a request may wait by default beyond the time its frames take on the
 * wire: the device's own turnaround. Devices answer in a few to a few tens of milliseconds; 200 ms
 * leaves room for slow ones and keeps what a dead unit costs the others on the line small (each
 * timeout holds the line). A device that needs longer sets `timeoutMs`.
 */
export const SERIAL_RESPONSE_ALLOWANCE_MS = 200;

/** PDU length of the normal reply to a request. */
function replyPduLength(request: ModbusRequest): number {
  switch (request.functionCode) {
    case FunctionCode.READ_COILS:
    case FunctionCode.READ_DISCRETE_INPUTS:
      return 2 + Math.ceil(request.quantity / 8);
    case FunctionCode.READ_HOLDING_REGISTERS:
    case FunctionCode.READ_INPUT_REGISTERS:
      return 2 + 2 * request.quantity;
    default:
      return 5; // writes echo function, address and value or quantity
  }
}

/**
 * The time one request may wait for its reply: the connection's `timeoutMs` when the mapping sets
 * it; else, on a serial line, the time the request and its reply take on the wire at the line's
 * speed (with RTU's 3.5-character silences) plus SERIAL_RESPONSE_ALLOWANCE_MS; else 1000 ms.
 */
export function requestTimeoutMs(connection: ModbusConnection, request: ModbusRequest): number {
  if (connection.timeoutMs !== undefined) return connection.timeoutMs;
  if (connection.transport !== 'rtu' && connection.transport !== 'ascii') return DEFAULT_TIMEOUT_MS;
  const bitsPerCharacter =
    1 + connection.dataBits + (connection.parity === 'none' ? 0 : 1) + connection.stopBits;
  // unit id + PDU + checksum: CRC (2 bytes) in RTU; in ASCII two hex characters a byte, LRC, ':' and CRLF
  const characters = (pduLength: number) =>
    connection.transport === 'rtu' ? 1 + pduLength + 2 : 1 + 2 * (1 + pduLength + 1) + 2;
  const wireCharacters = characters(request.pdu.length) + characters(replyPduLength(request));
  const wireMs = (wireCharacters * bitsPerCharacter * 1000) / connection.baudRate;
  const silencesMs = connection.transport === 'rtu' ? 2 * rtuInterFrameMs(connection.baudRate) : 0;
  return Math.ceil(wireMs + silencesMs + SERIAL_RESPONSE_ALLOWANCE_MS);
}
