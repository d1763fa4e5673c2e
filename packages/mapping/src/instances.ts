import { instancesSchema } from './document-schema.js';
import type { IssueCollector } from './issue-collector.js';
import type { LocatedEntry, LocatedNode } from './located-node.js';
import { quote } from './safe-text.js';
import type { VariableValue } from './substitute-variables.js';
import { parseLocated } from './zod-issues.js';

/** Most devices one entry may expand to. */
export const MAX_INSTANCES_PER_ENTRY = 10_000;

const RANGE_RE = /^\s*(-?\d{1,9})\s*\.\.\s*(-?\d{1,9})\s*$/;

export type InstanceRow = Readonly<Record<string, VariableValue>>;

/**
 * What a device entry's `instances` expands to. When it cannot be expanded (reported), the entry is
 * still checked once: with its first row when there are only too many rows, else with the instance
 * variables unknown.
 */
export type InstanceExpansion =
  | { readonly ok: true; readonly rows: readonly InstanceRow[] }
  | { readonly ok: false; readonly firstRow: InstanceRow }
  | { readonly ok: false; readonly firstRow?: undefined; readonly unknown: ReadonlySet<string> | 'all' };

/**
 * The variable rows a device entry's `instances` expands to: one empty row without `instances`;
 * every combination for `{ n: 2..50, line: [a, b] }` (first variable outermost); one per row for
 * a list of mappings.
 */
export function expandInstances(entry: LocatedEntry | undefined, issues: IssueCollector): InstanceExpansion {
  if (entry === undefined) return { ok: true, rows: [{}] };
  const parsed = parseLocated(
    instancesSchema,
    { root: entry.value, rootOrigin: entry.keyOrigin, fieldPrefix: ['instances'] },
    issues,
  );
  if (!parsed.ok) return { ok: false, unknown: variableNames(entry.value) };
  const tooMany = (firstRow: InstanceRow): InstanceExpansion => {
    issues.add({
      origin: entry.keyOrigin,
      message: `instances expands to more than ${MAX_INSTANCES_PER_ENTRY} devices`,
      expected: `at most ${MAX_INSTANCES_PER_ENTRY} per device entry (split it into several entries)`,
    });
    return { ok: false, firstRow };
  };
  if (Array.isArray(parsed.data)) {
    const [first = {}] = parsed.data;
    return parsed.data.length > MAX_INSTANCES_PER_ENTRY ? tooMany(first) : { ok: true, rows: parsed.data };
  }
  let rows: InstanceRow[] = [{}];
  for (const [name, spec] of Object.entries(parsed.data)) {
    const values = valuesOf(spec);
    if (values === undefined) {
      const node = entry.value.kind === 'map' ? entry.value.entries.get(name) : undefined;
      issues.add({
        origin: node?.value.origin ?? entry.keyOrigin,
        message: `instances.${name} ${typeof spec === 'string' ? quote(spec) : JSON.stringify(spec)} is an empty or reversed range`,
        expected: 'a range low..high with low <= high, e.g. 1..50',
      });
      return { ok: false, unknown: variableNames(entry.value) };
    }
    if (rows.length * values.length > MAX_INSTANCES_PER_ENTRY) {
      const firstRow: Record<string, VariableValue> = {};
      for (const [variable, variableSpec] of Object.entries(parsed.data)) {
        const first = valuesOf(variableSpec)?.[0];
        if (first !== undefined) firstRow[variable] = first;
      }
      return tooMany(firstRow);
    }
    rows = rows.flatMap((row) => values.map((value) => ({ ...row, [name]: value })));
  }
  return { ok: true, rows };
}

/** The variable names an `instances` node declares (its keys, or its rows' keys); `all` when it has none. */
function variableNames(node: LocatedNode): ReadonlySet<string> | 'all' {
  const names = new Set<string>();
  const rows = node.kind === 'seq' ? node.items : [node];
  for (const row of rows) {
    if (row.kind !== 'map') return 'all';
    for (const key of row.entries.keys()) names.add(key);
  }
  return names.size === 0 ? 'all' : names;
}

function valuesOf(spec: string | number | readonly (string | number)[]): VariableValue[] | undefined {
  if (Array.isArray(spec)) return [...spec];
  if (typeof spec === 'number') return [spec];
  const range = RANGE_RE.exec(spec as string);
  if (range === null) return [spec as string];
  const low = Number(range[1]);
  const high = Number(range[2]);
  if (low > high) return undefined;
  // Capped one past the limit, so an oversized range is reported as too many instances.
  return rangeValues(low, Math.min(high, low + MAX_INSTANCES_PER_ENTRY));
}

function rangeValues(low: number, high: number): number[] {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}
