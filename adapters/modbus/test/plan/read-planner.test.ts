import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimumReadRequests } from '../../src/plan/minimum-requests.js';
import { describePlannedRead } from '../../src/plan/plan-report.js';
import { type PlannedRead, planReads, type ReadItem, type ReadLimits } from '../../src/plan/read-planner.js';
import type { ModbusTable } from '../../src/protocol/function-codes.js';

const limits = (l: Partial<ReadLimits> = {}): ReadLimits => ({
  maxGap: 0,
  maxBitGap: 0,
  maxRegistersPerRequest: 125,
  maxBitsPerRequest: 2000,
  ...l,
});

let nextKey = 0;
const item = (address: number, count = 1, table: ModbusTable = 'holding', unit = 1): ReadItem<string> => ({
  key: `p${nextKey++}`,
  unit,
  table,
  address,
  count,
});

/** Every item is served exactly once, inside its request; requests obey the limits and are trimmed. */
function assertValidPlan(
  items: readonly ReadItem<string>[],
  plan: readonly PlannedRead<string>[],
  l: ReadLimits,
): void {
  const seen = new Map<string, number>();
  for (const read of plan) {
    const bits = read.table === 'coil' || read.table === 'discrete';
    const max = bits ? l.maxBitsPerRequest : l.maxRegistersPerRequest;
    const gap = bits ? l.maxBitGap : l.maxGap;
    if (read.items.length > 1 || read.items[0]!.count <= max) expect(read.count).toBeLessThanOrEqual(max);
    expect(Math.min(...read.items.map((i) => i.address))).toBe(read.address);
    expect(Math.max(...read.items.map((i) => i.address + i.count))).toBe(read.address + read.count);
    // no hole wider than the gap limit inside the request (holes: addresses no item of the group covers)
    const group = items.filter((i) => i.unit === read.unit && i.table === read.table);
    let run = 0;
    for (let a = read.address; a < read.address + read.count; a++) {
      run = group.some((i) => i.address <= a && a < i.address + i.count) ? 0 : run + 1;
      expect(run).toBeLessThanOrEqual(gap);
    }
    for (const i of read.items) {
      expect(i.unit).toBe(read.unit);
      expect(i.table).toBe(read.table);
      seen.set(i.key, (seen.get(i.key) ?? 0) + 1);
    }
  }
  expect(seen.size).toBe(items.length);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

/**
 * Exhaustive minimum: oversize items one request each; the rest a minimum set cover by windows
 * [start of an item, end of an item) within the size limit and without holes wider than the gap
 * (any valid window can shrink to such a one), found by breadth-first search over covered sets.
 */
function bruteForceMinimum(items: readonly ReadItem<string>[], maxCount: number, maxGap: number): number {
  const covered = (a: number) => items.some((i) => i.address <= a && a < i.address + i.count);
  const normal = items.filter((i) => i.count <= maxCount);
  const oversize = items.length - normal.length;
  if (normal.length === 0) return oversize;
  const windows = new Set<number>();
  for (const first of normal) {
    for (const last of normal) {
      const start = first.address;
      const end = last.address + last.count;
      if (end <= start || end - start > maxCount) continue;
      let run = 0;
      let valid = true;
      for (let a = start; a < end && valid; a++) {
        run = covered(a) ? 0 : run + 1;
        if (run > maxGap) valid = false;
      }
      if (!valid) continue;
      let mask = 0;
      normal.forEach((i, bit) => {
        if (i.address >= start && i.address + i.count <= end) mask |= 1 << bit;
      });
      windows.add(mask);
    }
  }
  const full = (1 << normal.length) - 1;
  let frontier = new Set([0]);
  const visited = new Set([0]);
  for (let depth = 1; depth <= normal.length; depth++) {
    const next = new Set<number>();
    for (const state of frontier) {
      for (const w of windows) {
        const s = state | w;
        if (s === full) return oversize + depth;
        if (!visited.has(s)) {
          visited.add(s);
          next.add(s);
        }
      }
    }
    frontier = next;
  }
  throw new Error('no cover found');
}

describe('batching planner', () => {
  it('reads a contiguous map in exactly the minimal number of full requests', () => {
    const items = Array.from({ length: 500 }, (_, i) => item(i));
    const plan = planReads(items, limits());
    expect(plan.map((r) => [r.address, r.count])).toEqual([
      [0, 125],
      [125, 125],
      [250, 125],
      [375, 125],
    ]);
    expect(plan.length).toBe(minimumReadRequests(items, limits()));
    assertValidPlan(items, plan, limits());
  });

  it('never splits a multi-register value: 100 contiguous float32 need ceil(200/124) = 2 requests', () => {
    const items = Array.from({ length: 100 }, (_, i) => item(i * 2, 2));
    const plan = planReads(items, limits());
    expect(plan.map((r) => [r.address, r.count])).toEqual([
      [0, 124],
      [124, 76],
    ]);
    assertValidPlan(items, plan, limits());
  });

  it('bridges holes up to maxGap filler registers, and no wider', () => {
    const items = [item(0), item(5), item(10, 2)];
    expect(planReads(items, limits({ maxGap: 4 })).map((r) => [r.address, r.count])).toEqual([[0, 12]]);
    expect(planReads(items, limits({ maxGap: 3 })).map((r) => [r.address, r.count])).toEqual([
      [0, 1],
      [5, 1],
      [10, 2],
    ]);
    const plan = planReads(items, limits({ maxGap: 4 }));
    expect(describePlannedRead(plan[0]!)).toBe('unit 1 FC3 holding 0..11 (12 regs) -> 3 points');
  });

  it('respects a per-device block limit', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(100 + i));
    const plan = planReads(items, limits({ maxRegistersPerRequest: 16 }));
    expect(plan.map((r) => [r.address, r.count])).toEqual([
      [100, 16],
      [116, 14],
    ]);
  });

  it('reads at most 2000 bits per FC1/FC2 request', () => {
    const coils = Array.from({ length: 2500 }, (_, i) => item(i, 1, 'coil'));
    const plan = planReads(coils, limits());
    expect(plan.map((r) => [r.functionCode, r.address, r.count])).toEqual([
      [1, 0, 2000],
      [1, 2000, 500],
    ]);
    expect(describePlannedRead(plan[1]!)).toBe('unit 1 FC1 coil 2000..2499 (500 bits) -> 500 points');
    const sparse = [item(0, 1, 'discrete'), item(30, 1, 'discrete')];
    expect(planReads(sparse, limits({ maxBitGap: 29 }))).toHaveLength(1);
    expect(planReads(sparse, limits({ maxBitGap: 28 }))).toHaveLength(2);
    expect(planReads(sparse, limits({ maxGap: 100 }))).toHaveLength(2); // register gap does not apply to bits
  });

  it('keeps tables and units apart, in unit then table order', () => {
    const items = [
      item(0, 1, 'input', 2),
      item(0, 1, 'holding', 2),
      item(1, 1, 'holding', 1),
      item(0, 1, 'coil', 1),
      item(1, 1, 'discrete', 1),
      item(0, 1, 'holding', 1),
      item(1, 1, 'input', 1),
    ];
    const plan = planReads(items, limits({ maxGap: 100 }));
    expect(plan.map(describePlannedRead)).toEqual([
      'unit 1 FC1 coil 0 (1 bit) -> 1 point',
      'unit 1 FC2 discrete 1 (1 bit) -> 1 point',
      'unit 1 FC4 input 1 (1 reg) -> 1 point',
      'unit 1 FC3 holding 0..1 (2 regs) -> 2 points',
      'unit 2 FC4 input 0 (1 reg) -> 1 point',
      'unit 2 FC3 holding 0 (1 reg) -> 1 point',
    ]);
  });

  it('serves overlapping points (a register and its bits, duplicates) in one request', () => {
    const items = [item(10, 2), item(10, 1), item(10, 1), item(11, 1), item(10, 2)];
    const plan = planReads(items, limits());
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ address: 10, count: 2 });
    assertValidPlan(items, plan, limits());
  });

  it('gives an oversize point a request of its own', () => {
    const items = [item(0, 1), item(1, 20), item(21, 1)];
    const plan = planReads(items, limits({ maxRegistersPerRequest: 10 }));
    expect(plan.map((r) => [r.address, r.count, r.items.length])).toEqual([
      [0, 1, 1],
      [1, 20, 1],
      [21, 1, 1],
    ]);
    expect(minimumReadRequests(items, limits({ maxRegistersPerRequest: 10 }))).toBe(3);
  });

  it('is optimal: plan size = theoretical minimum = exhaustive search, on random small maps', () => {
    const arbitraryCase = fc.record({
      spans: fc.array(fc.record({ address: fc.nat(40), count: fc.integer({ min: 1, max: 5 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
      maxCount: fc.integer({ min: 1, max: 14 }),
      maxGap: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(arbitraryCase, ({ spans, maxCount, maxGap }) => {
        const items = spans.map((s) => item(s.address, s.count));
        const l = limits({ maxRegistersPerRequest: maxCount, maxGap });
        const plan = planReads(items, l);
        assertValidPlan(items, plan, l);
        const expected = bruteForceMinimum(items, maxCount, maxGap);
        expect(minimumReadRequests(items, l)).toBe(expected);
        expect(plan.length).toBe(expected);
      }),
      { numRuns: 3000, seed: 0x6d62 },
    );
  });

  it('plans a realistic sparse map (a power meter register map) at the minimum', () => {
    // blocks of float32 measurements with reserved registers between, a status word with bits, strings
    const items: ReadItem<string>[] = [];
    for (let block = 0; block < 6; block++) {
      const base = 3000 + block * 100;
      for (let i = 0; i < 12; i++) if (i % 5 !== 3) items.push(item(base + i * 2, 2, 'input'));
    }
    items.push(item(4000, 1), item(4000, 1), item(4001, 1), item(4100, 8), item(4110, 2));
    for (const l of [limits(), limits({ maxGap: 4 }), limits({ maxGap: 20, maxRegistersPerRequest: 32 })]) {
      const plan = planReads(items, l);
      assertValidPlan(items, plan, l);
      expect(plan.length).toBe(minimumReadRequests(items, l));
    }
    expect(planReads(items, limits({ maxGap: 4 }))).toHaveLength(6 + 2);
  });
});
