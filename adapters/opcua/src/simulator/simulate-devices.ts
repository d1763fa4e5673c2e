/**
 * The adapter's simulator capability (`AdapterDefinition.simulate`): the mapping's OPC UA devices,
 * grouped by endpoint, each group served by one OpcuaSimulator on the endpoint's port. Every
 * variable point becomes a variable where the mapping looks for it (NodeId or browse path; a
 * `nsu=` namespace is registered with that URI), with a visibly changing signal, or the mapping's
 * enumeration values in turn. Every method point becomes an object with a method that takes no
 * input arguments and returns none (documented choice: a mapping does not declare argument types,
 * so an Execute with arguments against the simulator gets the adapter's wrong-argument-count error).
 */
import type {
  AdapterSimulation,
  SimulationDevice,
  SimulatorHandle,
  UnsimulatedDevice,
} from '@lwm2m-adapters/sdk';
import { simulatorHandle } from '@lwm2m-adapters/sdk';
import type { SignalSpecInput } from '@lwm2m-adapters/sdk/simulation';
import { effectiveSecurityMode, type OpcuaConnection } from '../config/connection-schema.js';
import { parseNodeIdText } from '../config/node-id-text.js';
import { isMethodPoint, type OpcuaDataType, type OpcuaPoint } from '../config/point-schema.js';
import type { OpcuaSimulatorConfigInput } from './config/simulator-config-schema.js';
import { OpcuaSimulator } from './opcua-simulator.js';

export type MappedOpcuaDevice = SimulationDevice<OpcuaConnection, OpcuaPoint>;

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

interface Group {
  readonly host: string;
  readonly port: number;
  readonly devices: MappedOpcuaDevice[];
}

/** Why a device cannot be simulated, or undefined when it can. */
function unsupportedReason(device: MappedOpcuaDevice, host: string): string | undefined {
  if (!LOCAL_HOSTS.has(host))
    return `endpoint ${device.connection.endpoint} is not on this machine (127.0.0.1 or localhost): the simulator listens only there`;
  if (device.connection.securityPolicy !== 'None' && !device.connection.trustUnknownServerCertificate)
    return `securityPolicy ${device.connection.securityPolicy} (${effectiveSecurityMode(device.connection)}) would need the simulator's self-made certificate in ${device.connection.pkiFolder}/trusted; set trustUnknownServerCertificate: true to simulate it`;
  return undefined;
}

/** Nodes of namespace 0 belong to the standard address space: served by it or not at all. */
function isStandardNode(text: string): boolean {
  if (text.startsWith('/')) return /(^|\/)0:/.test(text);
  const parsed = parseNodeIdText(text);
  return !('error' in parsed) && parsed.namespaceUri === undefined && parsed.namespaceIndex === 0;
}

/** A plausible, visibly changing signal; `index` staggers phases and periods between points. */
function signalFor(type: OpcuaDataType, index: number): SignalSpecInput | undefined {
  switch (type) {
    case 'Float':
    case 'Double':
      return {
        kind: 'sine',
        offset: 20,
        amplitude: 5,
        periodMs: 20_000 + 1000 * (index % 7),
        phaseDeg: 37 * index,
      };
    case 'Boolean':
      return { kind: 'toggle', periodMs: 10_000 + 1000 * (index % 5) };
    case 'String':
      return { kind: 'sequence', values: ['SIM-A', 'SIM-B', 'SIM-C'], periodMs: 5000 };
    case 'DateTime':
    case 'ByteString':
      return undefined;
    default:
      return { kind: 'counter', start: index % 10, increment: 1, min: 0, max: 100 };
  }
}

function initialFor(type: OpcuaDataType): string | number | undefined {
  if (type === 'DateTime') return new Date().toISOString();
  if (type === 'ByteString') return Buffer.from('simulated').toString('base64');
  return undefined;
}

/** The simulator configuration of one group, or the devices it must leave out (conflicting nodes). */
function groupConfig(group: Group): { config: OpcuaSimulatorConfigInput; conflicts: UnsimulatedDevice[] } {
  const variables = new Map<string, NonNullable<OpcuaSimulatorConfigInput['variables']>[number]>();
  const methods = new Map<string, NonNullable<OpcuaSimulatorConfigInput['methods']>[number]>();
  const conflicts: UnsimulatedDevice[] = [];
  const accepted: MappedOpcuaDevice[] = [];
  for (const device of group.devices) {
    const mine = new Map(variables);
    let conflict: string | undefined;
    for (const point of device.points) {
      const source = point.source;
      if (isMethodPoint(source)) {
        if (!isStandardNode(source.method))
          methods.set(source.method, {
            object: source.object,
            method: source.method,
            behaviour: { kind: 'none' },
          });
        continue;
      }
      if (isStandardNode(source.node)) continue;
      const existing = mine.get(source.node);
      if (existing !== undefined) {
        if (existing.type !== source.type || (existing.array ?? false) !== source.array)
          conflict = `${source.node} is ${existing.type}${existing.array ? '[]' : ''} for another device at ${device.connection.endpoint} and ${source.type}${source.array ? '[]' : ''} here`;
        continue;
      }
      const index = mine.size;
      const values = point.values;
      const signal: SignalSpecInput | undefined =
        values !== undefined && values.length > 0
          ? { kind: 'sequence', values: [...values], periodMs: 5000 }
          : signalFor(source.type, index);
      const initial = values?.[0] ?? initialFor(source.type);
      const scalarInitial = initial === undefined ? undefined : source.array ? [initial] : initial;
      mine.set(source.node, {
        node: source.node,
        type: source.type,
        array: source.array,
        writable: point.access.write,
        ...(scalarInitial === undefined ? {} : { value: scalarInitial }),
        ...(signal === undefined ? {} : { signal }),
      });
    }
    if (conflict !== undefined) {
      conflicts.push({ deviceId: device.deviceId, reason: conflict });
      continue;
    }
    for (const [key, value] of mine) variables.set(key, value);
    accepted.push(device);
  }
  group.devices.splice(0, group.devices.length, ...accepted);
  const users = group.devices.flatMap((d) =>
    d.connection.user.type === 'username'
      ? [{ username: d.connection.user.username, password: d.connection.user.password }]
      : [],
  );
  return {
    config: {
      host: '127.0.0.1',
      port: group.port,
      variables: [...variables.values()],
      methods: [...methods.values()],
      security: { allowAnonymous: true, users, trustAllClients: true },
    },
    conflicts,
  };
}

function endpointParts(endpoint: string): { host: string; port: number } {
  const match = /^opc\.tcp:\/\/([^/:]+)(?::(\d+))?/.exec(endpoint);
  return { host: (match?.[1] ?? '').toLowerCase(), port: match?.[2] === undefined ? 4840 : Number(match[2]) };
}

export async function simulateOpcuaDevices(
  devices: readonly MappedOpcuaDevice[],
): Promise<AdapterSimulation> {
  const groups = new Map<string, Group>();
  const unsimulated: UnsimulatedDevice[] = [];
  for (const device of devices) {
    const { host, port } = endpointParts(device.connection.endpoint);
    const reason = unsupportedReason(device, host);
    if (reason !== undefined) {
      unsimulated.push({ deviceId: device.deviceId, reason });
      continue;
    }
    const key = String(port);
    const group = groups.get(key) ?? { host, port, devices: [] };
    group.devices.push(device);
    groups.set(key, group);
  }
  const simulators: SimulatorHandle[] = [];
  try {
    for (const group of groups.values()) {
      const { config, conflicts } = groupConfig(group);
      unsimulated.push(...conflicts);
      if (group.devices.length === 0) continue;
      const simulator = new OpcuaSimulator(config);
      await simulator.start();
      simulators.push(
        simulatorHandle({
          deviceIds: group.devices.map((d) => d.deviceId),
          listeners: [{ protocol: 'opc.tcp', address: `127.0.0.1:${simulator.port}` }],
          detail: `${config.variables?.length ?? 0} variables, ${config.methods?.length ?? 0} methods`,
          close: () => simulator.close(),
        }),
      );
    }
  } catch (error) {
    await Promise.allSettled(simulators.map((s) => s.close()));
    throw error;
  }
  return { simulators, unsimulated };
}
