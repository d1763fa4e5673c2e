import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { escapeControlCharacters } from '@lwm2m-adapters/mapping';
import type { AdapterBrowse, AdapterDefinition, ProbeValues } from '@lwm2m-adapters/sdk';
import type { CommandOutput } from '../cli/command-output.js';
import { HELP_WIDTH, helpEntry, wrapWords } from '../cli/help-text.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

export const BROWSE_SYNOPSIS = 'adapter-host browse <url> [options]';

/** The browse's own options in help form, one per line. */
export function browseHelp(adapterName: string, browse: AdapterBrowse): string {
  const flags = Object.entries(browse.options).map(([name, option]) =>
    helpEntry(`  --${name}${option.value === undefined ? '' : ` ${option.value}`}`, option.description, 22),
  );
  return [
    ...wrapWords(`usage: adapter-host browse ${browse.synopsis}`, HELP_WIDTH),
    '',
    ...wrapWords(
      `explores the device with the ${adapterName} adapter and prints a starting mapping (YAML) that validates as it is: adapter-host browse ... > plant.yml`,
      HELP_WIDTH,
    ),
    '',
    ...flags,
    '',
  ].join('\n');
}

/** The scheme of a URL-like target (`opc.tcp` of `opc.tcp://host:4840`), or undefined. */
function schemeOf(target: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
}

/**
 * `adapter-host browse <url> [options]`: the adapter whose browse capability handles the URL's
 * scheme (looked for among `adapterNames`, loaded by name like a mapping's) explores the device
 * and proposes a mapping, printed on stdout. The host parses the options the adapter declares;
 * the protocol knowledge stays in the adapter.
 */
export async function browseCommand(
  argv: readonly string[],
  out: CommandOutput,
  loadAdapter: (name: string) => Promise<AdapterDefinition> | AdapterDefinition,
  adapterNames: readonly string[],
): Promise<ExitCodeValue> {
  const [target, ...rest] = argv;
  if (target === undefined || target === '--help' || target === '-h') {
    const lines = [
      `usage: ${BROWSE_SYNOPSIS}`,
      '(adapter-host browse <url> --help: the options of the adapter for that URL)',
    ];
    if (target === undefined) {
      out.stderr(`adapter-host: give the URL of the device to browse\n${lines.join('\n')}`);
      return ExitCode.USAGE;
    }
    out.stdout(lines.join('\n'));
    return ExitCode.OK;
  }
  const scheme = schemeOf(target);
  let found: { adapter: AdapterDefinition; browse: AdapterBrowse } | undefined;
  const schemes: string[] = [];
  for (const name of adapterNames) {
    const adapter = await loadAdapter(name);
    if (adapter.browse === undefined) continue;
    schemes.push(...adapter.browse.schemes.map((s) => `${s}:`));
    if (scheme !== undefined && adapter.browse.schemes.includes(scheme)) {
      found = { adapter, browse: adapter.browse };
      break;
    }
  }
  if (found === undefined) {
    out.stderr(
      `adapter-host: no adapter browses ${JSON.stringify(escapeControlCharacters(target))}; browsable URLs start with ${schemes.length === 0 ? '(none)' : schemes.join(', ')}\nusage: ${BROWSE_SYNOPSIS}`,
    );
    return ExitCode.USAGE;
  }
  const { adapter, browse } = found;
  const options = Object.fromEntries(
    Object.entries(browse.options).map(([flag, option]) => [
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
    out.stderr(`adapter-host: ${(error as Error).message}\nusage: adapter-host browse ${browse.synopsis}`);
    return ExitCode.USAGE;
  }
  if (parsed.values.help === true) {
    out.stdout(browseHelp(adapter.name, browse));
    return ExitCode.OK;
  }
  if (parsed.positionals.length > 0) {
    out.stderr(
      `adapter-host: unexpected argument ${JSON.stringify(parsed.positionals[0])}\nusage: adapter-host browse ${browse.synopsis}`,
    );
    return ExitCode.USAGE;
  }
  const { help: _help, ...values } = parsed.values;
  try {
    out.stdout(await browse.run(target, values));
    return ExitCode.OK;
  } catch (error) {
    if (!isCodedError(error)) throw error;
    out.stderr(`adapter-host: ${error.code}: ${escapeControlCharacters(error.message)}`);
    return error.code === 'CONFIG_INVALID' ? ExitCode.USAGE : ExitCode.FAILURE;
  }
}
