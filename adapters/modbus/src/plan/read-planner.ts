import {
  isBitTable,
  MODBUS_TABLES,
  type ModbusTable,
  type ReadFunctionCode,
  readFunctionCode,
} from '../protocol/function-codes.js';

/** Something to read: `count` bits or registers of one table of one unit, starting at `address`. */
export interface ReadItem<Key> {
  readonly key: Key;
  readonly unit: number;
  readonly table: ModbusTable;
  readonly address: number;
  readonly count: number;
}

/** Limits the planner respects; they come from the device's connection settings. */
export interface ReadLimits {
  /** Most unmapped registers read between two items to merge them (0 = adjacent only). */
  readonly maxGap: number;
  /** Most unmapped bits read between two items to merge them. */
  readonly maxBitGap: number;
  readonly maxRegistersPerRequest: number;
  readonly maxBitsPerRequest: number;
}

/** One read request of the plan and the items it serves. */
export interface PlannedRead<Key> {
  readonly unit: number;
  readonly table: ModbusTable;
  readonly functionCode: ReadFunctionCode;
  readonly address: number;
  readonly count: number;
  readonly items: readonly ReadItem<Key>[];
}

const tableOrder = (table: ModbusTable) => MODBUS_TABLES.indexOf(table);

/** Groups items per (unit, table), in unit then table order. */
export function groupByUnitAndTable<T extends { readonly unit: number; readonly table: ModbusTable }>(
  items: readonly T[],
): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = item.unit * 4 + tableOrder(item.table);
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
    }
    group.push(item);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** Per-request size and gap limits of a table. */
export function tableLimits(table: ModbusTable, limits: ReadLimits): { maxCount: number; maxGap: number } {
  return isBitTable(table)
    ? { maxCount: limits.maxBitsPerRequest, maxGap: limits.maxBitGap }
    : { maxCount: limits.maxRegistersPerRequest, maxGap: limits.maxGap };
}

/**
 * The batching planner: merges items per (unit, table) into the fewest read requests.
 *
 * A request covers an address window of at most `maxCount` bits/registers; every item lies wholly
 * inside one request; a request never spans a hole of more than `maxGap` addresses that no item
 * covers. Holes wider than `maxGap` split the items into clusters; inside a cluster the greedy
 * rule "start a window at the lowest unserved item and serve every item that ends inside it" is
 * optimal (a window can always slide right to the lowest unserved start without losing items),
 * so the plan has exactly `minimumReadRequests` requests. Each request is trimmed to the items
 * it serves. An item longer than `maxCount` (which `checkPoints` reports) gets a request of its
 * own, serving nothing else.
 */
export function planReads<Key>(items: readonly ReadItem<Key>[], limits: ReadLimits): PlannedRead<Key>[] {
  const plan: PlannedRead<Key>[] = [];
  for (const group of groupByUnitAndTable(items)) {
    const { unit, table } = group[0]!;
    const { maxCount, maxGap } = tableLimits(table, limits);
    const sorted = [...group].sort((a, b) => a.address - b.address || a.count - b.count);
    const served = new Uint8Array(sorted.length);
    let clusterStart = 0;
    while (clusterStart < sorted.length) {
      let clusterEnd = clusterStart;
      let coveredEnd = sorted[clusterStart]!.address + sorted[clusterStart]!.count;
      while (clusterEnd + 1 < sorted.length && sorted[clusterEnd + 1]!.address - coveredEnd <= maxGap) {
        clusterEnd++;
        coveredEnd = Math.max(coveredEnd, sorted[clusterEnd]!.address + sorted[clusterEnd]!.count);
      }
      for (let first = clusterStart; first <= clusterEnd; first++) {
        if (served[first]) continue;
        const head = sorted[first]!;
        served[first] = 1;
        if (head.count > maxCount) {
          // cannot share a request within the limit; checkPoints reports it
          plan.push({
            unit,
            table,
            functionCode: readFunctionCode(table),
            address: head.address,
            count: head.count,
            items: [head],
          });
          continue;
        }
        const windowEnd = head.address + maxCount;
        const members: ReadItem<Key>[] = [head];
        let end = head.address + head.count;
        for (let i = first + 1; i <= clusterEnd && sorted[i]!.address < windowEnd; i++) {
          const item = sorted[i]!;
          if (served[i] || item.address + item.count > windowEnd) continue;
          served[i] = 1;
          members.push(item);
          end = Math.max(end, item.address + item.count);
        }
        plan.push({
          unit,
          table,
          functionCode: readFunctionCode(table),
          address: head.address,
          count: end - head.address,
          items: members,
        });
      }
      clusterStart = clusterEnd + 1;
    }
  }
  return plan;
}
