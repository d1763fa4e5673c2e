import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { z } from 'zod';
import { type CommandOutput, processOutput } from './commands/command-output.js';
import { planCommand } from './commands/plan-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { validateCommand } from './commands/validate-command.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export const usage = `usage: adapter-host <command> [--mapping] <plc.yml> [options]

commands:
  validate <mapping>   check the mapping; print a summary, or every problem as file:line:column
                       --json   machine-readable result     --print  print the compiled mapping (secrets redacted)
  plan <mapping>       print how each device will be read (requests per poll cycle, register ranges)
                       --json   machine-readable plan
  simulate <mapping>   serve the mapping's Modbus devices from simulators on the host/port the mapping
                       connects to, until Ctrl-C

options:
  --mapping, -m FILE   the mapping file (or give it as the first argument; env ADAPTER_HOST_MAPPING)
  --help, -h           this text      --version  the host version

exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 mapping invalid (problems printed), 70 internal error
`;

const commandSchema = z.enum(['validate', 'plan', 'simulate'], {
  error: (issue) =>
    `unknown command ${JSON.stringify(issue.input)}; valid commands: validate, plan, simulate`,
});

const flagsSchema = z.object({
  command: commandSchema,
  mapping: z.string({ error: 'give the mapping file: adapter-host <command> plc.yml' }).min(1),
  json: z.boolean(),
  print: z.boolean(),
});

export interface CliEnvironment {
  readonly out?: CommandOutput;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolves when `simulate` should stop; default: SIGINT or SIGTERM. */
  readonly stopSignal?: Promise<void>;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Runs one adapter-host invocation and returns its exit code. */
export async function runAdapterHostCli(
  argv: readonly string[],
  environment: CliEnvironment = {},
): Promise<ExitCodeValue> {
  const out = environment.out ?? processOutput;
  const env = environment.env ?? process.env;
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        mapping: { type: 'string'; short: 'm' };
        json: { type: 'boolean' };
        print: { type: 'boolean' };
        help: { type: 'boolean'; short: 'h' };
        version: { type: 'boolean' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        mapping: { type: 'string', short: 'm' },
        json: { type: 'boolean' },
        print: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    out.stderr(`adapter-host: ${(err as Error).message}\n\n${usage}`);
    return ExitCode.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    out.stdout(usage);
    return values.help ? ExitCode.OK : ExitCode.USAGE;
  }
  if (values.version) {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    out.stdout(pkg.version);
    return ExitCode.OK;
  }
  const flags = flagsSchema.safeParse({
    command: positionals[0],
    mapping: values.mapping ?? positionals[1] ?? env.ADAPTER_HOST_MAPPING,
    json: values.json ?? false,
    print: values.print ?? false,
  });
  if (!flags.success) {
    out.stderr(`adapter-host: ${flags.error.issues.map((i) => i.message).join('; ')}\n\n${usage}`);
    return ExitCode.USAGE;
  }
  const { command, mapping, json, print } = flags.data;
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(mapping, out, { json, print, env });
      case 'plan':
        return await planCommand(mapping, out, { json, env });
      case 'simulate':
        return await simulateCommand(mapping, out, { until: environment.stopSignal ?? signalled(), env });
    }
  } catch (err) {
    if (isCodedError(err)) {
      out.stderr(`adapter-host: ${err.code}: ${err.message}`);
      return ExitCode.FAILURE;
    }
    throw err;
  }
}
