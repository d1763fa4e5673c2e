import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { escapeControlCharacters } from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, AdapterProbe, ProbeValues } from '@lwm2m-adapters/sdk';
import type { CommandOutput } from '../cli/command-output.js';
import { HELP_WIDTH, helpEntry, wrapWords } from '../cli/help-text.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { formatTextTable } from '../technician/text-table.js';

export const PROBE_SYNOPSIS = 'adapter-host probe <adapter> <target> [options]';

/** The probe's own options in help form, one per line. */
export function probeHelp(adapterName: string, probe: AdapterProbe): string {
  const flags = Object.entries(probe.options).map(([name, option]) =>
    helpEntry(`  --${name}${option.value === undefined ? '' : ` ${option.value}`}`, option.description, 22),
  );
  return [
    ...wrapWords(`usage: adapter-host probe ${adapterName} ${probe.synopsis}`, HELP_WIDTH),
    '',
    ...wrapWords(
      `reads a device once with the ${adapterName} adapter and prints what it holds, every interpretation side by side, to write a mapping from`,
      HELP_WIDTH,
    ),
    '',
    ...flags,
    '',
  ].join('\n');
}

/**
 * `adapter-host probe <adapter> <target> [options]`: the adapter (loaded by name, like a mapping's)
 * looks at a device before any mapping exists. The host parses the options the adapter declares
 * and prints its report; the protocol knowledge stays in the adapter.
 */
export async function probeCommand(
  argv: readonly string[],
  out: CommandOutput,
  loadAdapter: (name: string) => Promise<AdapterDefinition> | AdapterDefinition,
): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    out.stdout(`usage: ${PROBE_SYNOPSIS}\n(adapter-host probe <adapter> --help: that adapter's options)`);
    return ExitCode.OK;
  }
  if (name === undefined || name.startsWith('-')) {
    out.stderr(`adapter-host: give the adapter to probe with\nusage: ${PROBE_SYNOPSIS}`);
    return ExitCode.USAGE;
  }
  const adapter = await loadAdapter(name);
  const probe = adapter.probe;
  if (probe === undefined) {
    out.stderr(`adapter-host: the ${adapter.name} adapter (${adapter.version}) cannot probe devices`);
    return ExitCode.USAGE;
  }
  const options = Object.fromEntries(
    Object.entries(probe.options).map(([flag, option]) => [
      flag,
      {
        type: option.value === undefined ? 'boolean' : 'string',
        multiple: option.multiple === true,
      } as const,
    ]),
  );
  let parsed: { values: ProbeValues & { help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }) as typeof parsed;
  } catch (error) {
    out.stderr(
      `adapter-host: ${(error as Error).message}\nusage: adapter-host probe ${name} ${probe.synopsis}`,
    );
    return ExitCode.USAGE;
  }
  if (parsed.values.help === true) {
    out.stdout(probeHelp(name, probe));
    return ExitCode.OK;
  }
  const [target, ...extra] = parsed.positionals;
  if (target === undefined || extra.length > 0) {
    out.stderr(
      `adapter-host: ${target === undefined ? 'give the device to probe' : `unexpected argument ${JSON.stringify(extra[0])}`}\nusage: adapter-host probe ${name} ${probe.synopsis}`,
    );
    return ExitCode.USAGE;
  }
  const { help: _help, ...values } = parsed.values;
  try {
    const report = await probe.run(target, values);
    out.stdout(formatTextTable(report.columns, report.rows));
    for (const note of report.notes) out.stdout(escapeControlCharacters(note));
    return ExitCode.OK;
  } catch (error) {
    if (!isCodedError(error)) throw error;
    out.stderr(`adapter-host: ${error.code}: ${escapeControlCharacters(error.message)}`);
    return error.code === 'CONFIG_INVALID' ? ExitCode.USAGE : ExitCode.FAILURE;
  }
}
