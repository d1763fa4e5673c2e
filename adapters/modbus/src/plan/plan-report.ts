import { isBitTable } from '../protocol/function-codes.js';
import type { PlannedRead } from './read-planner.js';

/** `unit 1 FC3 holding 100..163 (64 regs) -> 12 points` */
export function describePlannedRead(read: PlannedRead<unknown>): string {
  const last = read.address + read.count - 1;
  const range = read.count === 1 ? `${read.address}` : `${read.address}..${last}`;
  const unitName = isBitTable(read.table)
    ? read.count === 1
      ? 'bit'
      : 'bits'
    : read.count === 1
      ? 'reg'
      : 'regs';
  const points = read.items.length === 1 ? '1 point' : `${read.items.length} points`;
  return `unit ${read.unit} FC${read.functionCode} ${read.table} ${range} (${read.count} ${unitName}) -> ${points}`;
}

/** JSON-safe form of a plan (AdapterPlan.details). */
export interface ReadPlanDetails {
  readonly requests: readonly {
    readonly unit: number;
    readonly functionCode: number;
    readonly table: string;
    readonly address: number;
    readonly count: number;
    readonly points: readonly string[];
  }[];
  /** The theoretical minimum for the same points and limits. */
  readonly minimumRequests: number;
}
