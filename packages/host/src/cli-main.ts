import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { DURATION_EXPECTED, durationMs } from '@lwm2m-adapters/mapping';
import { z } from 'zod';
import { type CommandOutput, processOutput } from './commands/command-output.js';
import { demoCommand } from './commands/demo-command.js';
import { planCommand } from './commands/plan-command.js';
import { type RunOptions, runCommand } from './commands/run-command.js';
import { runInput, runSettingsSchema } from './commands/run-settings.js';
import { simulateCommand } from './commands/simulate-command.js';
import { validateCommand } from './commands/validate-command.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export const usage = `usage: adapter-host [run] --mapping plc.yml [options]    run the mapping against an LwM2M server
       adapter-host <validate|plan|simulate> plc.yml [options]

run (the default command) options; each also from the environment variable shown:
  --mapping, -m FILE       the mapping file                                   ADAPTER_HOST_MAPPING
  --server URI             coap://host[:5683] or coaps://host[:5684]          ADAPTER_HOST_SERVER
                           (default coap://127.0.0.1:5683)
  --mode MODE              gateway (one LwM2M Gateway endpoint, /25, devices   ADAPTER_HOST_MODE
                           under their prefix; default) or per-device (one
                           endpoint per device, for servers without gateway support)
  --endpoint NAME          gateway endpoint name (default adapter-host-<hostname>) ADAPTER_HOST_ENDPOINT
  --psk-identity ID        PSK identity for coaps://                          ADAPTER_HOST_PSK_IDENTITY
  --psk-key-file FILE      file holding the PSK as hex digits                  ADAPTER_HOST_PSK_KEY_FILE
  --lifetime SECONDS       registration lifetime (default 300)                ADAPTER_HOST_LIFETIME
  --http [HOST:]PORT       serve /healthz and /metrics (default host 127.0.0.1) ADAPTER_HOST_HTTP
  --watch                  reload the mapping when the file changes (SIGHUP always reloads) ADAPTER_HOST_WATCH=1
  --send-interval DURATION also report changes with Send (POST /dp) batches   ADAPTER_HOST_SEND_INTERVAL
  --cache-max-age DURATION oldest cached value a Read gets for unpolled points (default 1s)
  --observed-poll DURATION read interval of observed points the mapping does not poll faster (default 1s)
  --status-interval DURATION how often a status line per device is logged (default 30s)
  --bind ADDRESS           local address of the UDP sockets                   ADAPTER_HOST_BIND
  --log-level LEVEL        trace, debug, info (default), warn, error, silent  ADAPTER_HOST_LOG_LEVEL
  --log-format FORMAT      auto (pretty on a terminal, JSON lines otherwise), pretty, json

other commands:
  validate <mapping>   check the mapping; print a summary, or every problem as file:line:column
                       --json   machine-readable result     --print  print the compiled mapping (secrets redacted)
  plan <mapping>       print how each device will be read (requests per poll cycle, register ranges)
                       --json   machine-readable plan
  simulate <mapping>   serve the mapping's Modbus devices from simulators on the host/port the mapping
                       connects to, until Ctrl-C
  demo <mapping>       everything on this machine: simulators for the devices, the host in gateway mode
                       with Send batches, and a built-in LwM2M server printing what arrives
                       --duration DURATION  stop by itself after this long (default: until Ctrl-C)

  --help, -h           this text      --version  the host version

signals (run): SIGINT/SIGTERM stop polling, de-register and exit 0; SIGHUP reloads the mapping.
exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 mapping invalid (problems printed), 70 internal error
`;

const commandSchema = z.enum(['run', 'validate', 'plan', 'simulate', 'demo'], {
  error: (issue) =>
    `unknown command ${JSON.stringify(issue.input)}; valid commands: run, validate, plan, simulate, demo`,
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
  /** Resolves when `run` or `simulate` should stop; default: SIGINT or SIGTERM. */
  readonly stopSignal?: Promise<void>;
  /** Reload requests for `run`; default: SIGHUP. Returns an unsubscribe function. */
  readonly onReloadRequest?: (listener: () => void) => () => void;
  /** Whether output goes to a terminal (pretty logs). Default: process.stdout.isTTY. */
  readonly isTty?: boolean;
  /** `run` is up: the host and its /healthz + /metrics URL. */
  readonly onReady?: RunOptions['onReady'];
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function onSighup(listener: () => void): () => void {
  process.on('SIGHUP', listener);
  return () => process.off('SIGHUP', listener);
}

const COMMANDS = new Set(['run', 'validate', 'plan', 'simulate', 'demo']);

const cliOptions = {
  mapping: { type: 'string', short: 'm' },
  json: { type: 'boolean' },
  print: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  server: { type: 'string' },
  mode: { type: 'string' },
  endpoint: { type: 'string' },
  'psk-identity': { type: 'string' },
  'psk-key-file': { type: 'string' },
  lifetime: { type: 'string' },
  http: { type: 'string' },
  watch: { type: 'boolean' },
  'send-interval': { type: 'string' },
  'cache-max-age': { type: 'string' },
  'observed-poll': { type: 'string' },
  'status-interval': { type: 'string' },
  bind: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  duration: { type: 'string' },
} as const;

async function hostVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one adapter-host invocation and returns its exit code. */
export async function runAdapterHostCli(
  argv: readonly string[],
  environment: CliEnvironment = {},
): Promise<ExitCodeValue> {
  const out = environment.out ?? processOutput;
  const env = environment.env ?? process.env;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof cliOptions; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: cliOptions });
  } catch (err) {
    out.stderr(`adapter-host: ${(err as Error).message}\n\n${usage}`);
    return ExitCode.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.stdout(usage);
    return ExitCode.OK;
  }
  if (values.version) {
    out.stdout(await hostVersion());
    return ExitCode.OK;
  }
  const mappingGiven = values.mapping !== undefined || (env.ADAPTER_HOST_MAPPING ?? '') !== '';
  if (positionals.length === 0 && !mappingGiven) {
    out.stdout(usage);
    return ExitCode.USAGE;
  }
  const first = positionals[0];
  const command =
    first === undefined || (!COMMANDS.has(first) && values.mapping !== undefined) ? 'run' : first;
  const rest = first === command ? positionals.slice(1) : positionals;
  try {
    if (command === 'run') {
      if (rest.length > 1 || (rest.length === 1 && values.mapping !== undefined)) {
        out.stderr(`adapter-host: unexpected argument ${JSON.stringify(rest.at(-1))}\n\n${usage}`);
        return ExitCode.USAGE;
      }
      const {
        json: _json,
        print: _print,
        help: _help,
        version: _version,
        duration: _duration,
        ...runFlags
      } = values;
      const settings = runSettingsSchema.safeParse(
        runInput({ ...runFlags, mapping: values.mapping ?? rest[0] }, env),
      );
      if (!settings.success) {
        out.stderr(`adapter-host: ${settings.error.issues.map((i) => i.message).join('; ')}\n\n${usage}`);
        return ExitCode.USAGE;
      }
      return await runCommand(settings.data, out, {
        until: environment.stopSignal ?? signalled(),
        onReloadRequest: environment.onReloadRequest ?? onSighup,
        env,
        isTty: environment.isTty ?? process.stdout.isTTY === true,
        hostVersion: await hostVersion(),
        ...(environment.onReady === undefined ? {} : { onReady: environment.onReady }),
      });
    }
    const flags = flagsSchema.safeParse({
      command,
      mapping: values.mapping ?? rest[0] ?? env.ADAPTER_HOST_MAPPING,
      json: values.json ?? false,
      print: values.print ?? false,
    });
    if (!flags.success) {
      out.stderr(`adapter-host: ${flags.error.issues.map((i) => i.message).join('; ')}\n\n${usage}`);
      return ExitCode.USAGE;
    }
    const { mapping, json, print } = flags.data;
    switch (flags.data.command) {
      case 'validate':
        return await validateCommand(mapping, out, { json, print, env });
      case 'plan':
        return await planCommand(mapping, out, { json, env });
      case 'simulate':
        return await simulateCommand(mapping, out, { until: environment.stopSignal ?? signalled(), env });
      case 'demo': {
        const limitMs = values.duration === undefined ? undefined : durationMs(values.duration);
        if (limitMs === undefined && values.duration !== undefined) {
          out.stderr(
            `adapter-host: --duration ${JSON.stringify(values.duration)}: expected ${DURATION_EXPECTED}`,
          );
          return ExitCode.USAGE;
        }
        return await demoCommand(mapping, out, {
          until: environment.stopSignal ?? signalled(),
          env,
          hostVersion: await hostVersion(),
          ...(limitMs === undefined ? {} : { durationMs: limitMs }),
        });
      }
      case 'run':
        return ExitCode.USAGE;
    }
  } catch (err) {
    if (isCodedError(err)) {
      out.stderr(`adapter-host: ${err.code}: ${err.message}`);
      return err.code === 'CONFIG_INVALID' ? ExitCode.USAGE : ExitCode.FAILURE;
    }
    throw err;
  }
}
