import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { formatMappingIssue, formatMappingIssues } from '@lwm2m-adapters/mapping';
import type { Logger } from 'pino';
import { createAdapterResolver } from '../adapter-resolver.js';
import type { CommandOutput } from '../cli/command-output.js';
import { createHostLogger } from '../cli/host-logger.js';
import type { RunSettings } from '../cli/run-settings.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { OperationsServer } from '../ops/operations-server.js';
import { startStatusReporter } from '../ops/status-reporter.js';
import { AdapterHost } from '../runtime/adapter-host.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface RunOptions {
  /** Resolves when the host should shut down (SIGINT/SIGTERM in the CLI). */
  readonly until: Promise<void>;
  /** Subscribes to reload requests (SIGHUP in the CLI); returns an unsubscribe function. */
  readonly onReloadRequest?: (listener: () => void) => () => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTty: boolean;
  readonly hostVersion: string;
  /** Called once the host runs: for tests and embedding. */
  readonly onReady?: (ready: { readonly host: AdapterHost; readonly httpUrl: string | undefined }) => void;
}

/** How long shutdown may take before the host gives up waiting (de-registration is bounded too). */
const SHUTDOWN_LIMIT_MS = 15_000;

/** Reads a PSK from a file of hex digits (whitespace ignored). */
async function readPskKey(file: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CodedError('CONFIG_INVALID', `cannot read the PSK key file ${file}`, { cause });
  }
  const hex = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    throw new CodedError('CONFIG_INVALID', `${file} must hold the PSK as hex digits (e.g. 000102...0f)`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * `adapter-host --mapping plc.yml`: runs the mapping until told to stop. A mapping with problems
 * exits 3 before anything starts; on reload it is logged and the running mapping stays.
 */
export async function runCommand(
  settings: RunSettings,
  out: CommandOutput,
  options: RunOptions,
): Promise<ExitCodeValue> {
  const logger = createHostLogger(settings.logLevel, settings.logFormat, out, options.isTty);
  const file = resolve(settings.mapping);
  // one resolver for the host's life: reloaded devices share adapter instances (and Modbus links)
  const resolver = createAdapterResolver(dirname(file));
  const { result, adapters } = await compileMappingFile(file, options.env, resolver);
  if (!result.ok) return reportMappingFailure(settings.mapping, result, out);
  let psk: { identity: string; key: Uint8Array } | undefined;
  if (settings.pskIdentity !== undefined && settings.pskKeyFile !== undefined) {
    psk = { identity: settings.pskIdentity, key: await readPskKey(settings.pskKeyFile) };
  }
  logger.info(
    {
      mapping: file,
      devices: result.mapping.devices.length,
      mode: settings.mode,
      server: settings.server,
    },
    'starting',
  );
  // the sockets first: a port in use fails here, exit 2, before any device or server is contacted
  // (the host's CoAP sockets are all bound before it registers or connects a device, too)
  const operations =
    settings.http === undefined ? undefined : await OperationsServer.listen({ ...settings.http });
  let host: AdapterHost;
  try {
    host = await AdapterHost.start({
      mapping: result.mapping,
      adapters,
      server: {
        uri: settings.server,
        ...(psk === undefined ? {} : { psk }),
        lifetime: settings.lifetimeSeconds,
        ...(settings.bindAddress === undefined ? {} : { bindAddress: settings.bindAddress }),
        announcedContentFormats: settings.registerContentFormats,
      },
      mode: settings.mode,
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      logger,
      runner: { cacheMaxAgeMs: settings.cacheMaxAgeMs, observedPollMs: settings.observedPollMs },
      ...(settings.sendIntervalMs === undefined ? {} : { send: { intervalMs: settings.sendIntervalMs } }),
      hostVersion: options.hostVersion,
    });
  } catch (error) {
    await operations?.close();
    throw error;
  }
  const cleanups: (() => void)[] = [];
  try {
    if (operations !== undefined) {
      operations.serve({ status: () => host.status(), metrics: host.metrics });
      logger.info(
        { url: operations.url },
        `health at ${operations.url}/healthz, metrics at ${operations.url}/metrics`,
      );
    }
    const reload = reloader(file, host, logger, options.env, resolver);
    if (options.onReloadRequest !== undefined) cleanups.push(options.onReloadRequest(reload));
    if (settings.watch) cleanups.push(watchMapping(file, reload, logger));
    cleanups.push(startStatusReporter(() => host.status(), logger, settings.statusIntervalMs));
    options.onReady?.({ host, httpUrl: operations?.url });
    await options.until;
    logger.info({}, 'shutting down: stop polling, de-register, close');
  } finally {
    for (const cleanup of cleanups) cleanup();
    const closed = Promise.all([host.close(), operations?.close()]);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolveLimit) => {
      timer = setTimeout(() => resolveLimit('timeout'), SHUTDOWN_LIMIT_MS);
    });
    const outcome = await Promise.race([closed.then(() => 'closed' as const), limit]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting anyway');
    logger.flush?.();
  }
  return ExitCode.OK;
}

function reloader(
  file: string,
  host: AdapterHost,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>>,
  resolver: ReturnType<typeof createAdapterResolver>,
): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        logger.info({ mapping: file }, 'reloading the mapping');
        const { result, adapters } = await compileMappingFile(file, env, resolver);
        if (!result.ok) {
          const first = result.issues[0];
          host.setReloadError(
            `CONFIG_INVALID: ${result.issues.length} problem(s)` +
              (first === undefined ? '' : `; first: ${formatMappingIssue(first)}`),
          );
          logger.error(
            { problems: result.issues.length, details: formatMappingIssues(result.issues) },
            'the changed mapping has problems; still running the previous one',
          );
          continue;
        }
        if (result.mapping.source.sha256 === host.mapping.source.sha256) {
          host.setReloadError(undefined);
          logger.info({}, 'mapping unchanged');
          continue;
        }
        await host.reload(result.mapping, adapters);
      } while (again);
    } catch (error) {
      // host.reload records its own failures; this also covers a mapping file that cannot be read
      host.setReloadError(isCodedError(error) ? `${error.code}: ${error.message}` : String(error));
      logger.error({ err: error, code: isCodedError(error) ? error.code : undefined }, 'reload failed');
    } finally {
      running = false;
    }
  };
  return () => void run();
}

/** Reloads when the mapping file changes (debounced: editors write in several steps). */
function watchMapping(file: string, reload: () => void, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const start = () => {
    // watch the directory: editors replace the file (rename), which ends a watch on the file itself
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== null && resolve(dirname(file), name.toString()) !== file) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    });
    watcher.on('error', (error) => logger.warn({ err: error }, 'watching the mapping failed'));
  };
  start();
  logger.info({ mapping: file }, 'watching the mapping for changes');
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
