/**
 * `npm run bench`: runs every benchmark and prints markdown tables (copy them into BENCHMARKS.md
 * with the machine and date). Each case is bounded in time (~1.3 s).
 */
import { cpus, totalmem } from 'node:os';
import { runCodecBench } from './codecs.bench.js';

console.log(
  `# lwm2m-adapters benchmarks\n\nnode ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`,
);
runCodecBench();
