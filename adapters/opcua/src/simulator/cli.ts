#!/usr/bin/env node
/**
 * opcua-simulator: serve a simulated OPC UA server from a YAML configuration.
 *
 *   opcua-simulator config.yml [--port N] [--host H] [--delay-ms N]
 *
 * `--port` overrides the file's port (default there: a free ephemeral port). Once ready it prints
 * `listening opc.tcp://127.0.0.1:4840`, then the security it offers and its variables and methods,
 * so a harness can wait for the first line. SIGINT/SIGTERM close it cleanly.
 * Exit codes: 0 after a signal, 2 for an invalid configuration or command line, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { loadOpcuaSimulatorConfigFile } from './config/load-simulator-config.js';
import { OpcuaSimulator } from './opcua-simulator.js';

const usage = 'usage: opcua-simulator config.yml [--port N] [--host H] [--delay-ms N]';

class UsageError extends Error {}

function integer(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw new UsageError(`--${name} needs a number 0..${max}, not "${value}"`);
  return Number(value);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'delay-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one configuration file');
  const config = await loadOpcuaSimulatorConfigFile(positionals[0] as string);
  const port = integer('port', values.port, 65535);
  const delay = integer('delay-ms', values['delay-ms'], 600_000);
  const simulator = new OpcuaSimulator(
    { ...config, ...(values.host === undefined ? {} : { host: values.host }) },
    port === undefined ? {} : { port },
  );
  await simulator.start();
  if (delay !== undefined) simulator.setResponseDelay(delay);
  const security = simulator.config.security;
  console.log(`listening ${simulator.endpointUrl}`);
  console.log(
    `security: ${security.policies.join(', ')}; modes ${security.modes.join(', ')}; ` +
      `${security.allowAnonymous ? 'anonymous allowed' : 'no anonymous'}; ${security.users.length} user(s); PKI ${simulator.pkiFolder}`,
  );
  console.log(`namespaces: ${simulator.namespaces.map((uri, i) => `${i}=${uri}`).join(', ')}`);
  for (const v of simulator.config.variables)
    console.log(
      `variable ${v.node}${v.path === undefined ? '' : ` at ${v.path}`}: ${v.type}${v.array ? '[]' : ''}${v.writable ? ' (writable)' : ''}`,
    );
  for (const m of simulator.config.methods)
    console.log(`method ${m.method} on ${m.object}: ${m.behaviour.kind}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      console.error(`opcua-simulator: ${error.message}\n${usage}`);
      process.exitCode = 2;
    } else if (isCodedError(error, 'CONFIG_INVALID')) {
      console.error(`opcua-simulator: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(`opcua-simulator: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  },
);
