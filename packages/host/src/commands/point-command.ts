import { resolve } from 'node:path';
import { isCodedError } from '@lwm2m-adapters/errors';
import { escapeControlCharacters } from '@lwm2m-adapters/mapping';
import { pino } from 'pino';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { planWrite } from '../runtime/device/write-plan.js';
import { type DirectDevice, openDirectDevices, readDirect } from '../technician/direct-devices.js';
import { findPoint } from '../technician/point-lookup.js';
import { readingText } from '../technician/watch-table.js';
import { parseWrittenValue } from '../technician/written-value.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface PointCommandOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** For `write`: the value as typed. */
  readonly value?: string;
}

async function readLine(device: DirectDevice, path: string, out: CommandOutput): Promise<ExitCodeValue> {
  const point = device.points.find((p) => p.path === path);
  if (point === undefined) return ExitCode.FAILURE;
  const reading = (await readDirect(device, [point])).get(point.point.id);
  const text = escapeControlCharacters(readingText({ point, reading, changed: false }));
  if (reading?.ok === true) {
    out.stdout(`${point.path} ${JSON.stringify(escapeControlCharacters(point.name))} = ${text}`);
    return ExitCode.OK;
  }
  out.stderr(
    `adapter-host: ${point.path}: ${reading === undefined ? 'no reading' : escapeControlCharacters(`${reading.error.code}: ${reading.error.message}`)}`,
  );
  return ExitCode.FAILURE;
}

/**
 * `adapter-host read plc.yml /prefix/3303/0/5700` and `write ... VALUE`: one point, straight
 * from its adapter, through the mapping's conversions (read) or its conversions and validations
 * then the adapter's (write: the same plan a server's Write gets), then read back. A device error
 * exits 1; a value the mapping refuses exits 2 before anything is sent.
 */
export async function pointCommand(
  operation: 'read' | 'write',
  file: string,
  path: string,
  out: CommandOutput,
  options: PointCommandOptions,
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(resolve(file), options.env);
  if (!result.ok) return reportMappingFailure(file, result, out);
  const target = findPoint(result.mapping, path);
  const adapter = adapters.get(target.device.adapter.name);
  if (adapter === undefined) throw new Error(`adapter ${target.device.adapter.name} is not loaded`);
  if (operation === 'read' && !target.point.access.read) {
    out.stderr(`adapter-host: ${path} is not readable in the mapping`);
    return ExitCode.USAGE;
  }
  let raw: ReturnType<typeof planWrite>['raw'] | undefined;
  if (operation === 'write') {
    try {
      raw = planWrite(adapter, target.point, parseWrittenValue(target.point, options.value ?? '')).raw;
    } catch (error) {
      if (!isCodedError(error)) throw error;
      out.stderr(`adapter-host: ${error.code}: ${escapeControlCharacters(error.message)}`);
      return ExitCode.USAGE;
    }
  }
  const logger = pino({ level: 'error' }, { write: (line: string) => out.stderr(line) });
  const opened = await openDirectDevices(result.mapping, adapters, logger, [target.device.id]);
  try {
    const [device] = opened.devices;
    if (device === undefined) return ExitCode.FAILURE;
    const fullPath = `/${target.device.prefix}${target.point.path}`;
    if (raw !== undefined) {
      try {
        await device.session.write(target.point.id, raw);
      } catch (error) {
        if (!isCodedError(error)) throw error;
        out.stderr(`adapter-host: ${fullPath}: ${error.code}: ${escapeControlCharacters(error.message)}`);
        return ExitCode.FAILURE;
      }
      out.stdout(`${fullPath}: written (device value ${escapeControlCharacters(String(raw))})`);
      if (!target.point.access.read) return ExitCode.OK;
    }
    return await readLine(device, fullPath, out);
  } finally {
    await opened.close();
  }
}
