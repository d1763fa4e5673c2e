import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { DURATION_EXPECTED, durationMs } from '@lwm2m-adapters/mapping';
import { z } from 'zod';
import { createAdapterResolver } from './adapter-resolver.js';
import { BUILT_IN_ADAPTERS } from './built-in-adapters.js';
import { type CommandOutput, processOutput } from './cli/command-output.js';
import { HELP_WIDTH, helpEntry, wrapWords } from './cli/help-text.js';
import { RUN_OPTIONS_USAGE, runInput, runSettingsSchema } from './cli/run-settings.js';
import type { RunOptions } from './commands/run-command.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

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
  'register-ct': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  duration: { type: 'string' },
  device: { type: 'string', multiple: true },
  interval: { type: 'string' },
  kafka: { type: 'string' },
  online: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

async function hostVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

type CliValues = ReturnType<
  typeof parseArgs<{ options: typeof cliOptions; allowPositionals: true }>
>['values'];

/** One invocation, as a command gets it. */
interface CommandCall {
  readonly values: CliValues;
  /** The positional arguments after the command name. */
  readonly args: readonly string[];
  readonly out: CommandOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly environment: CliEnvironment;
}

interface CliCommand {
  /** What it takes after its name, in the usage text. */
  readonly synopsis: string;
  /** What it does, one sentence (wrapped in the usage text). */
  readonly help: string;
  /** Its own options: usage and description. */
  readonly options: readonly (readonly [string, string])[];
  readonly main: (call: CommandCall) => Promise<ExitCodeValue>;
}

/** A usage error: the message and a short usage line (the command's, when known), not the whole help. */
function usageError(out: CommandOutput, message: string, command?: CommandName): ExitCodeValue {
  const line =
    command === undefined
      ? 'usage: adapter-host [<command>] <mapping> [options]'
      : `usage: adapter-host ${command} ${COMMANDS[command].synopsis}`;
  const more = command === undefined ? 'adapter-host --help' : `adapter-host ${command} --help`;
  out.stderr(`adapter-host: ${message}\n${line}\n(${more} for more)`);
  return ExitCode.USAGE;
}

const mappingFlagsSchema = z.object({
  mapping: z.string({ error: 'give the mapping file: adapter-host <command> plc.yml' }).min(1),
  json: z.boolean(),
  print: z.boolean(),
});

/** The mapping file and output flags of a command other than `run`, or a usage error. */
function mappingFlags(call: CommandCall): z.infer<typeof mappingFlagsSchema> | ExitCodeValue {
  const { values, args, env } = call;
  const flags = mappingFlagsSchema.safeParse({
    mapping: values.mapping ?? args[0] ?? env.ADAPTER_HOST_MAPPING,
    json: values.json ?? false,
    print: values.print ?? false,
  });
  if (flags.success) return flags.data;
  return usageError(call.out, flags.error.issues.map((i) => i.message).join('; '));
}

async function runMain(call: CommandCall): Promise<ExitCodeValue> {
  const { values, args, out, env, environment } = call;
  if (args.length > 1 || (args.length === 1 && values.mapping !== undefined)) {
    return usageError(out, `unexpected argument ${JSON.stringify(args.at(-1))}`);
  }
  const {
    json: _json,
    print: _print,
    help: _help,
    version: _version,
    duration: _duration,
    device: _device,
    interval: _interval,
    kafka: _kafka,
    online: _online,
    timeout: _timeout,
    ...runFlags
  } = values;
  const settings = runSettingsSchema.safeParse(
    runInput({ ...runFlags, mapping: values.mapping ?? args[0] }, env),
  );
  if (!settings.success) return usageError(out, settings.error.issues.map((i) => i.message).join('; '));
  return await (await import('./commands/run-command.js')).runCommand(settings.data, out, {
    until: environment.stopSignal ?? signalled(),
    onReloadRequest: environment.onReloadRequest ?? onSighup,
    env,
    isTty: environment.isTty ?? process.stdout.isTTY === true,
    hostVersion: await hostVersion(),
    ...(environment.onReady === undefined ? {} : { onReady: environment.onReady }),
  });
}

/** A command on a mapping file: its usage errors are answered before `main` runs. */
function onMapping(
  main: (flags: z.infer<typeof mappingFlagsSchema>, call: CommandCall) => Promise<ExitCodeValue>,
): (call: CommandCall) => Promise<ExitCodeValue> {
  return async (call) => {
    const flags = mappingFlags(call);
    return typeof flags === 'number' ? flags : await main(flags, call);
  };
}

async function demoMain(
  flags: z.infer<typeof mappingFlagsSchema>,
  call: CommandCall,
): Promise<ExitCodeValue> {
  const { values, out, env, environment } = call;
  const limitMs = values.duration === undefined ? undefined : durationMs(values.duration);
  if (limitMs === undefined && values.duration !== undefined) {
    out.stderr(`adapter-host: --duration ${JSON.stringify(values.duration)}: expected ${DURATION_EXPECTED}`);
    return ExitCode.USAGE;
  }
  if (values.kafka !== undefined && !/^[^,:\s]+:\d{1,5}(,[^,:\s]+:\d{1,5})*$/.test(values.kafka)) {
    out.stderr(`adapter-host: --kafka ${JSON.stringify(values.kafka)}: expected host:port[,host:port...]`);
    return ExitCode.USAGE;
  }
  return await (await import('./commands/demo-command.js')).demoCommand(flags.mapping, out, {
    until: environment.stopSignal ?? signalled(),
    env,
    hostVersion: await hostVersion(),
    ...(limitMs === undefined ? {} : { durationMs: limitMs }),
    ...(values.kafka === undefined ? {} : { kafka: values.kafka.split(',') }),
  });
}

/** A duration flag's milliseconds, undefined when not given, or a usage error already reported. */
function durationFlag(
  call: CommandCall,
  flag: 'duration' | 'interval' | 'timeout',
): number | undefined | { readonly exit: ExitCodeValue } {
  const text = call.values[flag];
  if (text === undefined) return undefined;
  const ms = durationMs(text);
  if (ms !== undefined) return ms;
  call.out.stderr(`adapter-host: --${flag} ${JSON.stringify(text)}: expected ${DURATION_EXPECTED}`);
  return { exit: ExitCode.USAGE };
}

async function watchMain(
  flags: z.infer<typeof mappingFlagsSchema>,
  call: CommandCall,
): Promise<ExitCodeValue> {
  const { values, args, out, env, environment } = call;
  if (args.length > 1) return usageError(out, `unexpected argument ${JSON.stringify(args[1])}`, 'watch');
  const limit = durationFlag(call, 'duration');
  const interval = durationFlag(call, 'interval');
  if (typeof limit === 'object') return limit.exit;
  if (typeof interval === 'object') return interval.exit;
  return await (await import('./commands/watch-command.js')).watchCommand(flags.mapping, out, {
    until: environment.stopSignal ?? signalled(),
    env,
    isTty: environment.isTty ?? process.stdout.isTTY === true,
    intervalMs: Math.max(100, interval ?? 1000),
    ...(values.device === undefined ? {} : { deviceIds: values.device.flatMap((d) => d.split(',')) }),
    ...(limit === undefined ? {} : { durationMs: limit }),
  });
}

function pointMain(operation: 'read' | 'write') {
  return async (flags: z.infer<typeof mappingFlagsSchema>, call: CommandCall): Promise<ExitCodeValue> => {
    const { args, out, env } = call;
    const wanted = operation === 'read' ? 2 : 3;
    const [, path, value] = args;
    if (path === undefined || !path.startsWith('/'))
      return usageError(out, 'give the point as /<prefix>/<object>/<instance>/<resource>', operation);
    if (operation === 'write' && value === undefined)
      return usageError(out, 'give the value to write', operation);
    if (args.length > wanted)
      return usageError(out, `unexpected argument ${JSON.stringify(args[wanted])}`, operation);
    return await (await import('./commands/point-command.js')).pointCommand(
      operation,
      flags.mapping,
      path,
      out,
      {
        env,
        ...(value === undefined ? {} : { value }),
      },
    );
  };
}

/** The default command: what runs when the first argument names no command. */
const DEFAULT_COMMAND = 'run';

/** Every command: its usage lines and what runs it. The usage text and the dispatch both come from here. */
const COMMANDS = {
  run: {
    synopsis: '--mapping plc.yml [options]',
    help: 'run the mapping against an LwM2M server',
    options: [],
    main: runMain,
  },
  validate: {
    synopsis: '<mapping>',
    help: 'check the mapping; print a summary and hints, or every problem as file:line:column',
    options: [
      ['--json', 'machine-readable result'],
      ['--print', 'print the compiled mapping (secrets redacted)'],
      [
        '--online',
        'also check the points against the live devices (nodes or addresses they lack, types that do not fit): exit 3 for a refuted point, 1 for a device not reached',
      ],
      ['--timeout DURATION', 'time budget per device for --online (default 10s)'],
    ],
    main: onMapping(async (flags, call) => {
      const timeout = durationFlag(call, 'timeout');
      if (typeof timeout === 'object') return timeout.exit;
      return await (await import('./commands/validate-command.js')).validateCommand(flags.mapping, call.out, {
        json: flags.json,
        print: flags.print,
        env: call.env,
        ...(call.values.online === true ? { online: { timeoutMs: timeout ?? 10_000 } } : {}),
      });
    }),
  },
  plan: {
    synopsis: '<mapping>',
    help: 'print how each device will be read (requests per poll cycle, register ranges) and hints',
    options: [['--json', 'machine-readable plan']],
    main: onMapping(async (flags, call) =>
      (await import('./commands/plan-command.js')).planCommand(flags.mapping, call.out, {
        json: flags.json,
        env: call.env,
      }),
    ),
  },
  simulate: {
    synopsis: '<mapping>',
    help: "serve the mapping's devices from their adapters' simulators where the mapping connects, until Ctrl-C; a device no adapter can simulate is named with the reason",
    options: [],
    main: onMapping(async (flags, call) =>
      (await import('./commands/simulate-command.js')).simulateCommand(flags.mapping, call.out, {
        until: call.environment.stopSignal ?? signalled(),
        env: call.env,
      }),
    ),
  },
  watch: {
    synopsis: '<mapping>',
    help: "a live table of the mapping's points read straight from the devices (no LwM2M server): path, name, value with units, age, quality; redrawn in place on a terminal, a line per change otherwise",
    options: [
      ['--device ID', 'only this device (repeatable)'],
      ['--interval DURATION', 'time between reads (default 1s)'],
      ['--duration DURATION', 'stop by itself after this long (default: until Ctrl-C)'],
    ],
    main: onMapping(watchMain),
  },
  read: {
    synopsis: '<mapping> <path>',
    help: "read one point through the mapping's conversions, e.g. /boiler1/3303/0/5700",
    options: [],
    main: onMapping(pointMain('read')),
  },
  write: {
    synopsis: '<mapping> <path> <value>',
    help: "write one point through the mapping's conversions and checks, then read it back",
    options: [],
    main: onMapping(pointMain('write')),
  },
  demo: {
    synopsis: '<mapping>',
    help: 'everything on this machine: simulators for the devices, the host in gateway mode with Send batches, and the gateway server printing what arrives (its HTTP API and web console stay up while it runs)',
    options: [
      ['--duration DURATION', 'stop by itself after this long (default: until Ctrl-C)'],
      [
        '--kafka HOST:PORT',
        'the server also writes to Kafka (topics iot.demo.*; npm run kafka-broker starts a local broker)',
      ],
    ],
    main: onMapping(demoMain),
  },
} as const satisfies Readonly<Record<string, CliCommand>>;

type CommandName = keyof typeof COMMANDS;
const commandNames = Object.keys(COMMANDS) as CommandName[];
const otherCommands = commandNames.filter((name) => name !== DEFAULT_COMMAND);

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Where descriptions start in the usage text. */
const HELP_COLUMN = 25;

/** A command's entry in the usage text: name and synopsis, what it does, its options, wrapped to 80 columns. */
function commandUsage(name: CommandName): string {
  const command: CliCommand = COMMANDS[name];
  return [
    helpEntry(`  ${name} ${command.synopsis}`, command.help, HELP_COLUMN),
    ...command.options.map(([flag, text]) => helpEntry(`    ${flag}`, text, HELP_COLUMN)),
  ].join('\n');
}

export const usage = `usage: adapter-host [${DEFAULT_COMMAND}] ${COMMANDS[DEFAULT_COMMAND].synopsis}
       adapter-host <${otherCommands.join('|')}> plc.yml ...
       adapter-host probe <adapter> <target> [options]
       adapter-host browse <url> [options]
       adapter-host <command> --help

${wrapWords(`${DEFAULT_COMMAND} (the default command): ${COMMANDS[DEFAULT_COMMAND].help}; its options, each also from the environment variable shown:`, HELP_WIDTH).join('\n')}
${RUN_OPTIONS_USAGE}
other commands:
${otherCommands.map(commandUsage).join('\n')}
${helpEntry('  probe <adapter> <target> [options]', 'read a device once, every data-type interpretation side by side, before writing a mapping (adapter-host probe modbus --help)', HELP_COLUMN)}
${helpEntry('  browse <url> [options]', 'explore a device (opc.tcp://host:port) and print a starting mapping that validates as it is (adapter-host browse opc.tcp://h:4840 --help)', HELP_COLUMN)}

${helpEntry('  --help, -h', 'this text; <command> --help: that command only', HELP_COLUMN)}
${helpEntry('  --version', 'the host version', HELP_COLUMN)}

${wrapWords('signals (run): SIGINT/SIGTERM stop polling, de-register and exit 0; SIGHUP reloads the mapping.', HELP_WIDTH).join('\n')}
${wrapWords('exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error (no such mapping file), 3 mapping invalid (problems printed), 70 internal error', HELP_WIDTH).join('\n')}
`;

/** Runs one adapter-host invocation and returns its exit code. */
export async function runAdapterHostCli(
  argv: readonly string[],
  environment: CliEnvironment = {},
): Promise<ExitCodeValue> {
  const out = environment.out ?? processOutput;
  const env = environment.env ?? process.env;
  if (argv[0] === 'probe') {
    // the probe's options are the adapter's own: it parses them once the adapter is loaded
    try {
      return await (await import('./commands/probe-command.js')).probeCommand(
        argv.slice(1),
        out,
        createAdapterResolver(process.cwd()),
      );
    } catch (err) {
      if (!isCodedError(err)) throw err;
      out.stderr(`adapter-host: ${err.code}: ${err.message}`);
      return ExitCode.USAGE;
    }
  }
  if (argv[0] === 'browse') {
    // the browse options are the adapter's own: it parses them once the adapter is loaded
    try {
      return await (await import('./commands/browse-command.js')).browseCommand(
        argv.slice(1),
        out,
        createAdapterResolver(process.cwd()),
        Object.keys(BUILT_IN_ADAPTERS),
      );
    } catch (err) {
      if (!isCodedError(err)) throw err;
      out.stderr(`adapter-host: ${err.code}: ${err.message}`);
      return ExitCode.USAGE;
    }
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof cliOptions; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: cliOptions });
  } catch (err) {
    const named = argv[0];
    return usageError(
      out,
      (err as Error).message,
      named !== undefined && isCommandName(named) ? named : undefined,
    );
  }
  const { values, positionals } = parsed;
  const asked = positionals[0];
  if (values.help && asked !== undefined && isCommandName(asked)) {
    out.stdout(
      `usage: adapter-host ${asked} ${COMMANDS[asked].synopsis}\n\n${asked === DEFAULT_COMMAND ? RUN_OPTIONS_USAGE : `${commandUsage(asked)}\n`}`,
    );
    return ExitCode.OK;
  }
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
  // `adapter-host --mapping plc.yml` and `adapter-host -m plc.yml extra` are `run`
  const name =
    first === undefined || (!isCommandName(first) && values.mapping !== undefined) ? DEFAULT_COMMAND : first;
  if (!isCommandName(name)) {
    return usageError(
      out,
      `unknown command ${JSON.stringify(name)}; valid commands: ${[...commandNames, 'probe', 'browse'].join(', ')}`,
    );
  }
  const args = first === name ? positionals.slice(1) : positionals;
  try {
    return await COMMANDS[name].main({ values, args, out, env, environment });
  } catch (err) {
    if (isCodedError(err)) {
      out.stderr(`adapter-host: ${err.code}: ${err.message}`);
      return err.code === 'CONFIG_INVALID' ? ExitCode.USAGE : ExitCode.FAILURE;
    }
    throw err;
  }
}
