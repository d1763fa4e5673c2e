/**
 * @lwm2m-adapters/opcua/simulator: an OPC UA server for tests, demos and `adapter-host simulate`.
 */
export type { RecordedCall } from './address-space/build-address-space.js';
export {
  loadOpcuaSimulatorConfigFile,
  parseOpcuaSimulatorConfig,
  parseOpcuaSimulatorConfigYaml,
} from './config/load-simulator-config.js';
export {
  type OpcuaSimulatorConfig,
  type OpcuaSimulatorConfigInput,
  SIMULATED_BAD_STATUSES,
  type SimulatedBadStatus,
  type SimulatedMethod,
  type SimulatedVariable,
  simulatorConfigSchema as opcuaSimulatorConfigSchema,
} from './config/simulator-config-schema.js';
export { OpcuaSimulator, type OpcuaSimulatorOptions } from './opcua-simulator.js';
export { simulateOpcuaDevices } from './simulate-devices.js';
export type { FaultOperation } from './simulator-faults.js';
export type { PlainScalar } from './values/simulated-value.js';
