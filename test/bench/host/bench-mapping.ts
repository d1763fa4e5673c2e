// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${n} references
/**
 * Generated mappings for the adapter-host benchmarks and the matching simulator configuration.
 * One template of 100 points (25 instances of /3303 with value, min and max as float32 holding
 * registers, and /3304 value as an int16 input register with scale 0.01), instantiated for
 * `devices` devices, each a Modbus unit (1..devices) of one simulator on 127.0.0.1. The registers
 * are packed (holding 0..149, input 0..24), so a device reads all its points with 3 requests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SimulatedPointSpec,
  type SimulatorConfig,
  simulatorConfigFromPoints,
} from '@lwm2m-adapters/modbus/simulator';

export const POINTS_PER_DEVICE = 100;
const INSTANCES = POINTS_PER_DEVICE / 4;

export interface BenchMappingOptions {
  /** Devices of 100 points each (0: one device with a constant only). At most 247 (Modbus unit ids). */
  readonly devices: number;
  /** Simulator TCP port. */
  readonly port: number;
  /** Mapping `poll` of every point (e.g. '1s'); absent: points are read only when observed or asked. */
  readonly poll?: string;
}

/** The simulator holding registers / input registers one device reads. */
function unitPoints(): SimulatedPointSpec[] {
  const points: SimulatedPointSpec[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    for (const offset of [0, 2, 4]) {
      points.push({ table: 'holdingRegisters', address: i * 6 + offset, type: 'float32' });
    }
    points.push({ table: 'inputRegisters', address: i, type: 'int16' });
  }
  return points;
}

/** Simulator configuration: units 1..devices, values changing every `tickMs` (floats sine, ints count). */
export function benchSimulatorConfig(devices: number, tickMs = 100): SimulatorConfig {
  return simulatorConfigFromPoints(
    Array.from({ length: Math.max(1, devices) }, (_, u) => ({ unitId: u + 1, points: unitPoints() })),
    { tickMs },
  );
}

export function benchMappingYaml(options: BenchMappingOptions): string {
  const lines = ['version: 1'];
  if (options.poll !== undefined) lines.push(`defaults: { poll: ${options.poll} }`);
  if (options.devices === 0) {
    // a mapping needs a device: one whose only point is a constant (nothing is read from Modbus)
    lines.push(
      'devices:',
      '  - id: unit-1',
      '    prefix: dev1',
      '    adapter: modbus',
      `    connection: { transport: tcp, host: 127.0.0.1, port: ${options.port}, unitId: 1 }`,
      '    points:',
      '      /3303/0/5700: 0.0',
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    'templates:',
    '  unit:',
    '    adapter: modbus',
    `    connection: { transport: tcp, host: 127.0.0.1, port: ${options.port}, unitId: 1 }`,
    '    points:',
  );
  for (let i = 0; i < INSTANCES; i++) {
    lines.push(
      `      /3303/${i}/5700: { source: { table: holding, address: ${i * 6}, type: float32 }, units: Cel }`,
      `      /3303/${i}/5601: { source: { table: holding, address: ${i * 6 + 2}, type: float32 } }`,
      `      /3303/${i}/5602: { source: { table: holding, address: ${i * 6 + 4}, type: float32 } }`,
      `      /3304/${i}/5700: { source: { table: input, address: ${i}, type: int16 }, scale: 0.01 }`,
    );
  }
  lines.push(
    'devices:',
    '  - id: unit-${n}',
    '    template: unit',
    '    prefix: dev${n}',
    `    instances: { n: 1..${options.devices} }`,
    '    connection: { unitId: "${n}" }',
  );
  return `${lines.join('\n')}\n`;
}

/** Writes mapping files into a temporary directory; `remove()` deletes it. */
export async function mappingDir(): Promise<{
  write(name: string, options: BenchMappingOptions): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'host-bench-'));
  return {
    async write(name, options) {
      const file = join(dir, name);
      await writeFile(file, benchMappingYaml(options));
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
