import type { CompiledBoundPoint, CompiledDevice, CompiledMapping } from '@lwm2m-adapters/mapping';
import {
  type AdapterDefinition,
  type SimulationRequest,
  type SimulatorHandle,
  simulateDevices,
} from '@lwm2m-adapters/sdk';
import type { CommandOutput } from './cli/command-output.js';

/** Simulators serving a mapping's devices. */
export interface MappingSimulators {
  /** Where they listen (`host:port` or a path), one per listener. */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

/** A device as its adapter's simulator gets it: its bound points, each with the raw values a mapping enum allows. */
function simulationRequest(device: CompiledDevice): SimulationRequest {
  return {
    deviceId: device.id,
    connection: device.connection,
    points: device.points
      .filter((p): p is CompiledBoundPoint => p.kind === 'bound')
      .map((p) => ({
        id: p.id,
        source: p.source,
        access: p.access,
        // enum points get only the raw values the mapping knows, so the host can convert every one
        ...(p.conversion.enum === undefined ? {} : { values: p.conversion.enum.map((entry) => entry.raw) }),
      })),
  };
}

/** The mapping's devices by the adapter name they use, in file order. */
function devicesByAdapter(mapping: CompiledMapping): Map<string, CompiledDevice[]> {
  const groups = new Map<string, CompiledDevice[]>();
  for (const device of mapping.devices) {
    const group = groups.get(device.adapter.name) ?? [];
    group.push(device);
    groups.set(device.adapter.name, group);
  }
  return groups;
}

/**
 * Asks the adapter of each group of the mapping's devices to simulate them where the mapping
 * connects, and prints what listens where. A device left out (its adapter has no simulator, or
 * cannot serve that connection) is named on stderr with the reason. Undefined when no simulator
 * runs.
 */
export async function startMappingSimulators(
  mapping: CompiledMapping,
  adapters: ReadonlyMap<string, AdapterDefinition>,
  out: CommandOutput,
): Promise<MappingSimulators | undefined> {
  const simulators: SimulatorHandle[] = [];
  const addresses: string[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(simulators.map((s) => s.close()));
  };
  try {
    for (const [name, devices] of devicesByAdapter(mapping)) {
      const adapter = adapters.get(name);
      if (adapter === undefined)
        throw new Error(`adapter ${JSON.stringify(name)} of a compiled mapping is not loaded`);
      const simulation = await simulateDevices(adapter, devices.map(simulationRequest));
      simulators.push(...simulation.simulators);
      for (const u of simulation.unsimulated) out.stderr(`${u.deviceId}: ${u.reason}`);
      for (const s of simulation.simulators) {
        for (const l of s.listeners) {
          addresses.push(l.address);
          out.stdout(
            `simulating ${s.deviceIds.join(', ')}${s.detail === undefined ? '' : ` (${s.detail})`} on ${l.protocol} ${l.address}`,
          );
        }
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return simulators.length === 0 ? undefined : { addresses, close };
}
