import { DURATION_EXPECTED, durationMs } from '@lwm2m-adapters/mapping';
import { z } from 'zod';
import { helpEntry } from './help-text.js';

/** Settings of `adapter-host run`, from flags first, then ADAPTER_HOST_* environment variables. */
export interface RunSettings {
  readonly mapping: string;
  readonly server: string;
  readonly mode: 'gateway' | 'per-device';
  readonly endpoint: string | undefined;
  readonly pskIdentity: string | undefined;
  readonly pskKeyFile: string | undefined;
  readonly lifetimeSeconds: number;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** Where /healthz and /metrics listen; undefined: not served. */
  readonly http: { readonly host: string; readonly port: number } | undefined;
  readonly watch: boolean;
  readonly sendIntervalMs: number | undefined;
  readonly cacheMaxAgeMs: number;
  readonly observedPollMs: number;
  readonly statusIntervalMs: number;
  readonly bindAddress: string | undefined;
  /** How the Register's root link announces content formats: `ct=110` or `ct="110 112 11542"`. */
  readonly registerContentFormats: 'preferred' | 'list';
}

/** Raw flag values (strings/booleans, as parseArgs gives them) merged with the environment. */
export type RunInput = Readonly<Record<string, string | boolean | undefined>>;

const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const ms = durationMs(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${flag} ${JSON.stringify(text)}: expected ${DURATION_EXPECTED}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const httpAddress = z.string().transform((text, ctx) => {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65_535) {
    ctx.addIssue({
      code: 'custom',
      message: `--http ${JSON.stringify(text)}: expected [host:]port, e.g. 9464 or 0.0.0.0:9464`,
    });
    return z.NEVER;
  }
  const host = match[1] === undefined ? '127.0.0.1' : match[1].replace(/^\[|\]$/g, '');
  return { host, port };
});

export const runSettingsSchema = z
  .object({
    mapping: z.string({ error: 'give the mapping file: adapter-host --mapping plc.yml' }).min(1),
    server: z
      .string()
      .regex(/^coaps?:\/\//, { error: '--server must be coap://host[:port] or coaps://host[:port]' })
      .default('coap://127.0.0.1:5683'),
    mode: z
      .enum(['gateway', 'per-device'], {
        error: (i) => `--mode ${JSON.stringify(i.input)}: expected gateway or per-device`,
      })
      .default('gateway'),
    endpoint: z.string().min(1).max(255).optional(),
    'psk-identity': z.string().min(1).optional(),
    'psk-key-file': z.string().min(1).optional(),
    lifetime: z
      .string()
      .regex(/^\d+$/, { error: '--lifetime: expected whole seconds' })
      .transform(Number)
      .pipe(
        z
          .int()
          .min(30, { error: '--lifetime: at least 30 seconds' })
          .max(2 ** 31 - 1),
      )
      .default(300),
    'log-level': z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        error: (i) =>
          `--log-level ${JSON.stringify(i.input)}: expected trace, debug, info, warn, error, fatal or silent`,
      })
      .default('info'),
    'log-format': z
      .enum(['auto', 'pretty', 'json'], {
        error: (i) => `--log-format ${JSON.stringify(i.input)}: expected auto, pretty or json`,
      })
      .default('auto'),
    http: httpAddress.optional(),
    watch: z.boolean().default(false),
    'send-interval': duration('--send-interval').optional(),
    'cache-max-age': duration('--cache-max-age').default(1000),
    'observed-poll': duration('--observed-poll').default(1000),
    'status-interval': duration('--status-interval').default(30_000),
    bind: z.string().min(1).optional(),
    'register-ct': z
      .enum(['preferred', 'list'], {
        error: (i) => `--register-ct ${JSON.stringify(i.input)}: expected preferred or list`,
      })
      .default('preferred'),
  })
  .superRefine((value, ctx) => {
    const secure = value.server.startsWith('coaps://');
    const hasPsk = value['psk-identity'] !== undefined || value['psk-key-file'] !== undefined;
    if (secure && (value['psk-identity'] === undefined || value['psk-key-file'] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: `${value.server} is coaps://: give --psk-identity and --psk-key-file`,
      });
    }
    if (!secure && hasPsk) {
      ctx.addIssue({
        code: 'custom',
        message: `--psk-identity/--psk-key-file need a coaps:// server, not ${value.server}`,
      });
    }
  })
  .transform(
    (v): RunSettings => ({
      mapping: v.mapping,
      server: v.server,
      mode: v.mode,
      endpoint: v.endpoint,
      pskIdentity: v['psk-identity'],
      pskKeyFile: v['psk-key-file'],
      lifetimeSeconds: v.lifetime,
      logLevel: v['log-level'],
      logFormat: v['log-format'],
      http: v.http,
      watch: v.watch,
      sendIntervalMs: v['send-interval'],
      cacheMaxAgeMs: v['cache-max-age'],
      observedPollMs: v['observed-poll'],
      statusIntervalMs: v['status-interval'],
      bindAddress: v.bind,
      registerContentFormats: v['register-ct'],
    }),
  );

/** One option of `adapter-host run` in its usage text. */
interface RunOptionHelp {
  /** `--flag VALUE` as typed (with the short form when there is one). */
  readonly usage: string;
  /** The flag's name in RUN_ENVIRONMENT, when an environment variable can give it. */
  readonly flag: string;
  readonly description: string;
}

const RUN_OPTIONS: readonly RunOptionHelp[] = [
  { usage: '--mapping, -m FILE', flag: 'mapping', description: 'the mapping file' },
  {
    usage: '--server URI',
    flag: 'server',
    description: 'coap://host[:5683] or coaps://host[:5684] (default coap://127.0.0.1:5683)',
  },
  {
    usage: '--mode MODE',
    flag: 'mode',
    description:
      'gateway (one LwM2M Gateway endpoint, /25, devices under their prefix; default) or per-device (one endpoint per device, for servers without gateway support)',
  },
  {
    usage: '--endpoint NAME',
    flag: 'endpoint',
    description: 'gateway endpoint name (default adapter-host-<hostname>)',
  },
  { usage: '--psk-identity ID', flag: 'psk-identity', description: 'PSK identity for coaps://' },
  { usage: '--psk-key-file FILE', flag: 'psk-key-file', description: 'file holding the PSK as hex digits' },
  { usage: '--lifetime SECONDS', flag: 'lifetime', description: 'registration lifetime (default 300)' },
  {
    usage: '--http [HOST:]PORT',
    flag: 'http',
    description: 'serve /healthz and /metrics (default host 127.0.0.1)',
  },
  {
    usage: '--watch',
    flag: 'watch',
    description: 'reload the mapping when the file changes (SIGHUP always reloads)',
  },
  {
    usage: '--send-interval DURATION',
    flag: 'send-interval',
    description: 'also report changes with Send (POST /dp) batches',
  },
  {
    usage: '--cache-max-age DURATION',
    flag: 'cache-max-age',
    description: 'oldest cached value a Read gets for unpolled points (default 1s)',
  },
  {
    usage: '--observed-poll DURATION',
    flag: 'observed-poll',
    description: 'read interval of observed points the mapping does not poll faster (default 1s)',
  },
  {
    usage: '--status-interval DURATION',
    flag: 'status-interval',
    description: 'how often a status line per device is logged (default 30s)',
  },
  {
    usage: '--bind ADDRESS',
    flag: 'bind',
    description:
      "local address of the UDP sockets (default 127.0.0.1 for a loopback server, else 0.0.0.0 / :: - every interface; only the server's address:port is answered)",
  },
  {
    usage: '--register-ct FORMATS',
    flag: 'register-ct',
    description:
      'the Register\'s root-link ct: preferred (ct=110, what LwM2M 1.1 servers parse; default) or list (ct="110 112 11542", the LwM2M 1.2 form)',
  },
  {
    usage: '--log-level LEVEL',
    flag: 'log-level',
    description: 'trace, debug, info (default), warn, error, fatal or silent',
  },
  {
    usage: '--log-format FORMAT',
    flag: 'log-format',
    description: 'auto (pretty on a terminal, JSON lines otherwise), pretty or json',
  },
];

/** The flags of `run` its usage text lists, by name (a test checks each has its environment variable). */
export const RUN_OPTION_FLAGS: readonly string[] = RUN_OPTIONS.map((o) => o.flag);

/** Flag name → environment variable that can give it. */
export const RUN_ENVIRONMENT: Readonly<Record<string, string>> = {
  mapping: 'ADAPTER_HOST_MAPPING',
  server: 'ADAPTER_HOST_SERVER',
  mode: 'ADAPTER_HOST_MODE',
  endpoint: 'ADAPTER_HOST_ENDPOINT',
  'psk-identity': 'ADAPTER_HOST_PSK_IDENTITY',
  'psk-key-file': 'ADAPTER_HOST_PSK_KEY_FILE',
  lifetime: 'ADAPTER_HOST_LIFETIME',
  'log-level': 'ADAPTER_HOST_LOG_LEVEL',
  'log-format': 'ADAPTER_HOST_LOG_FORMAT',
  http: 'ADAPTER_HOST_HTTP',
  'send-interval': 'ADAPTER_HOST_SEND_INTERVAL',
  'cache-max-age': 'ADAPTER_HOST_CACHE_MAX_AGE',
  'observed-poll': 'ADAPTER_HOST_OBSERVED_POLL',
  'status-interval': 'ADAPTER_HOST_STATUS_INTERVAL',
  bind: 'ADAPTER_HOST_BIND',
  'register-ct': 'ADAPTER_HOST_REGISTER_CT',
  watch: 'ADAPTER_HOST_WATCH',
};

/** Flags win over the environment; an empty environment variable counts as unset. */
export function runInput(
  flags: RunInput,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | boolean | undefined> {
  const input: Record<string, string | boolean | undefined> = { ...flags };
  for (const [flag, variable] of Object.entries(RUN_ENVIRONMENT)) {
    if (flag === 'watch') continue; // a boolean: 1 or true, below
    const fromEnv = env[variable];
    if (input[flag] === undefined && fromEnv !== undefined && fromEnv !== '') input[flag] = fromEnv;
  }
  if (input.watch === undefined && (env.ADAPTER_HOST_WATCH === '1' || env.ADAPTER_HOST_WATCH === 'true')) {
    input.watch = true;
  }
  return input;
}

/**
 * The options of `adapter-host run` in its usage text, wrapped to 80 columns, each with the
 * environment variable that can give it.
 */
export const RUN_OPTIONS_USAGE = `${RUN_OPTIONS.map((option) => {
  const variable = RUN_ENVIRONMENT[option.flag];
  const env = variable === undefined ? '' : ` [${variable}${option.flag === 'watch' ? '=1' : ''}]`;
  return helpEntry(`  ${option.usage}`, `${option.description}${env}`, 29);
}).join('\n')}\n`;
