import { describeMapping, escapeControlCharacters, printCompiledMapping } from '@lwm2m-adapters/mapping';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { adviceLines, mappingAdvice } from '../technician/mapping-advice.js';
import { reportMappingFailure } from './mapping-failure.js';

/**
 * `adapter-host validate plc.yml`: compile, print a summary (or every problem), exit 3 when invalid
 * (2 when the path names no mapping file).
 */
export async function validateCommand(
  file: string,
  out: CommandOutput,
  options: { json: boolean; print: boolean; env: Readonly<Record<string, string | undefined>> },
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(file, options.env);
  if (!result.ok) return reportMappingFailure(file, result, out, { json: options.json });
  const hints = mappingAdvice(result.mapping, adapters);
  if (options.print) out.stdout(printCompiledMapping(result.mapping));
  else if (options.json)
    out.stdout(JSON.stringify({ ok: true, devices: result.mapping.devices.length, hints }, null, 2));
  else
    out.stdout(
      escapeControlCharacters(`${file}: valid\n${describeMapping(result.mapping)}`, { keepLineBreaks: true }),
    );
  // hints are advice: printed beside the result (stderr), never a failure
  if (!options.json && hints.length > 0)
    out.stderr(escapeControlCharacters(adviceLines(hints).join('\n'), { keepLineBreaks: true }));
  return ExitCode.OK;
}
