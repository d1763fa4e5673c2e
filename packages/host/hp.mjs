const spec = process.argv[2];
global.gc();
const a = process.memoryUsage();
const m = await import(spec);
let keep = m;
if (process.argv[3]) {
  keep = [m, await m[process.argv[3]]()];
}
global.gc();
global.gc();
const b = process.memoryUsage();
console.log(
  spec,
  process.argv[3] ?? '',
  'heapUsed +',
  ((b.heapUsed - a.heapUsed) / 1048576).toFixed(2),
  'rss +',
  ((b.rss - a.rss) / 1048576).toFixed(2),
);
globalThis.k = keep;
