import type { RawValue } from '@lwm2m-adapters/sdk';
import {
  type ModbusRequest,
  writeMultipleCoilsRequest,
  writeMultipleRegistersRequest,
  writeSingleCoilRequest,
  writeSingleRegisterRequest,
} from '../protocol/modbus-request.js';
import type { BoundPoint } from './bound-point.js';

/** FC5/FC15 for a coil. */
export function coilWriteRequest(
  unit: number,
  address: number,
  on: boolean,
  writeMultiple: boolean,
): ModbusRequest {
  return writeMultiple
    ? writeMultipleCoilsRequest(unit, address, [on])
    : writeSingleCoilRequest(unit, address, on);
}

/** FC6 for one register (FC16 with `writeMultiple`), FC16 for several. */
export function registerWriteRequest(
  unit: number,
  address: number,
  wire: Uint8Array,
  writeMultiple: boolean,
): ModbusRequest {
  return wire.length === 2 && !writeMultiple
    ? writeSingleRegisterRequest(unit, address, wire)
    : writeMultipleRegistersRequest(unit, address, wire);
}

/** The request that writes a validated value to a coil or whole-register point (not a register bit). */
export function valueWriteRequest(
  point: BoundPoint,
  unit: number,
  value: RawValue,
  writeMultiple: boolean,
): ModbusRequest {
  const { layout } = point;
  if (layout.table === 'coil') return coilWriteRequest(unit, layout.address, value === true, writeMultiple);
  return registerWriteRequest(unit, layout.address, point.codec.encodeRegisters(value), writeMultiple);
}
