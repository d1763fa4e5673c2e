import { resolve } from 'node:path';
import type { LwM2mNode, ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import { pino } from 'pino';
import type { CommandOutput } from '../cli/command-output.js';
import { DemoLwm2mServer, type DemoRegistration } from '../demo/demo-lwm2m-server.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { startMappingSimulators } from '../mapping-simulators.js';
import { AdapterHost } from '../runtime/adapter-host.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface DemoOptions {
  readonly until: Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly hostVersion: string;
  /** Stop by itself after this long. */
  readonly durationMs?: number;
}

function valueText(value: ResourceValue): string {
  switch (value.type) {
    case 'float':
      return String(Math.round(value.value * 1000) / 1000);
    case 'time':
      return value.value.toISOString();
    case 'opaque':
      return `${value.value.length} bytes`;
    case 'objlnk':
      return `${value.value.objectId}:${value.value.instanceId}`;
    case 'none':
      return '';
    default:
      return String(value.value);
  }
}

function nodeText(node: LwM2mNode): string {
  switch (node.kind) {
    case 'resource':
    case 'resource-instance':
      return valueText(node.value);
    case 'multiple-resource':
      return `[${node.instances.map((i) => valueText(i.value)).join(', ')}]`;
    case 'instance':
      return node.resources.map((r) => `${r.id}=${nodeText(r)}`).join(' ');
    case 'object':
      return node.instances.map((i) => `${i.id}{${nodeText(i)}}`).join(' ');
  }
}

/**
 * `adapter-host demo plc.yml`: the whole path on one machine, nothing to install. The adapters'
 * simulators serve the mapping's devices, the host runs the mapping in gateway mode with Send batches, and a
 * small built-in LwM2M server prints the registration, reads /25 and shows the values that arrive.
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
  let firstRegistration: (registration: DemoRegistration) => void = () => {};
  const registered = new Promise<DemoRegistration>((resolveRegistration) => {
    firstRegistration = resolveRegistration;
  });
  let server: DemoLwm2mServer;
  try {
    server = await DemoLwm2mServer.start(mappingObjectRegistry(mapping), {
      registered: (r) => {
        out.stdout(`server: ${r.endpoint} registered with ${r.links.length} links:`);
        out.stdout(`  ${r.links.map((l) => `<${l.uri}>`).join(',')}`);
        firstRegistration(r);
      },
      updated: (r) => out.stdout(`server: ${r.endpoint} updated its registration`),
      deregistered: (r) => out.stdout(`server: ${r.endpoint} de-registered`),
      sent: (r, values) => {
        const shown = values.slice(0, 6).map((v) => `${v.path}=${nodeText(v.node)}`);
        const more = values.length > shown.length ? ` (+${values.length - shown.length} more)` : '';
        out.stdout(`server: Send from ${r.endpoint}: ${shown.join('  ')}${more}`);
      },
    });
  } catch (error) {
    await simulators?.close();
    throw error;
  }
  let host: AdapterHost | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    out.stdout(`server: LwM2M demo server on ${server.uri}`);
    host = await AdapterHost.start({
      mapping,
      adapters,
      server: { uri: server.uri, lifetime: 60 },
      mode: 'gateway',
      endpoint: 'adapter-host-demo',
      logger: pino({ level: 'warn' }, { write: (line: string) => out.stderr(line) }),
      send: { intervalMs: 2000 },
      hostVersion: options.hostVersion,
    });
    const registration = await registered;
    const gateway = await server.read(registration, '/25');
    out.stdout(
      `server: read /25 (end devices) → ${typeof gateway === 'string' ? gateway : nodeText(gateway)}`,
    );
    for (const device of mapping.devices) {
      const first = device.points.find((p) => p.access.read && p.kind === 'bound');
      if (first === undefined) continue;
      const path = `/${device.prefix}${first.id}`;
      const value = await server.read(registration, path);
      out.stdout(`server: read ${path} → ${typeof value === 'string' ? value : nodeText(value)}`);
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
    await server.close();
    await simulators?.close();
  }
}
