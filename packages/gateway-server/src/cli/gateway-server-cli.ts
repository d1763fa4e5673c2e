import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { GatewayServer } from '../gateway-server.js';
import { PskStore, readPskFile } from '../security/psk-store.js';
import { GATEWAY_SERVER_VERSION } from '../version.js';
import { createServerLogger } from './server-logger.js';
import {
  SERVER_OPTIONS_USAGE,
  type ServerSettings,
  serverInput,
  serverSettingsSchema,
} from './server-settings.js';

/** Exit codes, as adapter-host's: 0 done, 2 usage or configuration, 70 internal error. */
export const ServerExitCode = { OK: 0, USAGE: 2, INTERNAL: 70 } as const;

export interface ServerCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTty: boolean;
  /** Resolves when the server should stop (SIGINT/SIGTERM). */
  readonly until: Promise<unknown>;
  /** Subscribes to reload requests (SIGHUP); returns an unsubscribe function. */
  readonly onReloadRequest?: (listener: () => void) => () => void;
  /** Called once the server runs (tests and embedding). */
  readonly onReady?: (server: GatewayServer) => void;
}

const USAGE = `Usage: gateway-server [options]

An LwM2M server that understands LwM2M Gateways: clients register over CoAP (and DTLS-PSK with a
PSK store); gateways' end devices are read from /25 and addressed by prefix or Device ID. The HTTP
API (see the package README and openapi.json), /healthz and /metrics are served on --http.

Options (each also from the environment variable on its right; flags win):
${SERVER_OPTIONS_USAGE}  --help                   this text
  --version                the version
`;

const FLAGS = {
  bind: { type: 'string' },
  'coap-port': { type: 'string' },
  'coaps-port': { type: 'string' },
  'psk-store': { type: 'string' },
  nosec: { type: 'string' },
  http: { type: 'string' },
  'api-token': { type: 'string' },
  'events-file': { type: 'string' },
  quiet: { type: 'boolean' },
  console: { type: 'string' },
  grace: { type: 'string' },
  'request-timeout': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  kafka: { type: 'string' },
  'kafka-topic-prefix': { type: 'string' },
  'server-id': { type: 'string' },
  'kafka-partitions': { type: 'string' },
  'kafka-acks': { type: 'string' },
  'kafka-compression': { type: 'string' },
  'kafka-batch': { type: 'string' },
  'spool-dir': { type: 'string' },
  'spool-max-mb': { type: 'string' },
  'spool-policy': { type: 'string' },
  'spool-fsync': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** `gateway-server [options]`: runs until `io.until` resolves; resolves with the exit code. */
export async function runGatewayServerCli(argv: readonly string[], io: ServerCliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`gateway-server: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return ServerExitCode.USAGE;
  }
  if (parsed.values.help === true) {
    io.stdout(USAGE);
    return ServerExitCode.OK;
  }
  if (parsed.values.version === true) {
    io.stdout(`${GATEWAY_SERVER_VERSION}\n`);
    return ServerExitCode.OK;
  }
  if (parsed.positionals.length > 0) {
    io.stderr(`gateway-server: unexpected argument ${JSON.stringify(parsed.positionals[0])}\n${USAGE}`);
    return ServerExitCode.USAGE;
  }
  const { help: _help, version: _version, ...flags } = parsed.values;
  const result = serverSettingsSchema.safeParse(serverInput(flags, io.env));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `gateway-server: ${issue.message}`);
    io.stderr(`${lines.join('\n')}\n`);
    return ServerExitCode.USAGE;
  }
  return serve(result.data, io);
}

async function serve(settings: ServerSettings, io: ServerCliIo): Promise<number> {
  const logger = createServerLogger(settings.logLevel, settings.logFormat, io.stdout, io.isTty);
  let server: GatewayServer;
  try {
    const psk =
      settings.pskStore === undefined
        ? settings.noSec === 'deny'
          ? new PskStore([], 'deny')
          : undefined
        : await PskStore.load(settings.pskStore, settings.noSec);
    server = await GatewayServer.start({
      coap: settings.coap,
      coaps: settings.coaps,
      http: settings.http,
      psk,
      apiToken: settings.apiToken,
      console: settings.console,
      eventsFile: settings.eventsFile,
      onEventLine: settings.quiet
        ? undefined
        : (line, event) =>
            logger.info(
              { event: event.type, ...('endpoint' in event ? { endpoint: event.endpoint } : {}) },
              line,
            ),
      graceMs: settings.graceSeconds * 1000,
      requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
      kafka: settings.kafka,
      logger,
    });
  } catch (error) {
    io.stderr(`gateway-server: ${isCodedError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
    return isCodedError(error) && error.code === 'CONFIG_INVALID'
      ? ServerExitCode.USAGE
      : ServerExitCode.INTERNAL;
  }
  const unsubscribe = io.onReloadRequest?.(() => {
    if (settings.pskStore === undefined) return;
    const file = settings.pskStore;
    readPskFile(file).then(
      (entries) => {
        server.reloadPsk(entries);
        logger.info({ file, entries: entries.length }, 'PSK store reloaded');
      },
      (error: unknown) =>
        logger.error(
          { file, err: isCodedError(error) ? error.message : String(error) },
          'PSK store not reloaded; the previous entries stay',
        ),
    );
  });
  io.onReady?.(server);
  await io.until;
  unsubscribe?.();
  logger.info({}, 'stopping');
  await server.close();
  return ServerExitCode.OK;
}
