/**
 * Memory per point from two heap snapshots of the same host at two point counts (test/bench/README.md,
 * "Where the memory goes"): `npx tsx test/bench/compare/heap-per-point.ts small.heapsnapshot
 * large.heapsnapshot <points between them>`. Prints the live bytes per point in all, then per
 * node type and constructor, then per object shape (its property names), largest first. Plain
 * objects are only told apart by their shape, which is how the per-point structures were found.
 */
import { walkHeapSnapshot } from './heap-snapshot-file.js';

/** Bytes and object count per key. */
type Tally = Map<string, { bytes: number; count: number }>;

function add(tally: Tally, key: string, bytes: number): void {
  const entry = tally.get(key);
  if (entry === undefined) tally.set(key, { bytes, count: 1 });
  else {
    entry.bytes += bytes;
    entry.count++;
  }
}

/** Self sizes per "type:constructor" and per shape of plain objects and class instances. */
function tallies(file: string): { total: number; byConstructor: Tally; byShape: Tally } {
  const byConstructor: Tally = new Map();
  const byShape: Tally = new Map();
  let total = 0;
  walkHeapSnapshot(file, (node) => {
    const { type, selfSize } = node;
    let { name } = node;
    if (type.includes('string')) name = '(string)';
    else if (type === 'number') name = '(number)';
    total += selfSize;
    add(byConstructor, `${type}:${name.slice(0, 50)}`, selfSize);
    if (type === 'object') {
      const keys: string[] = [];
      for (let k = 0; k < node.edgeCount && keys.length < 8; k++) {
        const edge = node.edge(k);
        if (edge.type === 'property') keys.push(edge.name);
      }
      add(byShape, `${name}{${keys.join(',')}}`, selfSize);
    }
  });
  return { total, byConstructor, byShape };
}

function perPoint(small: Tally, large: Tally, points: number, rows: number): string[] {
  const lines: [string, number, number][] = [];
  for (const [key, { bytes, count }] of large) {
    const before = small.get(key) ?? { bytes: 0, count: 0 };
    lines.push([key, (bytes - before.bytes) / points, (count - before.count) / points]);
  }
  lines.sort((a, b) => b[1] - a[1]);
  return lines
    .slice(0, rows)
    .map(
      ([key, bytes, count]) =>
        `${bytes.toFixed(1).padStart(8)} B ${count.toFixed(2).padStart(6)} objects  ${key}`,
    );
}

const [smallFile, largeFile, pointsText, rowsText] = process.argv.slice(2);
const points = Number(pointsText);
if (smallFile === undefined || largeFile === undefined || !(points > 0)) {
  console.error(
    'usage: heap-per-point.ts <small.heapsnapshot> <large.heapsnapshot> <points between them> [rows]',
  );
  process.exit(2);
}
const rows = Number(rowsText ?? 20);
const small = tallies(smallFile);
const large = tallies(largeFile);
console.log(`live heap per point: ${((large.total - small.total) / points).toFixed(0)} bytes\n`);
console.log('by node type and constructor:');
for (const line of perPoint(small.byConstructor, large.byConstructor, points, rows)) console.log(line);
console.log('\nby object shape (constructor{first properties}):');
for (const line of perPoint(small.byShape, large.byShape, points, rows)) console.log(line);
