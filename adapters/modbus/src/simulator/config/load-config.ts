/**
 * Reading a Modbus simulator configuration: YAML text, a file or a plain object, validated by zod
 * and by the cross-field checks (`compileSimulatorConfig`), through the SDK's simulator
 * configuration reader: every problem at once, as `file:line:column: path: message`, in one
 * CONFIG_INVALID error.
 */
import { simulatorConfigReader } from '@lwm2m-adapters/sdk/simulation';
import { compileSimulatorConfig } from './compile-config.js';
import { type SimulatorConfig, simulatorConfigSchema } from './config-schema.js';

export type { LocatedConfigIssue } from '@lwm2m-adapters/sdk/simulation';

const reader = simulatorConfigReader<SimulatorConfig>({
  what: 'simulator config',
  schema: simulatorConfigSchema,
  check: (config) => compileSimulatorConfig(config).issues,
  objectSource: 'simulator config',
  yamlSource: 'simulator.yml',
});

/** Validates a configuration object; throws CONFIG_INVALID naming every problem by its path. */
export function parseSimulatorConfig(input: unknown, source?: string): SimulatorConfig {
  return reader.parse(input, source);
}

/** Parses and validates YAML text; errors carry `source:line:column`. */
export function parseSimulatorConfigYaml(text: string, source?: string): SimulatorConfig {
  return reader.parseYaml(text, source);
}

/** Reads and validates a YAML configuration file. */
export function loadSimulatorConfigFile(file: string): Promise<SimulatorConfig> {
  return reader.loadFile(file);
}
