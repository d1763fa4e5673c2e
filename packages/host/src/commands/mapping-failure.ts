import {
  type CompileMappingResult,
  escapeControlCharacters,
  formatMappingIssue,
  formatMappingIssues,
} from '@lwm2m-adapters/mapping';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

type MappingFailure = Extract<CompileMappingResult, { ok: false }>;

/**
 * Tells why a mapping did not compile and gives the exit code: a path that names no mapping file
 * (no such file, a directory) is a configuration error said in one sentence (exit 2); problems in
 * the file are listed as file:line:column (exit 3).
 */
export function reportMappingFailure(
  file: string,
  result: MappingFailure,
  out: CommandOutput,
  options: { readonly json?: boolean } = {},
): ExitCodeValue {
  const missing = result.code === 'MAPPING_FILE_MISSING';
  if (options.json === true) {
    out.stdout(JSON.stringify({ ok: false, code: result.code, issues: result.issues }, null, 2));
  } else if (missing) {
    out.stderr(result.issues.map((issue) => `adapter-host: ${formatMappingIssue(issue)}`).join('\n'));
  } else {
    out.stderr(
      `${escapeControlCharacters(file)}: ${result.issues.length} problem(s):\n${formatMappingIssues(result.issues)}`,
    );
  }
  return missing ? ExitCode.USAGE : ExitCode.MAPPING_INVALID;
}
