import {
  type CompiledMapping,
  describeMapping,
  escapeControlCharacters,
  printCompiledMapping,
  type SourceLocation,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { pino } from 'pino';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { adviceLines, mappingAdvice } from '../technician/mapping-advice.js';
import { checkMappingOnline, type DeviceOnlineResult } from '../technician/online-check.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface ValidateOptions {
  readonly json: boolean;
  readonly print: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--online`: also check the points against the live devices, each device within this budget. */
  readonly online?: { readonly timeoutMs: number };
}

function located(location: SourceLocation, message: string): string {
  return escapeControlCharacters(`${location.file}:${location.line}:${location.column}: error: ${message}`);
}

/** Prints what the online check found and gives the exit code: 3 for points the devices refute, 1 for devices not reached. */
async function validateOnline(
  mapping: CompiledMapping,
  adapters: ReadonlyMap<string, AdapterDefinition>,
  out: CommandOutput,
  options: ValidateOptions & { readonly online: { readonly timeoutMs: number } },
): Promise<{ exit: ExitCodeValue; results: DeviceOnlineResult[] }> {
  if (!options.json) out.stderr(`checking ${mapping.devices.length} device(s) online...`);
  const logger = pino({ level: 'silent' });
  const results = await checkMappingOnline(mapping, adapters, {
    timeoutMs: options.online.timeoutMs,
    logger,
  });
  let problems = 0;
  let unreached = 0;
  let checked = 0;
  for (const result of results) {
    if (!result.reached) {
      unreached++;
      if (!options.json)
        out.stderr(
          located(
            result.location,
            `device ${result.deviceId} not reached: ${result.error.code}: ${result.error.message}`,
          ),
        );
      continue;
    }
    checked += result.checked;
    problems += result.problems.length;
    if (!options.json) for (const p of result.problems) out.stderr(located(p.location, p.message));
  }
  if (!options.json)
    out.stderr(
      `online: ${results.length - unreached} of ${results.length} device(s) reached, ${checked} point(s) checked, ${problems} problem(s)`,
    );
  const exit = problems > 0 ? ExitCode.MAPPING_INVALID : unreached > 0 ? ExitCode.FAILURE : ExitCode.OK;
  return { exit, results };
}

/**
 * `adapter-host validate plc.yml`: compile, print a summary (or every problem), exit 3 when invalid
 * (2 when the path names no mapping file). With `--online`, then check the points against the live
 * devices: exit 3 when a device refutes a point (a node or address it does not have, a type that
 * does not fit), 1 when a device cannot be reached.
 */
export async function validateCommand(
  file: string,
  out: CommandOutput,
  options: ValidateOptions,
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(file, options.env);
  if (!result.ok) return reportMappingFailure(file, result, out, { json: options.json });
  const hints = mappingAdvice(result.mapping, adapters);
  const online =
    options.online === undefined
      ? undefined
      : await validateOnline(result.mapping, adapters, out, { ...options, online: options.online });
  if (options.print) out.stdout(printCompiledMapping(result.mapping));
  else if (options.json)
    out.stdout(
      JSON.stringify(
        {
          ok: online === undefined || online.exit === ExitCode.OK,
          devices: result.mapping.devices.length,
          hints,
          ...(online === undefined ? {} : { online: online.results.map(onlineJson) }),
        },
        null,
        2,
      ),
    );
  else
    out.stdout(
      escapeControlCharacters(`${file}: ${verdict(online?.exit)}\n${describeMapping(result.mapping)}`, {
        keepLineBreaks: true,
      }),
    );
  // hints are advice: printed beside the result (stderr), never a failure
  if (!options.json && hints.length > 0)
    out.stderr(escapeControlCharacters(adviceLines(hints).join('\n'), { keepLineBreaks: true }));
  return online?.exit ?? ExitCode.OK;
}

function verdict(online: ExitCodeValue | undefined): string {
  if (online === undefined || online === ExitCode.OK) return 'valid';
  return online === ExitCode.MAPPING_INVALID
    ? 'compiles, but the devices refute some points (below)'
    : 'compiles; some devices could not be reached (below)';
}

function onlineJson(result: DeviceOnlineResult): unknown {
  return result.reached
    ? { deviceId: result.deviceId, reached: true, checked: result.checked, problems: result.problems }
    : {
        deviceId: result.deviceId,
        reached: false,
        location: result.location,
        code: result.error.code,
        message: result.error.message,
      };
}
