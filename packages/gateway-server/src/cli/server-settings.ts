import { hostname } from 'node:os';
import { z } from 'zod';
import type { ListenAddress } from '../gateway-server.js';
import type { KafkaBridgeOptions } from '../kafka/kafka-bridge.js';

/** Settings of `gateway-server`, from flags first, then GATEWAY_SERVER_* environment variables. */
export interface ServerSettings {
  /** NoSec CoAP; undefined when turned off (`--coap-port off`). */
  readonly coap: ListenAddress | undefined;
  /** DTLS-PSK CoAP; undefined unless a PSK store is given (or turned off). */
  readonly coaps: ListenAddress | undefined;
  readonly pskStore: string | undefined;
  readonly noSec: 'allow' | 'deny';
  readonly http: ListenAddress | undefined;
  /** Bearer token required for write, execute, create, delete and observe over HTTP. */
  readonly apiToken: string | undefined;
  readonly eventsFile: string | undefined;
  readonly quiet: boolean;
  /** Serve the web console at `/` of the HTTP listener. */
  readonly console: boolean;
  readonly graceSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** The Kafka bridge (`--kafka host:port`); undefined: none. */
  readonly kafka: Omit<KafkaBridgeOptions, 'logger' | 'clock' | 'requestTimeoutMs'> | undefined;
}

/** The default server id: the host name, cut to what a topic name takes. */
export const defaultServerId = (): string =>
  hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 64) || 'gateway';

export type ServerInput = Readonly<Record<string, string | boolean | undefined>>;

const portOrOff = (flag: string, fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((text, ctx) => {
      if (text === 'off') return undefined;
      const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
      if (!(port >= 0 && port <= 65_535)) {
        ctx.addIssue({
          code: 'custom',
          message: `${flag} ${JSON.stringify(text)}: expected a port 0-65535 or off`,
        });
        return z.NEVER;
      }
      return port;
    });

const httpAddress = z.string().transform((text, ctx) => {
  if (text === 'off') return undefined;
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65_535) {
    ctx.addIssue({
      code: 'custom',
      message: `--http ${JSON.stringify(text)}: expected [host:]port (e.g. 8080 or 0.0.0.0:8080) or off`,
    });
    return z.NEVER;
  }
  return { host: match[1] === undefined ? '127.0.0.1' : match[1].replace(/^\[|\]$/g, ''), port };
});

const seconds = (flag: string, min: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${flag}: expected whole seconds` })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(min, { error: `${flag}: at least ${min} s` })
        .max(86_400, { error: `${flag}: at most 86400 s` }),
    )
    .default(fallback);

export const serverSettingsSchema = z
  .object({
    bind: z.string().min(1).default('127.0.0.1'),
    'coap-port': portOrOff('--coap-port', 5683),
    'coaps-port': portOrOff('--coaps-port', 5684),
    'psk-store': z.string().min(1).optional(),
    nosec: z
      .enum(['allow', 'deny'], { error: (i) => `--nosec ${JSON.stringify(i.input)}: expected allow or deny` })
      .default('allow'),
    http: httpAddress.default({ host: '127.0.0.1', port: 8080 }),
    'api-token': z.string().min(16, { error: '--api-token: at least 16 characters' }).optional(),
    'events-file': z.string().min(1).optional(),
    quiet: z.boolean().default(false),
    console: z
      .enum(['on', 'off'], { error: (i) => `--console ${JSON.stringify(i.input)}: expected on or off` })
      .default('on'),
    grace: seconds('--grace', 0, 15),
    'request-timeout': seconds('--request-timeout', 1, 30),
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
    kafka: z
      .string()
      .regex(/^[^,:\s]+:\d{1,5}(,[^,:\s]+:\d{1,5})*$/, {
        error: '--kafka: expected host:port[,host:port...]',
      })
      .optional(),
    'kafka-topic-prefix': z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: '--kafka-topic-prefix: 1-100 of A-Z a-z 0-9 . _ -' })
      .default('iot'),
    'server-id': z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: '--server-id: 1-100 of A-Z a-z 0-9 _ -' })
      .optional(),
    'kafka-partitions': z
      .string()
      .regex(/^\d+$/, { error: '--kafka-partitions: a whole number' })
      .transform(Number)
      .pipe(z.int().min(1).max(10_000))
      .default(3),
    'kafka-acks': z.enum(['all', '1', '0'], { error: '--kafka-acks: expected all, 1 or 0' }).default('all'),
    'kafka-compression': z
      .enum(['none', 'gzip'], { error: '--kafka-compression: expected none or gzip' })
      .default('none'),
    'kafka-batch': z
      .string()
      .regex(/^\d+$/, { error: '--kafka-batch: a whole number of records' })
      .transform(Number)
      .pipe(z.int().min(1).max(100_000))
      .default(2_000),
    'spool-dir': z.string().min(1).optional(),
    'spool-max-mb': z
      .string()
      .regex(/^\d+$/, { error: '--spool-max-mb: whole MiB' })
      .transform(Number)
      .pipe(z.int().min(1).max(1_048_576))
      .default(256),
    'spool-policy': z
      .enum(['drop-oldest', 'block'], { error: '--spool-policy: expected drop-oldest or block' })
      .default('drop-oldest'),
    'spool-fsync': z
      .enum(['always', 'interval', 'never'], { error: '--spool-fsync: expected always, interval or never' })
      .default('interval'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v['coap-port'] === undefined && (v['psk-store'] === undefined || v['coaps-port'] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'no listener: give --psk-store for CoAPS, or leave --coap-port on',
      });
    }
    if (v.nosec === 'deny' && v['psk-store'] === undefined) {
      ctx.addIssue({ code: 'custom', message: '--nosec deny needs --psk-store: nobody could register' });
    }
  })
  .transform(
    (v): ServerSettings => ({
      coap: v['coap-port'] === undefined ? undefined : { host: v.bind, port: v['coap-port'] },
      coaps:
        v['psk-store'] === undefined || v['coaps-port'] === undefined
          ? undefined
          : { host: v.bind, port: v['coaps-port'] },
      pskStore: v['psk-store'],
      noSec: v.nosec,
      http: v.http,
      apiToken: v['api-token'],
      eventsFile: v['events-file'],
      quiet: v.quiet,
      console: v.console === 'on',
      graceSeconds: v.grace,
      requestTimeoutSeconds: v['request-timeout'],
      logLevel: v['log-level'],
      logFormat: v['log-format'],
      kafka:
        v.kafka === undefined
          ? undefined
          : (() => {
              const serverId = v['server-id'] ?? defaultServerId();
              return {
                brokers: v.kafka.split(','),
                serverId,
                topicPrefix: v['kafka-topic-prefix'],
                partitions: v['kafka-partitions'],
                acks: v['kafka-acks'] === 'all' ? -1 : v['kafka-acks'] === '1' ? 1 : 0,
                compression: v['kafka-compression'],
                batchRecords: v['kafka-batch'],
                spoolDir: v['spool-dir'] ?? `gateway-spool-${serverId}`,
                spoolMaxBytes: v['spool-max-mb'] * 1024 * 1024,
                spoolPolicy: v['spool-policy'],
                spoolFsync: v['spool-fsync'],
              };
            })(),
    }),
  );

/** Flag name → environment variable that can give it. */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = {
  bind: 'GATEWAY_SERVER_BIND',
  'coap-port': 'GATEWAY_SERVER_COAP_PORT',
  'coaps-port': 'GATEWAY_SERVER_COAPS_PORT',
  'psk-store': 'GATEWAY_SERVER_PSK_STORE',
  nosec: 'GATEWAY_SERVER_NOSEC',
  http: 'GATEWAY_SERVER_HTTP',
  'api-token': 'GATEWAY_SERVER_API_TOKEN',
  'events-file': 'GATEWAY_SERVER_EVENTS_FILE',
  console: 'GATEWAY_SERVER_CONSOLE',
  grace: 'GATEWAY_SERVER_GRACE',
  'request-timeout': 'GATEWAY_SERVER_REQUEST_TIMEOUT',
  'log-level': 'GATEWAY_SERVER_LOG_LEVEL',
  'log-format': 'GATEWAY_SERVER_LOG_FORMAT',
  kafka: 'GATEWAY_SERVER_KAFKA',
  'kafka-topic-prefix': 'GATEWAY_SERVER_KAFKA_TOPIC_PREFIX',
  'server-id': 'GATEWAY_SERVER_ID',
  'kafka-partitions': 'GATEWAY_SERVER_KAFKA_PARTITIONS',
  'kafka-acks': 'GATEWAY_SERVER_KAFKA_ACKS',
  'kafka-compression': 'GATEWAY_SERVER_KAFKA_COMPRESSION',
  'kafka-batch': 'GATEWAY_SERVER_KAFKA_BATCH',
  'spool-dir': 'GATEWAY_SERVER_SPOOL_DIR',
  'spool-max-mb': 'GATEWAY_SERVER_SPOOL_MAX_MB',
  'spool-policy': 'GATEWAY_SERVER_SPOOL_POLICY',
  'spool-fsync': 'GATEWAY_SERVER_SPOOL_FSYNC',
};

/** The options in the usage text, each with its environment variable. */
export const SERVER_OPTIONS_USAGE = `  --bind ADDRESS           local address of the CoAP and CoAPS sockets        GATEWAY_SERVER_BIND
                           (default 127.0.0.1; 0.0.0.0 or :: to take clients from the network)
  --coap-port PORT|off     NoSec CoAP port (default 5683; 0 = any free port)  GATEWAY_SERVER_COAP_PORT
  --coaps-port PORT|off    DTLS-PSK CoAP port, with --psk-store (default 5684) GATEWAY_SERVER_COAPS_PORT
  --psk-store FILE         PSK store: {"clients":[{"endpoint","identity","key"}]} GATEWAY_SERVER_PSK_STORE
                           (SIGHUP reloads it)
  --nosec allow|deny       may clients without a PSK entry register over NoSec GATEWAY_SERVER_NOSEC
                           (default allow)
  --http [HOST:]PORT|off   HTTP API, /healthz and /metrics (default 127.0.0.1:8080) GATEWAY_SERVER_HTTP
  --api-token TOKEN        bearer token required for write, execute, create,   GATEWAY_SERVER_API_TOKEN
                           delete and observe over HTTP
  --events-file FILE       append every event as a JSON line                  GATEWAY_SERVER_EVENTS_FILE
  --console on|off         the web console at / of the HTTP listener (default on) GATEWAY_SERVER_CONSOLE
  --quiet                  no event lines on the terminal (logs only)
  --grace SECONDS          waited past a lifetime before expiry (default 15)  GATEWAY_SERVER_GRACE
  --request-timeout SECONDS deadline of requests to clients (default 30)      GATEWAY_SERVER_REQUEST_TIMEOUT
  --log-level LEVEL        trace, debug, info (default), warn, error, silent  GATEWAY_SERVER_LOG_LEVEL
  --log-format FORMAT      auto (pretty on a terminal, JSON lines otherwise), pretty, json
  --kafka HOST:PORT[,...]  bridge to Kafka: registrations, observations out;    GATEWAY_SERVER_KAFKA
                           management requests in, replies out (see the README)
  --server-id ID           this server's id in the topic names (default: host) GATEWAY_SERVER_ID
  --kafka-topic-prefix P   topics P.<id>.registrations... (default iot)       GATEWAY_SERVER_KAFKA_TOPIC_PREFIX
  --kafka-partitions N     partitions of topics created when missing (3)      GATEWAY_SERVER_KAFKA_PARTITIONS
  --kafka-acks all|1|0     produce acknowledgement (default all)              GATEWAY_SERVER_KAFKA_ACKS
  --kafka-compression C    none (default) or gzip                             GATEWAY_SERVER_KAFKA_COMPRESSION
  --kafka-batch N          records per produce request (default 2000)         GATEWAY_SERVER_KAFKA_BATCH
  --spool-dir DIR          on-disk spool (default ./gateway-spool-<id>)       GATEWAY_SERVER_SPOOL_DIR
  --spool-max-mb MIB       spool bound (default 256)                          GATEWAY_SERVER_SPOOL_MAX_MB
  --spool-policy P         at the bound: drop-oldest (default; counted, logged) GATEWAY_SERVER_SPOOL_POLICY
                           or block (new records refused; counted, logged)
  --spool-fsync F          interval (default, every 1 s), always, never       GATEWAY_SERVER_SPOOL_FSYNC
`;

/** Flags win over the environment; an empty environment variable counts as unset. */
export function serverInput(
  flags: ServerInput,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | boolean | undefined> {
  const input: Record<string, string | boolean | undefined> = {};
  for (const [flag, value] of Object.entries(flags)) if (value !== undefined) input[flag] = value;
  for (const [flag, variable] of Object.entries(SERVER_ENVIRONMENT)) {
    const fromEnv = env[variable];
    if (input[flag] === undefined && fromEnv !== undefined && fromEnv !== '') input[flag] = fromEnv;
  }
  if (
    input.quiet === undefined &&
    (env.GATEWAY_SERVER_QUIET === '1' || env.GATEWAY_SERVER_QUIET === 'true')
  ) {
    input.quiet = true;
  }
  return input;
}
