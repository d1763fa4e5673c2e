import type { AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import { type PointLayout, pointLayout } from '../data/point-layout.js';
import { isBitTable, isWritableTable, ModbusLimits } from '../protocol/function-codes.js';
import type { ModbusConnection } from './connection-schema.js';
import type { ModbusPoint } from './point-schema.js';

interface Placed {
  readonly spec: PointSpec<ModbusPoint>;
  readonly layout: PointLayout;
}

function rangeText(layout: PointLayout): string {
  return layout.count === 1 ? `${layout.address}` : `${layout.address}..${layout.address + layout.count - 1}`;
}

/**
 * Checks a device's points together, without I/O: each fits one request and the address space;
 * writes and execute target writable tables; multi-register values do not partly overlap (an
 * off-by-one in a register map). Identical bindings and register bits of a register that is also
 * read whole are fine.
 */
export function checkModbusPoints(
  connection: ModbusConnection,
  points: readonly PointSpec<ModbusPoint>[],
): AdapterIssue[] {
  const issues: AdapterIssue[] = [];
  const placed: Placed[] = [];
  for (const spec of points) {
    const layout = pointLayout(spec.source);
    const issue = (field: string, message: string) =>
      issues.push({ pointId: spec.id, field: [field], message });
    const max = isBitTable(layout.table) ? connection.maxBitsPerRequest : connection.maxRegistersPerRequest;
    if (layout.count > max) {
      issue(
        'length',
        `the point spans ${layout.count} registers but this device reads at most ${max} per request (maxRegistersPerRequest)`,
      );
    }
    if (layout.address + layout.count > 65536) {
      issue('address', `the point spans ${rangeText(layout)}, past the last address 65535`);
    }
    if (spec.access.write && !isWritableTable(layout.table)) {
      issue(
        'table',
        `a ${layout.table} is read-only in Modbus; only coils and holding registers can be written`,
      );
    }
    if (spec.access.write && layout.count > ModbusLimits.MAX_WRITE_REGISTERS) {
      issue('length', `a write (FC16) carries at most ${ModbusLimits.MAX_WRITE_REGISTERS} registers`);
    }
    if (spec.access.execute && layout.table !== 'coil') {
      issue('table', 'execute needs a coil (it writes true, or pulses true then false with pulseMs)');
    }
    placed.push({ spec, layout });
  }
  issues.push(...overlapIssues(placed));
  return issues;
}

/** Partial overlaps between whole-value points of one table (sweep over points sorted by address). */
function overlapIssues(placed: readonly Placed[]): AdapterIssue[] {
  const issues: AdapterIssue[] = [];
  const whole = placed
    .filter((p) => p.layout.bit === undefined && !isBitTable(p.layout.table))
    .sort((a, b) => a.layout.table.localeCompare(b.layout.table) || a.layout.address - b.layout.address);
  const active: Placed[] = [];
  for (const current of whole) {
    const { table, address, count } = current.layout;
    for (let i = active.length - 1; i >= 0; i--) {
      const other = active[i]!.layout;
      if (other.table !== table || other.address + other.count <= address) active.splice(i, 1);
    }
    for (const other of active) {
      if (other.layout.address === address && other.layout.count === count) continue;
      issues.push({
        pointId: current.spec.id,
        field: ['address'],
        message: `${table} registers ${rangeText(current.layout)} (${current.layout.type}) overlap ${rangeText(other.layout)} (${other.layout.type}) of point ${other.spec.id}; check the register map`,
      });
    }
    active.push(current);
  }
  return issues;
}
