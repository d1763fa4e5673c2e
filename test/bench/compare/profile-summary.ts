/**
 * Summarises a V8 profile from the command line: `.cpuprofile` (self and inclusive time per
 * function, samples after `skipMs`) or `.heapprofile` (bytes per allocating function).
 * `tsx test/bench/compare/profile-summary.ts FILE [skipMs] [top]`.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface CpuNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface HeapNode {
  readonly callFrame: CallFrame;
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

const [file, skipArg, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-summary.ts FILE.cpuprofile|FILE.heapprofile [skipMs] [top]');
  process.exit(2);
}
const skipMs = Number(skipArg ?? 0);
const top = Number(topArg ?? 30);
const name = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
const table = (counts: Map<string, number>, total: number, unit: (n: number) => string) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${unit(n).padStart(9)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`)
    .join('\n');
const profile = JSON.parse(readFileSync(file, 'utf8'));

if (file.endsWith('.heapprofile')) {
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    if (node.selfSize > 0) {
      self.set(name(node.callFrame), (self.get(name(node.callFrame)) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head as HeapNode);
  console.log(
    `${(total / 2 ** 20).toFixed(1)} MiB sampled\n${table(self, total, (n) => `${(n / 2 ** 20).toFixed(2)} MiB`)}`,
  );
} else {
  const nodes = new Map<number, CpuNode>((profile.nodes as CpuNode[]).map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of nodes.values()) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let at = 0;
  let total = 0;
  const samples = profile.samples as number[];
  const deltas = profile.timeDeltas as number[];
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i]! / 1000;
    const node = nodes.get(samples[i]!)!;
    if (at < skipMs || node.callFrame.functionName === '(idle)') continue;
    total++;
    self.set(name(node.callFrame), (self.get(name(node.callFrame)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const key = name(nodes.get(id)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
    }
  }
  const samplesUnit = (n: number) => String(n);
  console.log(
    `${total} busy samples\n--- self\n${table(self, total, samplesUnit)}\n--- inclusive\n${table(inclusive, total, samplesUnit)}`,
  );
}
