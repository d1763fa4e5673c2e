/**
 * Reading an OPC UA simulator configuration: YAML text, a file or a plain object, validated by zod
 * and the cross-field checks below. Every problem is reported at once, as
 * `file:line:column: path: message` for YAML, in one CONFIG_INVALID error.
 */
import { readFile, stat } from 'node:fs/promises';
import { CodedError } from '@lwm2m-adapters/errors';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { parseNodeIdText } from '../../config/node-id-text.js';
import { type OpcuaSimulatorConfig, simulatorConfigSchema } from './simulator-config-schema.js';

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

type Path = readonly (string | number)[];
interface Issue {
  readonly path: Path;
  readonly message: string;
  readonly atKey?: boolean;
}
type Locate = (issue: Issue) => { readonly line: number; readonly column: number };

/** Validates a configuration object; throws CONFIG_INVALID naming every problem by its path. */
export function parseOpcuaSimulatorConfig(
  input: unknown,
  source = 'opcua simulator config',
): OpcuaSimulatorConfig {
  return validate(input, source, () => ({ line: 0, column: 0 }));
}

/** Parses and validates YAML text; errors carry `source:line:column`. */
export function parseOpcuaSimulatorConfigYaml(
  text: string,
  source = 'opcua-simulator.yml',
): OpcuaSimulatorConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    intAsBigInt: false,
  });
  if (document.errors.length > 0) {
    throw configError(
      source,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { path: [], message: error.message, line: position.line, column: position.col };
      }),
    );
  }
  return validate(document.toJS({ maxAliasCount: 1000 }), source, (issue) => {
    const offset = locateOffset(document.contents, issue.path, issue.atKey === true);
    if (offset === undefined) return { line: 1, column: 1 };
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  });
}

export async function loadOpcuaSimulatorConfigFile(file: string): Promise<OpcuaSimulatorConfig> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_CONFIG_BYTES)
      throw new Error(`the file is ${info.size} bytes; the limit is ${MAX_CONFIG_BYTES}`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CodedError('CONFIG_INVALID', `cannot read OPC UA simulator config ${file}: ${String(error)}`, {
      cause: error,
      details: { file },
    });
  }
  return parseOpcuaSimulatorConfigYaml(text, file);
}

/** Rules zod cannot say: unique nodes, NodeIds outside namespace 0, method targets that exist. */
function crossFieldIssues(config: OpcuaSimulatorConfig): Issue[] {
  const issues: Issue[] = [];
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

function validate(input: unknown, source: string, locate: Locate): OpcuaSimulatorConfig {
  const parsed = simulatorConfigSchema.safeParse(input);
  const issues: Issue[] = parsed.success
    ? crossFieldIssues(parsed.data)
    : parsed.error.issues.flatMap(fromZodIssue);
  if (issues.length > 0 || !parsed.success) {
    throw configError(
      source,
      issues.map((issue) => ({ ...issue, ...locate(issue) })),
    );
  }
  return parsed.data;
}

function fromZodIssue(issue: z.core.$ZodIssue): Issue[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"`, atKey: true }));
  return [{ path, message: issue.message }];
}

function formatPath(path: Path): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? '(root)' : text;
}

function configError(
  source: string,
  issues: readonly (Issue & { readonly line: number; readonly column: number })[],
): CodedError {
  const lines = issues.map((issue) => {
    const where = issue.line > 0 ? `${source}:${issue.line}:${issue.column}` : source;
    return issue.path.length > 0
      ? `${where}: ${formatPath(issue.path)}: ${issue.message}`
      : `${where}: ${issue.message}`;
  });
  return new CodedError(
    'CONFIG_INVALID',
    `invalid OPC UA simulator config ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { details: { source, issues: issues.map((i) => ({ ...i, path: [...i.path] })) } },
  );
}

function locateOffset(root: unknown, path: Path, atKey: boolean): number | undefined {
  let node: unknown = root;
  let offset = rangeStart(root);
  for (const [index, part] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
      if (pair === undefined) return offset;
      offset = rangeStart(pair.key) ?? offset;
      if (atKey && index === path.length - 1) return offset;
      node = pair.value;
      offset = rangeStart(node) ?? offset;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (node === undefined) return offset;
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}
