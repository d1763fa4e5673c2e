import { CodedError } from '@lwm2m-adapters/errors';
import { EXCEPTION_FLAG } from './function-codes.js';
import { modbusExceptionError } from './modbus-exception.js';
import { describeRequest, type ModbusRequest } from './modbus-request.js';

const EMPTY = new Uint8Array(0);

function invalid(request: ModbusRequest, reason: string, reply: Uint8Array): CodedError {
  return new CodedError('DEVICE_RESPONSE_INVALID', `${describeRequest(request)}: ${reason}`, {
    details: { unit: request.unit, functionCode: request.functionCode, replyLength: reply.length },
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks a reply PDU against the request it answers and returns its data: for reads the bytes
 * after the byte count (registers big-endian as on the wire, or packed bits), for writes an
 * empty array. Throws the mapped CodedError for an exception reply, and DEVICE_RESPONSE_INVALID
 * when the function, byte count, length or write echo does not match the request.
 */
export function verifyReply(request: ModbusRequest, reply: Uint8Array): Uint8Array {
  if (reply.length < 2) throw invalid(request, `reply of ${reply.length} bytes is too short`, reply);
  const fc = reply[0]!;
  if (fc === (request.functionCode | EXCEPTION_FLAG)) {
    if (reply.length !== 2)
      throw invalid(request, `exception reply of ${reply.length} bytes (expected 2)`, reply);
    throw modbusExceptionError(reply[1]!, describeRequest(request));
  }
  if (fc !== request.functionCode) {
    throw invalid(request, `reply carries function ${fc}, not ${request.functionCode}`, reply);
  }
  switch (request.functionCode) {
    case 1:
    case 2:
    case 3:
    case 4: {
      const expected = request.functionCode <= 2 ? Math.ceil(request.quantity / 8) : request.quantity * 2;
      const byteCount = reply[1]!;
      if (byteCount !== expected || reply.length !== 2 + byteCount) {
        throw invalid(
          request,
          `reply has byte count ${byteCount} and ${reply.length - 2} data bytes, expected ${expected}`,
          reply,
        );
      }
      return reply.subarray(2);
    }
    case 5:
    case 6:
      if (reply.length !== 5 || !sameBytes(reply, request.pdu, 1, 5)) {
        throw invalid(request, 'write reply does not echo the address and value written', reply);
      }
      return EMPTY;
    case 15:
    case 16:
      if (reply.length !== 5 || !sameBytes(reply, request.pdu, 1, 5)) {
        throw invalid(request, 'write reply does not echo the address and quantity written', reply);
      }
      return EMPTY;
  }
}
