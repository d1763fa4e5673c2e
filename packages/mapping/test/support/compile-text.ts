// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { CodedError } from '@lwm2m-adapters/errors';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import {
  type CompiledMapping,
  type CompileMappingOptions,
  type CompileMappingResult,
  compileMapping,
  formatMappingIssue,
  type MappingIssue,
} from '../../src/index.js';
import { fixtureAdapter, readOnlyFixtureAdapter } from './fixture-adapter.js';

const ADAPTERS: Readonly<Record<string, AdapterDefinition>> = {
  fixture: fixtureAdapter as AdapterDefinition,
  readonly: readOnlyFixtureAdapter as AdapterDefinition,
};

/** Resolves the fixture adapters; anything else is ADAPTER_NOT_FOUND, as the SDK's loadAdapter says it. */
export function resolveFixture(name: string): AdapterDefinition {
  const adapter = ADAPTERS[name];
  if (adapter === undefined) {
    throw new CodedError(
      'ADAPTER_NOT_FOUND',
      `adapter "${name}" is not installed: npm package @lwm2m-adapters/${name} cannot be resolved`,
    );
  }
  return adapter;
}

export type CompileTextOptions = Partial<CompileMappingOptions>;

/** Compiles mapping text as `plc.yml` with the fixture adapters and an empty environment by default. */
export function compileText(text: string, options: CompileTextOptions = {}): Promise<CompileMappingResult> {
  return compileMapping(
    { text, fileName: 'plc.yml' },
    { resolveAdapter: resolveFixture, env: {}, ...options },
  );
}

/** Compiles and expects success. */
export async function compileOk(text: string, options: CompileTextOptions = {}): Promise<CompiledMapping> {
  const result = await compileText(text, options);
  if (!result.ok)
    throw new Error(`expected the mapping to compile:\n${result.issues.map(formatMappingIssue).join('\n')}`);
  return result.mapping;
}

/** Compiles, expects failure, and gives the formatted issue lines. */
export async function compileIssues(text: string, options: CompileTextOptions = {}): Promise<string[]> {
  const result = await compileText(text, options);
  if (result.ok) throw new Error('expected the mapping to have issues');
  return result.issues.map(formatMappingIssue);
}

export async function compileIssueObjects(
  text: string,
  options: CompileTextOptions = {},
): Promise<readonly MappingIssue[]> {
  const result = await compileText(text, options);
  if (result.ok) throw new Error('expected the mapping to have issues');
  return result.issues;
}

/** Joins lines into a mapping text (keeps tests' YAML readable with exact line numbers). */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
