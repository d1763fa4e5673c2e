/**
 * A simulator configuration derived from the points a mapping reads, so that every mapped point
 * exists and reads back something that changes: floats follow sine waves, integers count up,
 * booleans toggle, strings cycle. Gaps between points shorter than one maximal request are
 * filled, so any block read a batching planner could make over mapped points stays in range.
 */
import { ModbusLimits } from '../../protocol/function-codes.js';
import { pointWidth, type TypedPoint } from '../memory/point-access.js';
import { isBitTable, type TableName, tableNames } from '../memory/table-name.js';
import type { DataType } from '../values/typed-value.js';
import type {
  PointConfigInput,
  SignalSpecInput,
  SimulatorConfig,
  SimulatorConfigInput,
} from './config-schema.js';
import { parseSimulatorConfig } from './load-config.js';

/** A point to simulate (a bool in a register uses bit 0 unless `bit` says otherwise). */
export interface SimulatedPointSpec extends TypedPoint {
  /** The only raw values the point may hold (an enum in the mapping): served in turn. */
  readonly values?: readonly (number | string | boolean)[] | undefined;
}

export interface SimulatedUnitSpec {
  readonly unitId: number;
  readonly points: readonly SimulatedPointSpec[];
}

export interface FromPointsOptions {
  readonly seed?: number;
  readonly tickMs?: number;
  /** Largest hole between points that is filled; default one maximal read (125 registers, 2000 bits). */
  readonly maxGap?: Partial<Readonly<Record<'bits' | 'registers', number>>>;
}

interface Span {
  start: number;
  end: number;
  points: PointConfigInput[];
}

export function simulatorConfigFromPoints(
  units: readonly SimulatedUnitSpec[],
  options: FromPointsOptions = {},
): SimulatorConfig {
  let pointIndex = 0;
  const config: SimulatorConfigInput = {
    seed: options.seed ?? 1,
    tickMs: options.tickMs ?? 100,
    units: units.map((unit) => {
      const tables: Partial<
        Record<TableName, { start: number; count: number; points: PointConfigInput[] }[]>
      > = {};
      for (const table of tableNames) {
        const points = unit.points.filter((point) => point.table === table);
        if (points.length === 0) continue;
        const maxGap = isBitTable(table)
          ? (options.maxGap?.bits ?? ModbusLimits.MAX_READ_BITS)
          : (options.maxGap?.registers ?? ModbusLimits.MAX_READ_REGISTERS);
        tables[table] = spansOf(table, points, maxGap, () => pointIndex++).map((span) => ({
          start: span.start,
          count: span.end - span.start,
          points: span.points,
        }));
      }
      return { unitId: unit.unitId, ...tables };
    }),
  };
  return parseSimulatorConfig(config, 'simulatorConfigFromPoints');
}

function spansOf(
  table: TableName,
  points: readonly SimulatedPointSpec[],
  maxGap: number,
  nextIndex: () => number,
): Span[] {
  const sorted = [...points].sort((a, b) => a.address - b.address);
  const spans: Span[] = [];
  /** Bits of each address already driven by a point (0xffff = the whole register or coil). */
  const used = new Map<number, number>();
  for (const spec of sorted) {
    const point = pointConfigOf(table, spec);
    const width = pointWidth({ ...point, table, type: point.type ?? 'uint16' });
    const end = Math.min(0x10000, spec.address + width);
    const last = spans.at(-1);
    if (last !== undefined && spec.address - last.end <= maxGap) last.end = Math.max(last.end, end);
    else spans.push({ start: spec.address, end, points: [] });
    const mask = !isBitTable(table) && point.type === 'bool' ? 1 << (point.bit ?? 0) : 0xffff;
    let free = spec.address + width <= 0x10000;
    for (let address = spec.address; address < end; address++)
      free &&= ((used.get(address) ?? 0) & mask) === 0;
    if (!free) continue;
    for (let address = spec.address; address < end; address++)
      used.set(address, (used.get(address) ?? 0) | mask);
    spans.at(-1)!.points.push({
      ...point,
      signal:
        spec.values !== undefined && spec.values.length > 0
          ? { kind: 'sequence', values: [...spec.values], periodMs: 5000 }
          : signalFor(point.type ?? 'uint16', point.length, nextIndex()),
    });
  }
  return spans;
}

function pointConfigOf(table: TableName, spec: SimulatedPointSpec): PointConfigInput {
  if (isBitTable(table)) return { address: spec.address, type: 'bool' };
  const point: PointConfigInput = { address: spec.address, type: spec.type };
  return {
    ...point,
    ...(spec.wordOrder === undefined || spec.type === 'bool' ? {} : { wordOrder: spec.wordOrder }),
    ...(spec.type === 'string' ? { length: spec.length ?? 1 } : {}),
    ...(spec.type === 'bool' ? { bit: spec.bit ?? 0 } : {}),
  };
}

/** A plausible, visibly changing signal; `index` staggers phases and periods between points. */
function signalFor(type: DataType, length: number | undefined, index: number): SignalSpecInput {
  switch (type) {
    case 'bool':
      return { kind: 'toggle', periodMs: 2000 + (index % 4) * 500 };
    case 'string': {
      const room = 2 * (length ?? 1);
      const values = ['SIM-A', 'SIM-B', 'SIM-C'].map((text) =>
        room >= text.length ? text : text.slice(-room),
      );
      return { kind: 'sequence', values, periodMs: 5000 };
    }
    case 'float32':
    case 'float64':
      return {
        kind: 'sine',
        amplitude: 10,
        offset: 20 + (index % 5) * 10,
        periodMs: 30_000 + (index % 7) * 5000,
        phaseDeg: (index * 37) % 360,
      };
    default:
      return { kind: 'counter', start: index % 100, increment: 1 };
  }
}
