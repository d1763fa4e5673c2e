/**
 * `npm run bench`: runs every benchmark and prints markdown tables (copy them into BENCHMARKS.md
 * with the machine and date). Every case is bounded in time and count.
 */
import { cpus, totalmem } from 'node:os';
import { runCodecBench } from './codecs.bench.js';
import { runLwM2mClientBench } from './lwm2m-client.bench.js';
import { runModbusBench } from './modbus.bench.js';
import { runModbusSimulatorBench } from './modbus-simulator.bench.js';

console.log(
  `# lwm2m-adapters benchmarks\n\nnode ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`,
);
runCodecBench();
await runModbusSimulatorBench();
await runModbusBench();
await runLwM2mClientBench();
