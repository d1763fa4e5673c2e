import { type CompiledMapping, devicePointSpecs, formatMappingIssues } from '@lwm2m-adapters/mapping';
import {
  type MappedModbusDevice,
  modbusConnectionSchema,
  modbusPointSchema,
  planMappingSimulation,
} from '@lwm2m-adapters/modbus';
import {
  createModbusSimulator,
  type ModbusSimulator,
  simulatorConfigFromPoints,
} from '@lwm2m-adapters/modbus/simulator';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';

export interface SimulateOptions {
  /** Resolves when the simulators should stop (SIGINT/SIGTERM in the CLI, a test's signal). */
  readonly until: Promise<void>;
  /** Called once every simulator listens, with `host:port` per endpoint. */
  readonly onListening?: (addresses: readonly string[]) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `adapter-host simulate plc.yml`: serves every Modbus device of the mapping from a simulator on
 * the host and port the mapping connects to, with a changing value behind every mapped point.
 */
export async function simulateCommand(
  file: string,
  out: CommandOutput,
  options: SimulateOptions,
): Promise<ExitCodeValue> {
  const { result } = await compileMappingFile(file, options.env);
  if (!result.ok) {
    out.stderr(`${file}: ${result.issues.length} problem(s):\n${formatMappingIssues(result.issues)}`);
    return ExitCode.MAPPING_INVALID;
  }
  const running = await startMappingSimulators(result.mapping, out);
  if (running === undefined) {
    out.stderr(`${file}: no Modbus devices to simulate`);
    return ExitCode.FAILURE;
  }
  try {
    options.onListening?.(running.addresses);
    await options.until;
    return ExitCode.OK;
  } finally {
    await running.close();
  }
}

/** Simulators serving a mapping's Modbus devices. */
export interface MappingSimulators {
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts a simulator per Modbus endpoint of the mapping (TCP and RTU-over-TCP), listening where the
 * mapping connects, with a changing value behind every mapped point. Undefined when the mapping
 * has no Modbus device. Serial devices are named on stderr, not simulated.
 */
export async function startMappingSimulators(
  mapping: CompiledMapping,
  out: CommandOutput,
): Promise<MappingSimulators | undefined> {
  const devices: MappedModbusDevice[] = mapping.devices
    .filter((d) => d.adapter.name === 'modbus' || d.adapter.name === '@lwm2m-adapters/modbus')
    .map((d) => ({
      deviceId: d.id,
      connection: modbusConnectionSchema.parse(d.connection),
      points: devicePointSpecs(d).map((p) => modbusPointSchema.parse(p.source)),
      // enum points get only the raw values the mapping knows, so the host can convert every one
      pointValues: d.points
        .filter((p) => p.kind === 'bound')
        .map((p) => p.conversion.enum?.map((entry) => entry.raw)),
    }));
  const skipped = mapping.devices.length - devices.length;
  if (devices.length === 0) return undefined;
  const plan = planMappingSimulation(devices);
  for (const s of plan.serialDevices) {
    out.stderr(
      `${s.deviceId}: on serial line ${s.path}; run modbus-simulator --rtu-path <other end of the line> for it`,
    );
  }
  const simulators: ModbusSimulator[] = [];
  const addresses: string[] = [];
  const close = async () => {
    await Promise.all(simulators.map((s) => s.close()));
  };
  try {
    for (const endpoint of plan.endpoints) {
      const simulator = createModbusSimulator(simulatorConfigFromPoints(endpoint.units), {
        listeners: [endpoint.listener],
      });
      simulators.push(simulator);
      const started = await simulator.start();
      for (const l of started.listeners) {
        const address = l.transport === 'tcp' ? `${l.host}:${l.port}` : l.path;
        addresses.push(address);
        out.stdout(
          `simulating ${endpoint.deviceIds.join(', ')} (units ${endpoint.units.map((u) => u.unitId).join(', ')}) on ${endpoint.key.split('://')[0]} ${address}`,
        );
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  if (skipped > 0) out.stdout(`${skipped} non-Modbus device(s) not simulated`);
  return { addresses, close };
}
