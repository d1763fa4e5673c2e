/**
 * `npm run kafka-broker [-- --port 9092]`: a local single-node Apache Kafka broker (KRaft) for trying
 * the gateway server's Kafka bridge, from the same Maven Central jars the tests use (Java 17 is
 * enough; `bash test/peers/install.sh` fetches them). Runs until Ctrl-C; its data lives in a
 * temporary directory removed at the end.
 */
import { parseArgs } from 'node:util';
import { startKafkaBroker } from './kafka.js';
import { MissingPeerError } from './peer-process.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9092' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`kafka-broker: --port ${values.port}: expected 1-65535`);
  process.exit(2);
}
try {
  const broker = await startKafkaBroker({ port, partitions: 3 });
  const b = broker.bootstrap;
  console.log(`Kafka ${b} ready (KRaft, one node, started in ${broker.startupMs} ms; data in ${broker.logDir})

Run the whole system writing to it:
  npm start -- --kafka ${b}
or a gateway server of your own:
  npm run gateway-server -- --kafka ${b} --server-id edge1

Then read the records (kcat: apt-get install kcat):
  kcat -b ${b} -C -t iot.demo.observations -f '%k %s\\n'
  kcat -b ${b} -C -t iot.demo.registrations
Every server's observations at once (a regex subscription):
  kcat -b ${b} -G fleet '^iot\\..*\\.observations$'
A management request and its reply:
  echo '{"serverId":"demo","ep":"adapter-host-demo","ticket":"t1","kind":"read","path":"/boiler1/3303/0/5700"}' | kcat -b ${b} -P -t iot.demo.management.req
  kcat -b ${b} -C -t iot.demo.management.rep

Ctrl-C stops the broker.`);
  const stop = new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop;
  await broker.stop();
} catch (error) {
  if (error instanceof MissingPeerError) {
    console.error(`kafka-broker: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
