/**
 * `npm run bench`: runs every benchmark and prints markdown tables (copy them into BENCHMARKS.md
 * with the machine and date). Every case is bounded in time and count.
 * `npm run bench -- host modbus` runs only the named suites (codecs, modbus-simulator, modbus,
 * modbus-dead-unit, lwm2m-client, dtls-server, coap-hostile, host, mapping-validation,
 * gateway-server, console, kafka, opcua); `host-<section>` runs one section of the host suite
 * (host-start, host-memory, host-latency, host-send, host-observe-all), `gateway-server-<section>`
 * one of the gateway-server
 * suite (gateway-server-registrations, -children, -ingest, -latency), `kafka-<section>` one of the
 * Kafka bridge suite (kafka-produce, -replay, -latency; a KRaft broker from test/peers/kafka.ts);
 * `opcua-<section>` one of the OPC UA suite (opcua-ingest, -memory, -start, -restart);
 * `compare` runs the host against Telegraf's Modbus input (test/bench/compare/), `compare-soak` the
 * host alone for COMPARE_SOAK_S seconds; `client-compare` our LwM2M client against the Leshan client
 * (test/bench/client-compare/).
 */
import { cpus, totalmem } from 'node:os';
import { runClientCompareBench } from './client-compare/client-compare.bench.js';
import { runCoapHostileBench } from './coap-hostile.bench.js';
import { runCodecBench } from './codecs.bench.js';
import { runCompareBench, runCompareSoak } from './compare/compare.bench.js';
import { runConsoleBench } from './console.bench.js';
import { runDtlsServerBench } from './dtls-server.bench.js';
import { gatewayServerBenchSections, runGatewayServerBench } from './gateway-server-bench.js';
import { hostBenchSections, runHostBench } from './host-bench.js';
import { kafkaBenchSections, runKafkaBench } from './kafka.bench.js';
import { runLwM2mClientBench } from './lwm2m-client.bench.js';
import { runMappingValidationBench } from './mapping-validation.bench.js';
import { runModbusBench } from './modbus.bench.js';
import { runModbusDeadUnitBench } from './modbus-dead-unit.bench.js';
import { runModbusSimulatorBench } from './modbus-simulator.bench.js';
import { opcuaBenchSections, runOpcuaBench } from './opcua.bench.js';

const suites: Record<string, () => unknown> = {
  codecs: runCodecBench,
  'modbus-simulator': runModbusSimulatorBench,
  modbus: runModbusBench,
  'modbus-dead-unit': runModbusDeadUnitBench,
  'lwm2m-client': runLwM2mClientBench,
  'dtls-server': runDtlsServerBench,
  'coap-hostile': runCoapHostileBench,
  host: () => runHostBench(),
  'mapping-validation': runMappingValidationBench,
  'gateway-server': () => runGatewayServerBench(),
  console: runConsoleBench,
  kafka: () => runKafkaBench(),
  opcua: () => runOpcuaBench(),
  compare: runCompareBench,
  'client-compare': runClientCompareBench,
};
/** Sections of a suite, runnable alone; a run without names runs the suites, not these again. */
const sections: Record<string, () => unknown> = {
  'compare-soak': runCompareSoak,
  ...Object.fromEntries(
    Object.keys(hostBenchSections).map((section) => [
      `host-${section}`,
      () => runHostBench([section as keyof typeof hostBenchSections]),
    ]),
  ),
  ...Object.fromEntries(
    Object.keys(kafkaBenchSections).map((section) => [
      `kafka-${section}`,
      () => runKafkaBench([section as keyof typeof kafkaBenchSections]),
    ]),
  ),
  ...Object.fromEntries(
    Object.keys(gatewayServerBenchSections).map((section) => [
      `gateway-server-${section}`,
      () => runGatewayServerBench([section as keyof typeof gatewayServerBenchSections]),
    ]),
  ),
  ...Object.fromEntries(
    Object.keys(opcuaBenchSections).map((section) => [
      `opcua-${section}`,
      () => runOpcuaBench([section as keyof typeof opcuaBenchSections]),
    ]),
  ),
};
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in suites) && !(name in sections));
if (unknown.length > 0) {
  console.error(
    `unknown suite(s) ${unknown.join(', ')}; known: ${[...Object.keys(suites), ...Object.keys(sections)].join(', ')}`,
  );
  process.exit(2);
}

console.log(
  `# lwm2m-adapters benchmarks\n\nnode ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`,
);
for (const [name, run] of Object.entries({ ...suites, ...sections })) {
  if ((wanted.length === 0 && name in suites) || wanted.includes(name)) await run();
}
