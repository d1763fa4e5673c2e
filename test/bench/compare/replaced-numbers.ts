/**
 * Which fields get a new heap number on every write, from two heap snapshots of one host a few
 * poll cycles apart (test/bench/README.md, "Where the memory goes"): `npx tsx
 * test/bench/compare/replaced-numbers.ts first.heapsnapshot second.heapsnapshot`.
 *
 * V8 writes a float into a field kept as a double in place (the same box), but a field it keeps
 * generic (mixed kinds of values, or one first set to undefined) gets a new heap number per write.
 * Written at every poll and kept until the next one, each such number outlives two young-generation
 * GCs and is promoted: old-generation garbage at the poll rate (issue 16). Object ids are stable
 * across snapshots, so an owner whose field points at another number in the second snapshot had
 * that field replaced meanwhile. Prints owner.field with how many owners had it replaced, and how
 * many kept the same number (not written, or written in place).
 */
import { walkHeapSnapshot } from './heap-snapshot-file.js';

/** owner id + field → the id of the heap number it points to; owner id → constructor name. */
function numberFields(file: string): { targets: Map<string, number>; owners: Map<number, string> } {
  const targets = new Map<string, number>();
  const owners = new Map<number, string>();
  walkHeapSnapshot(file, (node) => {
    for (let k = 0; k < node.edgeCount; k++) {
      const edge = node.edge(k);
      if (edge.to.type !== 'number' && edge.to.name !== 'heap number') continue;
      if (edge.type !== 'property' && edge.type !== 'internal') continue;
      targets.set(`${node.id}|${edge.name}`, edge.to.id);
      owners.set(node.id, node.name);
    }
  });
  return { targets, owners };
}

const [firstFile, secondFile, rowsText] = process.argv.slice(2);
if (firstFile === undefined || secondFile === undefined) {
  console.error('usage: replaced-numbers.ts <first.heapsnapshot> <second.heapsnapshot> [rows]');
  process.exit(2);
}
const rows = Number(rowsText ?? 25);
const first = numberFields(firstFile);
const second = numberFields(secondFile);
const replaced = new Map<string, number>();
const kept = new Map<string, number>();
for (const [key, id] of first.targets) {
  const later = second.targets.get(key);
  if (later === undefined) continue;
  const separator = key.indexOf('|');
  const field = `${first.owners.get(Number(key.slice(0, separator)))}.${key.slice(separator + 1)}`;
  const tally = later === id ? kept : replaced;
  tally.set(field, (tally.get(field) ?? 0) + 1);
}
console.log('fields whose heap number was replaced between the snapshots (owners replaced / kept):');
const lines = [...replaced].sort((a, b) => b[1] - a[1]).slice(0, rows);
if (lines.length === 0) console.log('  none');
for (const [field, count] of lines)
  console.log(`${String(count).padStart(8)} / ${kept.get(field) ?? 0}  ${field}`);
