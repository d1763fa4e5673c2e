/**
 * Cross-field checks of a validated configuration, and its translation into what the runtime
 * needs: table layouts, initial words, typed points and their signals.
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { pointWidth, type TypedPoint } from '../memory/point-access.js';
import { isBitTable, type TableName, tableNames } from '../memory/table-name.js';
import type { UnitLayout } from '../memory/unit-memory.js';
import { coerceValue, configuredValue } from '../values/coerce-value.js';
import {
  type DataType,
  encodeValue,
  isNumericType,
  type TypedValue,
  wordOrderProblem,
} from '../values/typed-value.js';
import { type ConfigIssue, type ConfigPath, formatConfigPath } from './config-issue.js';
import type {
  PointConfig,
  RangeConfig,
  SignalSpec,
  SimulatorConfig,
  SimulatorFault,
  UnitConfig,
} from './config-schema.js';

export interface CompiledPoint extends TypedPoint {
  readonly type: DataType;
  readonly value?: TypedValue;
  readonly signal?: SignalSpec;
}

/** Initial contents of one range: `fill` everywhere, then `values` from the start. */
export interface InitialBlock {
  readonly table: TableName;
  readonly start: number;
  readonly count: number;
  readonly fill: number;
  readonly values: readonly number[];
}

export interface CompiledUnit {
  readonly unitId: number;
  readonly fault: SimulatorFault | undefined;
  readonly layout: UnitLayout;
  readonly initialBlocks: readonly InitialBlock[];
  readonly points: readonly CompiledPoint[];
}

export interface CompileResult {
  readonly units: readonly CompiledUnit[];
  readonly issues: readonly ConfigIssue[];
}

const signalsForType: Readonly<Record<'bool' | 'string' | 'numeric', readonly SignalSpec['kind'][]>> = {
  bool: ['constant', 'toggle', 'sequence'],
  string: ['constant', 'sequence'],
  numeric: ['constant', 'sine', 'ramp', 'random-walk', 'counter', 'toggle', 'sequence'],
};

export function compileSimulatorConfig(config: SimulatorConfig): CompileResult {
  const issues: ConfigIssue[] = [];
  const seenUnits = new Map<number, number>();
  const units = config.units.map((unit, unitIndex) => {
    const unitPath: ConfigPath = ['units', unitIndex];
    const previous = seenUnits.get(unit.unitId);
    if (previous !== undefined) {
      issues.push({
        path: [...unitPath, 'unitId'],
        message: `unit ${unit.unitId} is already defined at units[${previous}]`,
      });
    }
    seenUnits.set(unit.unitId, unitIndex);
    return compileUnit(unit, unitPath, issues);
  });
  return { units, issues };
}

function compileUnit(unit: UnitConfig, unitPath: ConfigPath, issues: ConfigIssue[]): CompiledUnit {
  const initialBlocks: InitialBlock[] = [];
  const points: CompiledPoint[] = [];
  const layout = {} as Record<TableName, { start: number; count: number; readOnly: boolean }[]>;
  for (const table of tableNames) {
    const ranges = unit[table];
    layout[table] = [];
    checkRangeOverlaps(ranges, [...unitPath, table], issues);
    ranges.forEach((range, rangeIndex) => {
      const rangePath: ConfigPath = [...unitPath, table, rangeIndex];
      if (range.start + range.count > 0x10000) {
        issues.push({
          path: [...rangePath, 'count'],
          message: `range ${range.start}..${range.start + range.count - 1} goes past address 65535`,
        });
        return;
      }
      layout[table].push({ start: range.start, count: range.count, readOnly: range.readOnly });
      initialBlocks.push(compileInitialBlock(table, range, rangePath, issues));
    });
    const occupancy = new Map<number, Claim>();
    ranges.forEach((range, rangeIndex) => {
      range.points.forEach((point, pointIndex) => {
        const pointPath: ConfigPath = [...unitPath, table, rangeIndex, 'points', pointIndex];
        const compiled = compilePoint(table, range, point, pointPath, issues);
        if (compiled !== undefined && claimAddresses(compiled, pointPath, occupancy, issues))
          points.push(compiled);
      });
    });
  }
  return { unitId: unit.unitId, fault: unit.fault, layout, initialBlocks, points };
}

function checkRangeOverlaps(
  ranges: readonly RangeConfig[],
  tablePath: ConfigPath,
  issues: ConfigIssue[],
): void {
  const order = ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => a.range.start - b.range.start);
  for (let i = 1; i < order.length; i++) {
    const before = order[i - 1]!;
    const current = order[i]!;
    if (current.range.start < before.range.start + before.range.count) {
      issues.push({
        path: [...tablePath, current.index, 'start'],
        message: `range starting at ${current.range.start} overlaps ${formatConfigPath([...tablePath, before.index])} (${before.range.start}..${before.range.start + before.range.count - 1})`,
      });
    }
  }
}

function compileInitialBlock(
  table: TableName,
  range: RangeConfig,
  rangePath: ConfigPath,
  issues: ConfigIssue[],
): InitialBlock {
  const bits = isBitTable(table);
  const toWord = (value: number | boolean, path: ConfigPath): number => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (bits && value !== 0 && value !== 1) {
      issues.push({ path, message: `a ${table} value is true/false or 0/1, not ${value}` });
      return 0;
    }
    return value & 0xffff;
  };
  if (range.values.length > range.count) {
    issues.push({
      path: [...rangePath, 'values'],
      message: `${range.values.length} values for a range of ${range.count} addresses`,
    });
  }
  return {
    table,
    start: range.start,
    count: range.count,
    fill: toWord(range.fill, [...rangePath, 'fill']),
    values: range.values.slice(0, range.count).map((value, i) => toWord(value, [...rangePath, 'values', i])),
  };
}

function compilePoint(
  table: TableName,
  range: RangeConfig,
  point: PointConfig,
  path: ConfigPath,
  issues: ConfigIssue[],
): CompiledPoint | undefined {
  const issueCount = issues.length;
  const problem = (key: string, message: string) => issues.push({ path: [...path, key], message });
  const bits = isBitTable(table);
  const type: DataType = point.type ?? (bits ? 'bool' : 'uint16');
  if (bits) {
    if (type !== 'bool') problem('type', `${table} hold single bits: type must be bool, not ${type}`);
    if (point.bit !== undefined) problem('bit', `bit selects a bit of a register; ${table} are bits already`);
    if (point.wordOrder !== undefined) problem('wordOrder', `${table} have no word order`);
  } else if (type === 'bool' && point.bit === undefined) {
    problem('type', 'a bool in a register needs `bit` (0..15)');
  } else if (type !== 'bool' && point.bit !== undefined) {
    problem('bit', `bit applies to bool points only, not ${type}`);
  }
  if (type === 'string' && point.length === undefined) problem('type', 'a string needs `length` (registers)');
  if (type !== 'string' && point.length !== undefined)
    problem('length', `length applies to strings only, not ${type}`);
  if (point.wordOrder !== undefined) {
    const orderProblem = wordOrderProblem(type, point.wordOrder);
    if (orderProblem !== undefined) problem('wordOrder', orderProblem);
  }
  if (point.value !== undefined && point.signal !== undefined) {
    problem('signal', 'give either `value` or `signal`: a signal sets the value from the start');
  }
  if (point.signal !== undefined) {
    const family = type === 'bool' || type === 'string' ? type : 'numeric';
    if (!signalsForType[family].includes(point.signal.kind)) {
      issues.push({
        path: [...path, 'signal', 'kind'],
        message: `a ${point.signal.kind} signal cannot drive a ${type}; use ${signalsForType[family].join(', ')}`,
      });
    }
  }
  if (issues.length > issueCount) return undefined;

  const layout: CompiledPoint = {
    table,
    address: point.address,
    type,
    wordOrder: point.wordOrder,
    length: point.length,
    bit: point.bit,
  };
  const width = pointWidth(layout);
  const end = range.start + range.count;
  if (point.address < range.start || point.address + width > end) {
    problem(
      'address',
      `the point occupies ${point.address}..${point.address + width - 1}, outside its range ${range.start}..${end - 1}`,
    );
    return undefined;
  }
  for (const [valuePath, signalValue] of fixedSignalValues(point.signal)) {
    const signalProblem = checkValue(layout, coerceValue(type, signalValue));
    if (signalProblem !== undefined)
      issues.push({ path: [...path, 'signal', ...valuePath], message: signalProblem });
  }
  if (issues.length > issueCount) return undefined;
  let value: TypedValue | undefined;
  if (point.value !== undefined) {
    value = configuredValue(type, point.value);
    const valueProblem = checkValue(layout, value);
    if (valueProblem !== undefined) {
      problem('value', valueProblem);
      return undefined;
    }
  }
  return {
    ...layout,
    ...(value === undefined ? {} : { value }),
    ...(point.signal === undefined ? {} : { signal: point.signal }),
  };
}

/** The values a constant or sequence signal will store, with their path inside the signal. */
function fixedSignalValues(signal: SignalSpec | undefined): [ConfigPath, TypedValue][] {
  if (signal?.kind === 'constant') return [[['value'], signal.value]];
  if (signal?.kind === 'sequence') return signal.values.map((value, i) => [['values', i], value]);
  return [];
}

function checkValue(layout: CompiledPoint, value: TypedValue): string | undefined {
  if (layout.type === 'bool') {
    return typeof value === 'boolean' ? undefined : `a bool value is true/false or 0/1, not ${String(value)}`;
  }
  if (isNumericType(layout.type) && typeof value === 'string') {
    return `a ${layout.type} value is a number, not "${value}"`;
  }
  try {
    encodeValue(layout, value);
    return undefined;
  } catch (error) {
    if (isCodedError(error)) return error.message;
    throw error;
  }
}

/** Which point uses an address, and which of its bits (a whole register or coil is 0xffff). */
interface Claim {
  readonly path: ConfigPath;
  readonly mask: number;
}

/** Records the addresses a point uses; false (with an issue) when another point already uses one. */
function claimAddresses(
  point: CompiledPoint,
  path: ConfigPath,
  occupancy: Map<number, Claim>,
  issues: ConfigIssue[],
): boolean {
  const width = pointWidth(point);
  const mask = !isBitTable(point.table) && point.type === 'bool' ? 1 << (point.bit ?? 0) : 0xffff;
  for (let address = point.address; address < point.address + width; address++) {
    const owner = occupancy.get(address);
    if (owner !== undefined && (owner.mask & mask) !== 0) {
      issues.push({
        path: [...path, 'address'],
        message: `address ${address} is already used by ${formatConfigPath(owner.path)}`,
      });
      return false;
    }
  }
  for (let address = point.address; address < point.address + width; address++) {
    const owner = occupancy.get(address);
    occupancy.set(address, { path: owner?.path ?? path, mask: (owner?.mask ?? 0) | mask });
  }
  return true;
}
