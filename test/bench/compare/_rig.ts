// keeps a simulator (100 units) + gateway server running, prints the mapping file and server uri
import { writeFileSync } from 'node:fs';
import { createModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { GatewayServerProcess } from '../gateway/server-process.js';
import { benchMappingYaml, benchSimulatorConfig } from '../host/bench-mapping.js';

const devices = Number(process.argv[2] ?? 100);
const sim = createModbusSimulator(benchSimulatorConfig(devices));
const { tcpPort } = await sim.start();
const server = await GatewayServerProcess.start();
writeFileSync('/tmp/prof-map.yml', benchMappingYaml({ devices, port: tcpPort!, poll: '1s' }));
writeFileSync('/tmp/prof-server', server.uri);
console.log('ready', server.uri);
process.on('SIGTERM', async () => {
  await server.close();
  await sim.close();
  process.exit(0);
});
