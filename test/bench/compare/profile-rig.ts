/**
 * The compare benchmark's rig, kept running for profiling by hand (test/bench/README.md): a Modbus
 * simulator with `devices` units of 100 changing points and a gateway server in a child process.
 * Writes the mapping to /tmp/profile-rig/map.yml and the server URI to /tmp/profile-rig/server,
 * then waits for SIGINT/SIGTERM. PROFILE_RIG_DIR: another folder (rigs side by side).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { GatewayServerProcess } from '../gateway/server-process.js';
import { benchMappingYaml, benchSimulatorConfig } from '../host/bench-mapping.js';

const devices = Number(process.argv[2] ?? 100);
const dir = process.env.PROFILE_RIG_DIR || '/tmp/profile-rig';
const sim = createModbusSimulator(benchSimulatorConfig(devices));
const { tcpPort } = await sim.start();
const server = await GatewayServerProcess.start();
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/map.yml`, benchMappingYaml({ devices, port: tcpPort!, poll: '1s' }));
writeFileSync(`${dir}/server`, server.uri);
console.log(`${devices * 100} points on 127.0.0.1:${tcpPort}, gateway server ${server.uri}; Ctrl-C stops`);
const stop = async () => {
  await server.close();
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
