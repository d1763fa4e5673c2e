/**
 * Reading a simulator configuration: YAML text or a plain object, validated by zod and by the
 * cross-field checks. Every problem is reported at once, as `file:line:column: path: message`
 * for YAML (positions from the yaml LineCounter), in one CONFIG_INVALID error.
 */
import { readFile, stat } from 'node:fs/promises';
import { CodedError } from '@lwm2m-adapters/errors';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { compileSimulatorConfig } from './compile-config.js';
import { type ConfigIssue, type ConfigPath, formatConfigPath } from './config-issue.js';
import { type SimulatorConfig, simulatorConfigSchema } from './config-schema.js';

/** Configuration files larger than this are refused before parsing. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface LocatedConfigIssue extends ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the source has no positions (an object). */
  readonly line: number;
  readonly column: number;
}

type Locate = (issue: ConfigIssue) => { readonly line: number; readonly column: number };

/** Validates a configuration object; throws CONFIG_INVALID naming every problem by its path. */
export function parseSimulatorConfig(input: unknown, source = 'simulator config'): SimulatorConfig {
  return validate(input, source, () => ({ line: 0, column: 0 }));
}

/** Parses and validates YAML text; errors carry `source:line:column`. */
export function parseSimulatorConfigYaml(text: string, source = 'simulator.yml'): SimulatorConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw configError(
      source,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { file: source, line: position.line, column: position.col, path: [], message: error.message };
      }),
    );
  }
  const value: unknown = document.toJS({ maxAliasCount: 1000 });
  return validate(value, source, (issue) => {
    const offset = locateOffset(document.contents, issue.path, issue.atKey === true);
    if (offset === undefined) return { line: 1, column: 1 };
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  });
}

/** Reads and validates a YAML configuration file. */
export async function loadSimulatorConfigFile(file: string): Promise<SimulatorConfig> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_CONFIG_BYTES) {
      throw new Error(`the file is ${info.size} bytes; the limit is ${MAX_CONFIG_BYTES}`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CodedError('CONFIG_INVALID', `cannot read simulator config ${file}: ${String(error)}`, {
      cause: error,
      details: { file },
    });
  }
  return parseSimulatorConfigYaml(text, file);
}

function validate(input: unknown, source: string, locate: Locate): SimulatorConfig {
  const parsed = simulatorConfigSchema.safeParse(input);
  const issues: ConfigIssue[] = parsed.success ? [] : parsed.error.issues.flatMap(fromZodIssue);
  if (parsed.success) issues.push(...compileSimulatorConfig(parsed.data).issues);
  if (issues.length > 0 || !parsed.success) {
    throw configError(
      source,
      issues.map((issue) => ({ ...issue, file: source, ...locate(issue) })),
    );
  }
  return parsed.data;
}

function fromZodIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"`, atKey: true }));
  }
  return [{ path, message: issue.message }];
}

function configError(source: string, issues: readonly LocatedConfigIssue[]): CodedError {
  const lines = issues.map((issue) => {
    const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
    return issue.path.length > 0
      ? `${where}: ${formatConfigPath(issue.path)}: ${issue.message}`
      : `${where}: ${issue.message}`;
  });
  return new CodedError(
    'CONFIG_INVALID',
    `invalid simulator config ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { details: { source, issues } },
  );
}

/**
 * Offset of the node at `path` (of its key with `atKey`); for a key whose value is missing or
 * empty, the key itself; for a path that does not exist, the deepest node that does.
 */
function locateOffset(root: unknown, path: ConfigPath, atKey: boolean): number | undefined {
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
