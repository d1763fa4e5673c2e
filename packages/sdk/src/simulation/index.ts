/**
 * @lwm2m-adapters/sdk/simulation: building blocks shared by adapters' simulators (signal
 * generators and their configuration schema, a seeded PRNG, the configuration reader with
 * file:line:column errors).
 */

export {
  type ConfigIssue,
  type ConfigPath,
  formatConfigPath,
  type LocatedConfigIssue,
  type SimulatorConfigReader,
  type SimulatorConfigReaderOptions,
  simulatorConfigReader,
} from './config-reader.js';
export { mixSeed, type Random, seededRandom } from './prng.js';
export {
  type SignalSpec,
  type SignalSpecInput,
  type SignalValue,
  signalSchema,
  signalValueSchema,
} from './signal-schema.js';
export { createSignalSource, type SignalSource } from './signal-source.js';
