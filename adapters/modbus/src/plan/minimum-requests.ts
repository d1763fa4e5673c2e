import { groupByUnitAndTable, type ReadLimits, tableLimits } from './read-planner.js';

/** What the minimum needs to know of a read item. */
export interface ReadSpan {
  readonly unit: number;
  readonly table: 'coil' | 'discrete' | 'input' | 'holding';
  readonly address: number;
  readonly count: number;
}

/**
 * The theoretical minimum number of read requests for these spans under these limits (the
 * denominator of the "requests per poll cycle / theoretical minimum" benchmark ratio).
 *
 * Per (unit, function code) it is a 1-D interval cover: windows of at most `maxCount` addresses,
 * each span inside one window, no window across an unmapped hole wider than `maxGap`. The holes
 * cut the spans into independent clusters; within a cluster, sweeping windows from the lowest
 * uncovered start is optimal (exchange argument: any optimal cover's window holding the lowest
 * uncovered span can slide right to start there and still hold every span it held). Spans longer
 * than `maxCount` count one request each (serving nothing else). The test suite checks this against an exhaustive
 * set-cover search on random small inputs.
 */
export function minimumReadRequests(spans: readonly ReadSpan[], limits: ReadLimits): number {
  let total = 0;
  for (const group of groupByUnitAndTable(spans)) {
    const { maxCount, maxGap } = tableLimits(group[0]!.table, limits);
    const intervals = group.map((s) => [s.address, s.address + s.count] as const).sort((a, b) => a[0] - b[0]);
    let index = 0;
    while (index < intervals.length) {
      // one cluster: spans chained by holes of at most maxGap
      const cluster: (readonly [number, number])[] = [intervals[index]!];
      let reach = intervals[index]![1];
      index++;
      while (index < intervals.length && intervals[index]![0] - reach <= maxGap) {
        reach = Math.max(reach, intervals[index]![1]);
        cluster.push(intervals[index]!);
        index++;
      }
      let pending = cluster.filter(([start, end]) => end - start <= maxCount);
      total += cluster.length - pending.length; // oversize spans: one request each
      while (pending.length > 0) {
        const windowEnd = pending[0]![0] + maxCount;
        pending = pending.slice(1).filter(([, end]) => end > windowEnd);
        total++;
      }
    }
  }
  return total;
}
