import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GatewayServer } from '@lwm2m-adapters/gateway-server';
import { mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import { pino } from 'pino';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { startMappingSimulators } from '../mapping-simulators.js';
import { AdapterHost } from '../runtime/adapter-host.js';
import { nodeText } from '../technician/value-text.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface DemoOptions {
  readonly until: Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly hostVersion: string;
  /** Stop by itself after this long. */
  readonly durationMs?: number;
  /** Port of the gateway server's HTTP API; default any free port. */
  readonly httpPort?: number;
  /** Brokers (`host:port`): the gateway server also writes to Kafka, as server id "demo". */
  readonly kafka?: readonly string[];
}

const DEMO_SERVER_ID = 'demo';

const DEMO_ENDPOINT = 'adapter-host-demo';

/**
 * `adapter-host demo plc.yml`: the whole path on one machine, nothing to install. The adapters'
 * simulators serve the mapping's devices, the host runs the mapping in gateway mode with Send
 * batches, and the gateway server (in-process, on loopback) prints what happens: the registration,
 * the end devices it found in /25, reads of each device, and the values that arrive. Its HTTP API
 * stays up while the demo runs.
 */
export async function demoCommand(
  file: string,
  out: CommandOutput,
  options: DemoOptions,
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(resolve(file), options.env);
  if (!result.ok) return reportMappingFailure(file, result, out);
  const mapping = result.mapping;
  const simulators = await startMappingSimulators(mapping, adapters, out);
  let gateway: GatewayServer;
  try {
    gateway = await GatewayServer.start({
      coap: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: options.httpPort ?? 0 },
      model: mappingObjectRegistry(mapping),
      onEventLine: (line) => out.stdout(`server: ${line}`),
      requestTimeoutMs: 10_000,
      ...(options.kafka === undefined
        ? {}
        : {
            kafka: {
              brokers: options.kafka,
              serverId: DEMO_SERVER_ID,
              spoolDir: join(tmpdir(), 'adapter-host-demo-kafka-spool'),
            },
          }),
    });
  } catch (error) {
    await simulators?.close();
    throw error;
  }
  let host: AdapterHost | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const coap = gateway.address('coap');
    const uri = `coap://127.0.0.1:${coap?.port}`;
    out.stdout(`server: gateway server on ${uri}, HTTP API on ${gateway.httpUrl}/api`);
    out.stdout(`  try: curl ${gateway.httpUrl}/api/devices   or   curl -N ${gateway.httpUrl}/api/events`);
    out.stdout(`  or open the web console: ${gateway.httpUrl}/`);
    const kafka = gateway.kafka;
    if (kafka !== undefined && options.kafka !== undefined) {
      const broker = options.kafka[0];
      out.stdout(`server: writing to Kafka at ${options.kafka.join(',')}; consume with:`);
      out.stdout(`  kcat -b ${broker} -C -t ${kafka.topics.observations} -f '%k %s\n'`);
      out.stdout(`  kcat -b ${broker} -C -t ${kafka.topics.registrations}`);
      out.stdout(
        `  echo '{"serverId":"${DEMO_SERVER_ID}","ep":"${DEMO_ENDPOINT}","ticket":"t1","kind":"read","path":"/<prefix>/3303/0/5700"}' | kcat -b ${broker} -P -t ${kafka.topics.managementRequests}`,
      );
      out.stdout(`  kcat -b ${broker} -C -t ${kafka.topics.managementReplies}`);
    }
    const synced = new Promise<void>((resolveSynced) => {
      const stop = gateway.children.on('childrenChanged', ({ gateway: registration }) => {
        if (registration.endpoint !== DEMO_ENDPOINT) return;
        stop();
        resolveSynced();
      });
    });
    host = await AdapterHost.start({
      mapping,
      adapters,
      server: { uri, lifetime: 60 },
      mode: 'gateway',
      endpoint: DEMO_ENDPOINT,
      logger: pino({ level: 'warn' }, { write: (line: string) => out.stderr(line) }),
      send: { intervalMs: 2000 },
      hostVersion: options.hostVersion,
    });
    await synced;
    for (const device of mapping.devices) {
      const first = device.points.find((p) => p.access.read && p.kind === 'bound');
      if (first === undefined) continue;
      const child = gateway.children.child(DEMO_ENDPOINT, device.prefix);
      if (child === undefined) continue;
      const target = gateway.children.resolve({ deviceId: child.deviceId }, first.id);
      const { code, node } = await gateway.server.read(target.registration, target.path);
      out.stdout(
        `server: read ${target.path} (${child.deviceId}) → ${node === undefined ? code : nodeText(node)}`,
      );
    }
    out.stdout('values now arrive as Send batches every 2 s; Ctrl-C stops (the host de-registers first)');
    const stopAfter =
      options.durationMs === undefined
        ? new Promise<void>(() => {})
        : new Promise<void>((r) => {
            timer = setTimeout(r, options.durationMs);
          });
    await Promise.race([options.until, stopAfter]);
    return ExitCode.OK;
  } finally {
    clearTimeout(timer);
    await host?.close();
    await gateway.close();
    await simulators?.close();
  }
}
