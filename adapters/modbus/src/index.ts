/**
 * @lwm2m-adapters/modbus: Modbus TCP, RTU (serial), RTU over TCP and ASCII for lwm2m-adapters.
 *
 * Hosts load it by name (`adapter: modbus`) and get a fresh instance from `createAdapter()`, each
 * with its own link registry; `adapter` (also the default export) is one shared instance.
 * `createModbusAdapter(options)` makes instances with options (tests: in-memory byte streams).
 */
import { createModbusAdapter, type ModbusAdapter } from './modbus-adapter.js';

export {
  type ModbusConnection,
  type ModbusTransportKind,
  modbusConnectionSchema,
} from './config/connection-schema.js';
export { checkModbusPoints } from './config/point-checks.js';
export { type ModbusPoint, modbusPointSchema } from './config/point-schema.js';
export {
  type BytePermutation,
  type Endianness,
  isValidOrder,
  orderName,
  permutationFromOrder,
  permutationFromOrders,
} from './data/byte-order.js';
export {
  dataTypeValueKind,
  type FixedWidthType,
  integerRange,
  MODBUS_DATA_TYPES,
  type ModbusDataType,
  registerCount,
} from './data/data-types.js';
export { type OrderDefaults, type PointLayout, pointLayout, resolvedType } from './data/point-layout.js';
export { createValueCodec, type ValueCodec } from './data/value-codec.js';
export { validateModbusWrite } from './data/write-validation.js';
export type {
  ByteStreamHandlers,
  ModbusByteStream,
  ModbusByteStreamOpener,
  ModbusEndpoint,
} from './link/byte-stream.js';
export { type LinkClock, systemLinkClock } from './link/link-clock.js';
export {
  type LinkExchange,
  type LinkJob,
  type LinkSchedulerOptions,
  type LinkSchedulerStats,
  ModbusLinkScheduler,
  type UnitStats,
} from './link/link-scheduler.js';
export type { ModbusTransport } from './link/modbus-transport.js';
export { openModbusByteStream } from './link/open-byte-stream.js';
export { type QuarantinePolicy, UnitQuarantine } from './link/unit-quarantine.js';
export {
  createModbusAdapter,
  MODBUS_ADAPTER_VERSION,
  type ModbusAdapter,
  type ModbusAdapterOptions,
} from './modbus-adapter.js';
export { describeModbusPlan } from './plan/describe-plan.js';
export { minimumReadRequests, type ReadSpan } from './plan/minimum-requests.js';
export { describePlannedRead, type ReadPlanDetails } from './plan/plan-report.js';
export { type PlannedRead, planReads, type ReadItem, type ReadLimits } from './plan/read-planner.js';
export { createModbusProbe, probeConnection } from './probe/modbus-probe.js';
export {
  DEFAULT_PROBE_TYPES,
  interpretRegisters,
  PROBE_TYPES,
  type ProbeType,
} from './probe/register-interpretations.js';
export { crc16Modbus } from './protocol/crc16.js';
export {
  FunctionCode,
  isBitTable,
  isWritableTable,
  MODBUS_TABLES,
  ModbusLimits,
  type ModbusTable,
  readFunctionCode,
} from './protocol/function-codes.js';
export { lrcModbus } from './protocol/lrc.js';
export { exceptionErrorCode, ModbusExceptionName } from './protocol/modbus-exception.js';
export {
  describeRequest,
  type ModbusRequest,
  readRequest,
  writeMultipleCoilsRequest,
  writeMultipleRegistersRequest,
  writeSingleCoilRequest,
  writeSingleRegisterRequest,
} from './protocol/modbus-request.js';
export { verifyReply } from './protocol/reply-verifier.js';

/** A new Modbus adapter instance with its own links: what the SDK's loader gives a host (`fresh`). */
export function createAdapter(): ModbusAdapter {
  return createModbusAdapter();
}

/** One shared Modbus adapter instance, for loaders that take the default export. */
export const adapter = createModbusAdapter();
export default adapter;
