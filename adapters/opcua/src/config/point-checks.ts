import type { AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import type { OpcuaConnection } from './connection-schema.js';
import { isMethodPoint, type OpcuaPoint } from './point-schema.js';

/**
 * Checks a device's points together (pure): one node bound twice with different types or shapes
 * (one of them must be wrong), a method point marked readable or writable, a variable marked
 * executable.
 */
export function checkOpcuaPoints(
  _connection: OpcuaConnection,
  points: readonly PointSpec<OpcuaPoint>[],
): AdapterIssue[] {
  const issues: AdapterIssue[] = [];
  const byNode = new Map<string, PointSpec<OpcuaPoint>>();
  for (const spec of points) {
    const point = spec.source;
    if (isMethodPoint(point)) {
      if (spec.access.read || spec.access.write)
        issues.push({
          pointId: spec.id,
          field: ['method'],
          message: 'a method point can only be executed (not read or written)',
        });
      continue;
    }
    if (spec.access.execute)
      issues.push({
        pointId: spec.id,
        field: ['node'],
        message: 'a variable point cannot be executed: bind execute to a method point ({ object, method })',
      });
    const first = byNode.get(point.node);
    if (first === undefined) {
      byNode.set(point.node, spec);
      continue;
    }
    const other = first.source;
    if (!isMethodPoint(other) && (other.type !== point.type || other.array !== point.array))
      issues.push({
        pointId: spec.id,
        field: ['type'],
        message: `node ${point.node} is also bound by point ${first.id} as ${other.type}${other.array ? '[]' : ''}, here as ${point.type}${point.array ? '[]' : ''}: a node has one type`,
      });
  }
  return issues;
}
