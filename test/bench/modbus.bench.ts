// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
/**
 * Modbus adapter benchmarks (issue 4):
 *  - requests per poll cycle ÷ theoretical minimum, on a contiguous and on a realistic sparse map;
 *  - CPU µs per polled point at 10,000 points (adapter process only; the simulator runs in a child process);
 *  - mapping compile time for 10,000 points.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileMapping, devicePointSpecs } from '@lwm2m-adapters/mapping';
import {
  createModbusAdapter,
  type ModbusPoint,
  minimumReadRequests,
  planReads,
} from '@lwm2m-adapters/modbus';
import { simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import { type PointSpec, silentLogger } from '@lwm2m-adapters/sdk';
import { startPeer } from '../peers/peer-process.js';

const repo = resolve(import.meta.dirname, '../..');

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const registersOf: Record<string, number> = {
  uint16: 1,
  int16: 1,
  float32: 2,
  int32: 2,
  uint32: 2,
  float64: 4,
};

/** 10,000 points of mixed types packed back to back in the holding registers of 4 units. */
function contiguousMap(): ModbusPoint[][] {
  const types = ['float32', 'uint16', 'int32', 'int16'] as const;
  return Array.from({ length: 4 }, () => {
    let address = 0;
    return Array.from({ length: 2500 }, (_, i) => {
      const type = types[i % types.length]!;
      const point = { table: 'holding', address, type } as ModbusPoint;
      address += registersOf[type]!;
      return point;
    });
  });
}

/**
 * A plant-like sparse map: per unit, blocks of related values (8-40 points) scattered over the
 * register space, small holes (0-3 registers) inside a block, coils and discrete inputs beside.
 */
function sparseMap(seed: number): ModbusPoint[][] {
  const rand = seeded(seed);
  const types = ['float32', 'uint16', 'int16', 'uint32', 'float64'] as const;
  return Array.from({ length: 4 }, () => {
    const points: ModbusPoint[] = [];
    let address = 0;
    let bit = 0;
    while (points.length < 2500) {
      address += 20 + Math.floor(rand() * 400);
      const size = 8 + Math.floor(rand() * 33);
      for (let i = 0; i < size && points.length < 2500; i++) {
        if (rand() < 0.15) {
          points.push({ table: rand() < 0.5 ? 'coil' : 'discrete', address: bit } as ModbusPoint);
          bit += 1 + Math.floor(rand() * 3);
          continue;
        }
        const type = types[Math.floor(rand() * types.length)]!;
        points.push({ table: rand() < 0.3 ? 'input' : 'holding', address, type } as ModbusPoint);
        address += registersOf[type]! + (rand() < 0.25 ? Math.floor(rand() * 4) : 0);
      }
    }
    return points.filter((p) => p.address <= 65_000);
  });
}

function ratio(units: ModbusPoint[][], maxGap: number) {
  const limits = { maxGap, maxBitGap: maxGap * 16, maxRegistersPerRequest: 125, maxBitsPerRequest: 2000 };
  const items = units.flatMap((points, u) =>
    points.map((p, i) => ({
      key: `${u}:${i}`,
      unit: u + 1,
      table: p.table,
      address: p.address,
      count: p.table === 'coil' || p.table === 'discrete' ? 1 : registersOf[p.type ?? 'uint16']!,
    })),
  );
  const planned = planReads(items, limits).length;
  const minimum = minimumReadRequests(items, limits);
  return { points: items.length, planned, minimum, ratio: planned / minimum, perPoint: items.length };
}

async function cpuPerPolledPoint(units: ModbusPoint[][]) {
  const dir = await mkdtemp(join(tmpdir(), 'modbus-bench-'));
  const configFile = join(dir, 'sim.yml');
  const simConfig = simulatorConfigFromPoints(
    units.map((points, u) => ({
      unitId: u + 1,
      points: points.map((p) => ({
        table: (
          {
            coil: 'coils',
            discrete: 'discreteInputs',
            holding: 'holdingRegisters',
            input: 'inputRegisters',
          } as const
        )[p.table],
        address: p.address,
        type: p.table === 'coil' || p.table === 'discrete' ? 'bool' : (p.type as 'uint16'),
      })),
    })),
  );
  await writeFile(configFile, JSON.stringify({ ...simConfig, listeners: [] }));
  const sim = startPeer(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx/esm',
      join(repo, 'adapters/modbus/src/simulator/cli.ts'),
      '--config',
      configFile,
      '--tcp-port',
      '0',
    ],
    { cwd: repo },
  );
  try {
    const match = await sim.waitFor(/listening tcp 127\.0\.0\.1:(\d+)/, 30_000);
    const port = Number(match[1]);
    const adapter = createModbusAdapter();
    const sessions = units.map((points, u) => {
      const specs: PointSpec<ModbusPoint>[] = points.map((p, i) => ({
        id: `p${i}`,
        source: adapter.pointSchema.parse(p),
        access: { read: true, write: false, execute: false },
      }));
      const session = adapter.createSession({
        deviceId: `unit-${u + 1}`,
        connection: adapter.connectionSchema.parse({
          transport: 'tcp',
          host: '127.0.0.1',
          port,
          unitId: u + 1,
          maxGap: 10,
          maxBitGap: 160,
          maxQueue: 10_000,
        }),
        points: specs,
        logger: silentLogger,
      });
      return { session, ids: specs.map((s) => s.id) };
    });
    for (const s of sessions) await s.session.start();
    const cycle = async () => {
      const results = await Promise.all(sessions.map((s) => s.session.read(s.ids)));
      for (const r of results)
        for (const reading of r) if (!reading.ok) throw new Error(reading.error.message);
    };
    for (let i = 0; i < 20; i++) await cycle();
    const cycles = 100;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < cycles; i++) await cycle();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const points = units.reduce((n, u) => n + u.length, 0);
    const requests = sessions.reduce((n, s) => n + (s.session.stats().requests ?? 0), 0);
    for (const s of sessions) await s.session.close();
    return {
      points,
      cycles,
      cpuMicrosPerPoint: (cpu.user + cpu.system) / (cycles * points),
      wallMsPerCycle: wall / cycles,
      requestsPerCycle: requests / (cycles + 20),
    };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function mappingCompileTime() {
  const lines = [
    'version: 1',
    'templates:',
    '  unit:',
    '    adapter: modbus',
    '    connection: { transport: tcp, host: 127.0.0.1, port: 5020, unitId: 1 }',
    '    points:',
  ];
  // 100 points per device: 25 instances x (temperature value, min, max, + one humidity value)
  for (let i = 0; i < 25; i++) {
    lines.push(
      `      /3303/${i}/5700: { source: { table: holding, address: ${i * 8}, type: float32 }, scale: 0.1 }`,
    );
    lines.push(`      /3303/${i}/5601: { source: { table: holding, address: ${i * 8 + 2}, type: float32 } }`);
    lines.push(`      /3303/${i}/5602: { source: { table: holding, address: ${i * 8 + 4}, type: float32 } }`);
    lines.push(
      `      /3304/${i}/5700: { source: { table: input, address: ${i * 2}, type: int16 }, scale: 0.01 }`,
    );
  }
  lines.push(
    'devices:',
    '  - id: unit-${n}',
    '    template: unit',
    '    instances: { n: 1..100 }',
    '    connection: { unitId: "${n}" }',
  );
  const text = lines.join('\n');
  const adapter = createModbusAdapter();
  const runs: number[] = [];
  let points = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const result = await compileMapping(
      { text, fileName: 'bench.yml' },
      { resolveAdapter: () => adapter, env: {} },
    );
    runs.push(performance.now() - t0);
    if (!result.ok) throw new Error(result.issues.map((x) => x.message).join('\n'));
    points = result.mapping.devices.reduce((n, d) => n + devicePointSpecs(d).length, 0);
  }
  runs.sort((a, b) => a - b);
  return { points, firstMs: runs.at(-1)!, medianMs: runs[2]! };
}

export async function runModbusBench(): Promise<void> {
  console.log('\n## Modbus: requests per poll cycle vs theoretical minimum\n');
  console.log('| map | points | maxGap | requests | minimum | ratio | per-point requests |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, units, gap] of [
    ['contiguous, 4 units', contiguousMap(), 0],
    ['sparse plant-like, 4 units (seed 7)', sparseMap(7), 0],
    ['sparse plant-like, 4 units (seed 7)', sparseMap(7), 10],
    ['sparse plant-like, 4 units (seed 11)', sparseMap(11), 10],
  ] as const) {
    const r = ratio(units as ModbusPoint[][], gap);
    console.log(
      `| ${name} | ${r.points} | ${gap} | ${r.planned} | ${r.minimum} | ${r.ratio.toFixed(2)} | ${r.perPoint} |`,
    );
  }

  console.log('\n## Modbus: CPU per polled point (adapter process; simulator in a child process)\n');
  console.log('| map | points | cycles | requests/cycle | wall ms/cycle | CPU µs/point |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, units] of [
    ['contiguous', contiguousMap()],
    ['sparse plant-like (seed 7)', sparseMap(7)],
  ] as const) {
    const r = await cpuPerPolledPoint(units as ModbusPoint[][]);
    console.log(
      `| ${name} | ${r.points} | ${r.cycles} | ${r.requestsPerCycle.toFixed(0)} | ${r.wallMsPerCycle.toFixed(1)} | ${r.cpuMicrosPerPoint.toFixed(2)} |`,
    );
  }

  const c = await mappingCompileTime();
  console.log('\n## Mapping compile time\n');
  console.log('| mapping | points | first run ms | median of 5 ms |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| 100 devices from one template x 100 points | ${c.points} | ${c.firstMs.toFixed(0)} | ${c.medianMs.toFixed(0)} |`,
  );
}
