/**
 * Reading an OPC UA simulator configuration: YAML text, a file or a plain object, validated by zod
 * and the cross-field checks below, through the SDK's simulator configuration reader: every
 * problem at once, as `file:line:column: path: message`, in one CONFIG_INVALID error.
 */
import { type ConfigIssue, simulatorConfigReader } from '@lwm2m-adapters/sdk/simulation';
import { parseNodeIdText } from '../../config/node-id-text.js';
import { type OpcuaSimulatorConfig, simulatorConfigSchema } from './simulator-config-schema.js';

/** Rules zod cannot say: unique nodes, NodeIds outside namespace 0, method targets that exist. */
function crossFieldIssues(config: OpcuaSimulatorConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  const inNamespaceZero = (text: string) => {
    if (text.startsWith('/')) return /(^|\/)0:/.test(text);
    const parsed = parseNodeIdText(text);
    return !('error' in parsed) && parsed.namespaceUri === undefined && parsed.namespaceIndex === 0;
  };
  config.variables.forEach((v, i) => {
    const previous = seen.get(v.node);
    if (previous !== undefined)
      issues.push({ path: ['variables', i, 'node'], message: `${v.node} is already variables[${previous}]` });
    seen.set(v.node, i);
    if (inNamespaceZero(v.node))
      issues.push({
        path: ['variables', i, 'node'],
        message: 'namespace 0 belongs to OPC UA; use ns=1 or above',
      });
    if (v.path !== undefined && !v.path.startsWith('/'))
      issues.push({
        path: ['variables', i, 'path'],
        message: 'path is a browse path such as /2:Boiler1/2:Temperature',
      });
    if (v.path !== undefined && v.node.startsWith('/'))
      issues.push({
        path: ['variables', i, 'path'],
        message: 'path goes with a NodeId node; this node is a path already',
      });
    if (v.array && v.value !== undefined && !Array.isArray(v.value))
      issues.push({ path: ['variables', i, 'value'], message: 'an array variable takes a list as value' });
  });
  config.methods.forEach((m, i) => {
    if (inNamespaceZero(m.method))
      issues.push({
        path: ['methods', i, 'method'],
        message: 'namespace 0 belongs to OPC UA; use ns=1 or above',
      });
    const b = m.behaviour;
    if (
      (b.kind === 'set' || b.kind === 'reset') &&
      !config.variables.some((v) => v.node === b.target || v.path === b.target)
    )
      issues.push({
        path: ['methods', i, 'behaviour', 'target'],
        message: `${b.target} is not one of the variables`,
      });
    if (b.kind === 'set' && m.inputs.length === 0)
      issues.push({
        path: ['methods', i, 'inputs'],
        message: 'a set method needs an input argument (the new value)',
      });
  });
  config.faults.badStatus.forEach((f, i) => {
    if (!config.variables.some((v) => v.node === f.node || v.path === f.node))
      issues.push({
        path: ['faults', 'badStatus', i, 'node'],
        message: `${f.node} is not one of the variables`,
      });
  });
  return issues;
}

const reader = simulatorConfigReader<OpcuaSimulatorConfig>({
  what: 'OPC UA simulator config',
  schema: simulatorConfigSchema,
  check: crossFieldIssues,
  objectSource: 'opcua simulator config',
  yamlSource: 'opcua-simulator.yml',
});

/** Validates a configuration object; throws CONFIG_INVALID naming every problem by its path. */
export function parseOpcuaSimulatorConfig(input: unknown, source?: string): OpcuaSimulatorConfig {
  return reader.parse(input, source);
}

/** Parses and validates YAML text; errors carry `source:line:column`. */
export function parseOpcuaSimulatorConfigYaml(text: string, source?: string): OpcuaSimulatorConfig {
  return reader.parseYaml(text, source);
}

/** Reads and validates a YAML configuration file. */
export function loadOpcuaSimulatorConfigFile(file: string): Promise<OpcuaSimulatorConfig> {
  return reader.loadFile(file);
}
