import type { AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import type { ModbusConnection } from '../config/connection-schema.js';
import type { ModbusPoint } from '../config/point-schema.js';
import { planReads, type ReadItem } from './read-planner.js';

/** Modicon (1-based, table-prefixed) numbering by table: the first register's number. */
const MODICON_BASE: Partial<Record<ModbusPoint['table'], number>> = {
  discrete: 10_001,
  input: 30_001,
  holding: 40_001,
};

/** The widest gap a hint suggests bridging: more reads many unmapped registers for little gain. */
const MAX_SUGGESTED_GAP = 16;

/**
 * A point address inside its table's Modicon range (holding 40001..49999, input 30001..39999,
 * discrete 10001..19999) is likely a register number copied from a manual, not the 0-based PDU
 * address the mapping wants.
 */
export function modiconHints(points: readonly PointSpec<ModbusPoint>[]): AdapterIssue[] {
  const hints: AdapterIssue[] = [];
  for (const point of points) {
    const base = MODICON_BASE[point.source.table];
    if (base === undefined || point.source.address < base || point.source.address > base + 9998) continue;
    hints.push({
      pointId: point.id,
      field: ['address'],
      message: `address ${point.source.address} looks like Modicon numbering (${point.source.table} ${point.source.address}); addresses are 0-based, so that register is address ${point.source.address - base}`,
    });
  }
  return hints;
}

/**
 * When a larger `maxGap` would merge this device's register reads, how many requests per poll
 * cycle it saves: for the smallest gap that saves any, and for the largest worth suggesting.
 */
export function maxGapHints(
  connection: ModbusConnection,
  items: readonly ReadItem<string>[],
): AdapterIssue[] {
  const registers = items.filter((i) => i.table === 'holding' || i.table === 'input');
  const now = planReads(registers, connection).length;
  const gaps = new Set<number>();
  const byGroup = new Map<string, ReadItem<string>[]>();
  for (const item of registers) {
    const key = `${item.unit}/${item.table}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), item]);
  }
  for (const group of byGroup.values()) {
    const sorted = [...group].sort((a, b) => a.address - b.address);
    let end = sorted[0] === undefined ? 0 : sorted[0].address + sorted[0].count;
    for (const item of sorted.slice(1)) {
      const gap = item.address - end;
      if (gap > connection.maxGap && gap <= MAX_SUGGESTED_GAP) gaps.add(gap);
      end = Math.max(end, item.address + item.count);
    }
  }
  const savings = [...gaps]
    .sort((a, b) => a - b)
    .map((gap) => ({ gap, requests: planReads(registers, { ...connection, maxGap: gap }).length }))
    .filter((s) => s.requests < now);
  const first = savings[0];
  const best = savings.at(-1);
  if (first === undefined || best === undefined) return [];
  const say = (s: { gap: number; requests: number }) =>
    `maxGap: ${s.gap} would save ${now - s.requests} of ${now} register requests per poll cycle (reading unmapped registers in between; only if the device answers them)`;
  const hints: AdapterIssue[] = [{ pointId: undefined, field: ['maxGap'], message: say(first) }];
  if (best.gap !== first.gap && best.requests < first.requests)
    hints.push({ pointId: undefined, field: ['maxGap'], message: say(best) });
  return hints;
}
