/** `@lwm2m-adapters/modbus/simulator`: a Modbus TCP/RTU/ASCII device simulator for tests and demos. */

export { FunctionCode } from '../protocol/function-codes.js';
export { ExceptionCode } from '../protocol/modbus-exception.js';

export type { ConfigIssue, ConfigPath } from './config/config-issue.js';
export {
  type ListenerConfig,
  type ListenerConfigInput,
  type PointConfig,
  type PointValue,
  type RangeConfig,
  type SignalSpec,
  type SignalSpecInput,
  type SimulatorConfig,
  type SimulatorConfigInput,
  type SimulatorFault,
  type SimulatorFaultInput,
  simulatorConfigSchema,
  type UnitConfig,
} from './config/config-schema.js';
export {
  type FromPointsOptions,
  type SimulatedPointSpec,
  type SimulatedUnitSpec,
  simulatorConfigFromPoints,
} from './config/from-points.js';
export {
  type LocatedConfigIssue,
  loadSimulatorConfigFile,
  parseSimulatorConfig,
  parseSimulatorConfigYaml,
} from './config/load-config.js';
export type { SimulatorStats } from './engine/simulator-counters.js';
export type { FramingName } from './framing/framing.js';
export { type TableName, tableNames } from './memory/table-name.js';
export {
  createModbusSimulator,
  type ListeningAddress,
  type ModbusSimulator,
  type ModbusSimulatorOptions,
  type ReadValueLayout,
  type SimulatorAddresses,
  type SimulatorValue,
  type TypedValueWrite,
} from './simulator.js';
export {
  type DataType,
  dataTypes,
  decodeValue,
  encodeValue,
  type TypedValue,
  type ValueLayout,
  type WordOrder,
  wordOrders,
} from './values/typed-value.js';
