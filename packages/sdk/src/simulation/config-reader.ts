/**
 * Reading a simulator configuration (any adapter's): YAML text, a file or a plain object,
 * validated by the simulator's zod schema and its own cross-field checks. Every problem is reported
 * at once, as `file:line:column: path: message` for YAML (positions from the yaml LineCounter), in
 * one CONFIG_INVALID error whose details list the issues.
 */
import { readFile, stat } from 'node:fs/promises';
import { CodedError } from '@lwm2m-adapters/errors';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One problem in a configuration, addressed by its path in the document. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key of the last path part rather than at its value (unknown keys). */
  readonly atKey?: boolean;
}

export interface LocatedConfigIssue extends ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the source has no positions (an object). */
  readonly line: number;
  readonly column: number;
}

/** `units[0].holdingRegisters[1].points[2].type` */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? '(root)' : text;
}

/** Configuration files larger than this are refused before parsing. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface SimulatorConfigReaderOptions<Config> {
  /** What the configuration is, in messages: `simulator config`, `OPC UA simulator config`. */
  readonly what: string;
  readonly schema: z.ZodType<Config>;
  /** Rules the schema cannot say (cross-field); run only on a configuration the schema accepts. */
  readonly check?: (config: Config) => readonly ConfigIssue[];
  /** Source names when the caller gives none. */
  readonly objectSource: string;
  readonly yamlSource: string;
}

export interface SimulatorConfigReader<Config> {
  /** Validates a configuration object; throws CONFIG_INVALID naming every problem by its path. */
  parse(input: unknown, source?: string): Config;
  /** Parses and validates YAML text; errors carry `source:line:column`. */
  parseYaml(text: string, source?: string): Config;
  /** Reads and validates a YAML configuration file. */
  loadFile(file: string): Promise<Config>;
}

type Locate = (issue: ConfigIssue) => { readonly line: number; readonly column: number };

export function simulatorConfigReader<Config>(
  options: SimulatorConfigReaderOptions<Config>,
): SimulatorConfigReader<Config> {
  const configError = (source: string, issues: readonly LocatedConfigIssue[]): CodedError => {
    const lines = issues.map((issue) => {
      const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
      return issue.path.length > 0
        ? `${where}: ${formatConfigPath(issue.path)}: ${issue.message}`
        : `${where}: ${issue.message}`;
    });
    return new CodedError(
      'CONFIG_INVALID',
      `invalid ${options.what} ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { details: { source, issues } },
    );
  };

  const validate = (input: unknown, source: string, locate: Locate): Config => {
    const parsed = options.schema.safeParse(input);
    const issues: ConfigIssue[] = parsed.success
      ? [...(options.check?.(parsed.data) ?? [])]
      : parsed.error.issues.flatMap(fromZodIssue);
    if (issues.length > 0 || !parsed.success) {
      throw configError(
        source,
        issues.map((issue) => ({ ...issue, file: source, ...locate(issue) })),
      );
    }
    return parsed.data;
  };

  const parseYaml = (text: string, source = options.yamlSource): Config => {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw configError(
        source,
        document.errors.map((error) => {
          const position = lineCounter.linePos(error.pos[0]);
          return {
            file: source,
            line: position.line,
            column: position.col,
            path: [],
            message: error.message,
          };
        }),
      );
    }
    return validate(document.toJS({ maxAliasCount: 1000 }), source, (issue) => {
      const offset = locateOffset(document.contents, issue.path, issue.atKey === true);
      if (offset === undefined) return { line: 1, column: 1 };
      const position = lineCounter.linePos(offset);
      return { line: position.line, column: position.col };
    });
  };

  return {
    parse: (input, source = options.objectSource) => validate(input, source, () => ({ line: 0, column: 0 })),
    parseYaml,
    async loadFile(file) {
      let text: string;
      try {
        const info = await stat(file);
        if (info.size > MAX_CONFIG_BYTES) {
          throw new Error(`the file is ${info.size} bytes; the limit is ${MAX_CONFIG_BYTES}`);
        }
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CodedError('CONFIG_INVALID', `cannot read ${options.what} ${file}: ${String(error)}`, {
          cause: error,
          details: { file },
        });
      }
      return parseYaml(text, file);
    },
  };
}

function fromZodIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"`, atKey: true }));
  }
  return [{ path, message: issue.message }];
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
