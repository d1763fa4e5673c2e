#!/usr/bin/env node
/**
 * modbus-simulator: serve a simulated Modbus device from a YAML configuration.
 *
 *   modbus-simulator --config sim.yml [--tcp-host 127.0.0.1] [--tcp-port 5020] [--tcp-framing tcp|rtu|ascii]
 *                    [--rtu-path /dev/pts/N | --ascii-path /dev/ttyUSB0] [--baud 19200] [--parity none|even|odd]
 *
 * Listeners given on the command line replace those of the file; with neither, Modbus TCP listens
 * on 127.0.0.1:5020. Once ready it prints one line per listener, e.g. `listening tcp 127.0.0.1:5020`
 * or `listening rtu /dev/pts/3`, so a harness can wait for it. SIGINT/SIGTERM close it cleanly.
 * Exit codes: 0 after a signal, 2 for an invalid configuration or command line, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import type { ListenerConfigInput } from './config/config-schema.js';
import { loadSimulatorConfigFile } from './config/load-config.js';
import { createModbusSimulator, type ListeningAddress } from './simulator.js';

const usage =
  'usage: modbus-simulator --config sim.yml [--tcp-host H] [--tcp-port N] [--tcp-framing tcp|rtu|ascii] ' +
  '[--rtu-path PATH | --ascii-path PATH] [--baud N] [--parity none|even|odd] [--verbose]';

const DEFAULT_TCP_PORT = 5020;

function listenersFromFlags(
  values: Readonly<Record<string, string | boolean | undefined>>,
): ListenerConfigInput[] {
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const integer = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} needs a number, not "${value}"`);
    return Number(value);
  };
  const listeners: ListenerConfigInput[] = [];
  const tcpPort = integer('tcp-port');
  const tcpHost = text('tcp-host');
  const tcpFraming = text('tcp-framing');
  if (tcpPort !== undefined || tcpHost !== undefined || tcpFraming !== undefined) {
    listeners.push({
      transport: 'tcp',
      host: tcpHost ?? '127.0.0.1',
      port: tcpPort ?? DEFAULT_TCP_PORT,
      framing: parseChoice('tcp-framing', tcpFraming ?? 'tcp', ['tcp', 'rtu', 'ascii'] as const),
    });
  }
  const baudRate = integer('baud') ?? 19_200;
  const parity = parseChoice('parity', text('parity') ?? 'none', ['none', 'even', 'odd'] as const);
  for (const framing of ['rtu', 'ascii'] as const) {
    const path = text(`${framing}-path`);
    if (path !== undefined) listeners.push({ transport: 'serial', path, baudRate, parity, framing });
  }
  return listeners;
}

function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const match = choices.find((choice) => choice === value);
  if (match === undefined)
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, not "${value}"`);
  return match;
}

class UsageError extends Error {}

function describe(address: ListeningAddress): string {
  if (address.transport === 'serial') return `listening ${address.framing} ${address.path}`;
  const name = address.framing === 'tcp' ? 'tcp' : `${address.framing}-over-tcp`;
  return `listening ${name} ${address.host}:${address.port}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      'tcp-host': { type: 'string' },
      'tcp-port': { type: 'string' },
      'tcp-framing': { type: 'string' },
      'rtu-path': { type: 'string' },
      'ascii-path': { type: 'string' },
      baud: { type: 'string' },
      parity: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.config === undefined) throw new UsageError('--config is required');
  const config = await loadSimulatorConfigFile(values.config);
  const flagListeners = listenersFromFlags(values);
  const listeners =
    flagListeners.length > 0
      ? flagListeners
      : (config.listeners ?? [{ transport: 'tcp', host: '127.0.0.1', port: DEFAULT_TCP_PORT }]);
  const simulator = createModbusSimulator(config, {
    listeners,
    ...(values.verbose ? { onDiagnostic: (message: string) => console.error(message) } : {}),
  });
  const addresses = await simulator.start();
  for (const address of addresses.listeners) console.log(describe(address));
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
      console.error(`modbus-simulator: ${error.message}\n${usage}`);
      process.exitCode = 2;
    } else if (isCodedError(error, 'CONFIG_INVALID')) {
      console.error(`modbus-simulator: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(`modbus-simulator: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  },
);
