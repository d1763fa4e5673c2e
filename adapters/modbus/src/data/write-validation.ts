import { CodedError } from '@lwm2m-adapters/errors';
import type { RawValue } from '@lwm2m-adapters/sdk';
import type { ModbusPoint } from '../config/point-schema.js';
import { isWritableTable, ModbusLimits } from '../protocol/function-codes.js';
import { integerRange, registerCount } from './data-types.js';
import { resolvedType } from './point-layout.js';

const FLOAT32_MAX = 3.4028234663852886e38;

function describeValue(value: RawValue): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return `${String(value)} (${typeof value})`;
}

function reject(point: ModbusPoint, value: RawValue, reason: string): CodedError {
  return new CodedError(
    'WRITE_VALUE_INVALID',
    `cannot write ${describeValue(value)} to ${point.table} ${point.address}: ${reason}`,
    { details: { table: point.table, address: point.address } },
  );
}

/**
 * Checks that `value` can be written to the point, without any I/O; throws WRITE_VALUE_INVALID
 * (wrong type, out of range, too long) or OPERATION_NOT_ALLOWED (discrete inputs and input
 * registers are read-only in Modbus). Nothing is sent when this throws.
 */
export function validateModbusWrite(point: ModbusPoint, value: RawValue): void {
  if (!isWritableTable(point.table)) {
    throw new CodedError(
      'OPERATION_NOT_ALLOWED',
      `${point.table} ${point.address} is read-only: Modbus only writes coils and holding registers`,
      { details: { table: point.table, address: point.address } },
    );
  }
  const type = resolvedType(point);
  switch (type) {
    case 'bool':
      if (typeof value !== 'boolean') throw reject(point, value, 'a bool point takes true or false');
      return;
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw reject(point, value, `a ${type} point takes a number`);
      if (type === 'float32' && Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
        throw reject(point, value, 'out of the float32 range (±3.4028235e38)');
      }
      return;
    case 'string': {
      if (typeof value !== 'string') throw reject(point, value, 'a string point takes a string');
      const capacity = registerCount(type, point.length) * 2;
      const encoding = point.encoding ?? 'ascii';
      let size = value.length;
      if (encoding === 'utf8') {
        size = new TextEncoder().encode(value).length;
      } else {
        const limit = encoding === 'ascii' ? 0x7f : 0xff;
        for (let i = 0; i < value.length; i++) {
          if (value.charCodeAt(i) > limit) {
            throw reject(point, value, `character ${JSON.stringify(value[i])} is not ${encoding}`);
          }
        }
      }
      if (value.includes('\u0000'))
        throw reject(point, value, 'strings cannot contain NUL (it ends the string)');
      if (size > capacity) {
        throw reject(point, value, `${size} bytes do not fit ${point.length} registers (${capacity} bytes)`);
      }
      checkWriteLength(point, value, capacity / 2);
      return;
    }
    case 'bytes': {
      if (!(value instanceof Uint8Array)) throw reject(point, value, 'a bytes point takes a byte array');
      const capacity = registerCount(type, point.length) * 2;
      if (value.length > capacity) {
        throw reject(
          point,
          value,
          `${value.length} bytes do not fit ${point.length} registers (${capacity} bytes)`,
        );
      }
      checkWriteLength(point, value, capacity / 2);
      return;
    }
    default: {
      const range = integerRange(type)!;
      let integer: bigint;
      if (typeof value === 'bigint') integer = value;
      else if (typeof value === 'number' && Number.isInteger(value)) {
        if (!Number.isSafeInteger(value))
          throw reject(point, value, 'beyond 2^53 integers must be given as a bigint');
        integer = BigInt(value);
      } else throw reject(point, value, `a ${type} point takes an integer`);
      if (integer < range[0] || integer > range[1]) {
        throw reject(point, value, `out of the ${type} range ${range[0]}..${range[1]}`);
      }
    }
  }
}

function checkWriteLength(point: ModbusPoint, value: RawValue, registers: number): void {
  if (registers > ModbusLimits.MAX_WRITE_REGISTERS) {
    throw reject(point, value, `FC16 writes at most ${ModbusLimits.MAX_WRITE_REGISTERS} registers`);
  }
}
