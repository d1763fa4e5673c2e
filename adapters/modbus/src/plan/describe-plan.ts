import type { AdapterPlan, PointSpec } from '@lwm2m-adapters/sdk';
import type { ModbusConnection } from '../config/connection-schema.js';
import type { ModbusPoint } from '../config/point-schema.js';
import { pointLayout } from '../data/point-layout.js';
import { minimumReadRequests } from './minimum-requests.js';
import { maxGapHints, modiconHints } from './plan-hints.js';
import { describePlannedRead, type ReadPlanDetails } from './plan-report.js';
import { planReads, type ReadItem } from './read-planner.js';

/** The printable read plan of a device (`adapter-host plan`): every readable point, one poll cycle. */
export function describeModbusPlan(
  connection: ModbusConnection,
  points: readonly PointSpec<ModbusPoint>[],
): AdapterPlan {
  const items: ReadItem<string>[] = points
    .filter((p) => p.access.read)
    .map((p) => {
      const layout = pointLayout(p.source);
      return {
        key: p.id,
        unit: connection.unitId,
        table: layout.table,
        address: layout.address,
        count: layout.count,
      };
    });
  const reads = planReads(items, connection);
  const details: ReadPlanDetails = {
    requests: reads.map((r) => ({
      unit: r.unit,
      functionCode: r.functionCode,
      table: r.table,
      address: r.address,
      count: r.count,
      points: r.items.map((i) => i.key),
    })),
    minimumRequests: minimumReadRequests(items, connection),
  };
  return {
    requestsPerCycle: reads.length,
    lines: reads.map(describePlannedRead),
    details,
    hints: [...modiconHints(points), ...maxGapHints(connection, items)],
  };
}
