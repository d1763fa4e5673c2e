/**
 * A host of one Modbus device with one mapped point, in gateway mode, registered with a scripted
 * CoAP server (RawCoapPeer) and served by an in-process Modbus simulator: what the host-level
 * tests of one behaviour (a write, a Send, shutdown) start from.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModbusSimulator,
  type ModbusSimulator,
  simulatorConfigFromPoints,
} from '@lwm2m-adapters/modbus/simulator';
import { compileMappingFile } from '../../src/mapping-loader.js';
import { AdapterHost, type AdapterHostOptions } from '../../src/runtime/adapter-host.js';
import { isRequest, locationPath, type PeerMessage, RawCoapPeer } from './raw-coap-peer.js';

export interface OnePointHostOptions {
  /** Names the temporary folder and the gateway endpoint. */
  readonly name: string;
  /** The int16 holding register the point reads, and its value at start. */
  readonly register: { readonly address: number; readonly value?: number };
  /** The mapping line of the point, e.g. `/3303/0/5700: { source: { ... } }` (device prefix boiler1). */
  readonly point: string;
  /** The simulator's signal tick. */
  readonly tickMs?: number;
  /** The registration location the scripted server answers: `/rd/<location>`. */
  readonly location: string;
  readonly host?: Pick<AdapterHostOptions, 'runner' | 'send'>;
}

export interface OnePointHost extends AsyncDisposable {
  readonly simulator: ModbusSimulator;
  readonly peer: RawCoapPeer;
  readonly host: AdapterHost;
  /** The Register the server answered 2.01. */
  readonly register: PeerMessage;
  /** Expects the De-register, answers it, and closes the host: what the host's close sends. */
  closeHost(): Promise<void>;
}

export async function startOnePointHost(options: OnePointHostOptions): Promise<OnePointHost> {
  const { address, value } = options.register;
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints(
      [{ unitId: 1, points: [{ table: 'holdingRegisters', address, type: 'int16' }] }],
      options.tickMs === undefined ? {} : { tickMs: options.tickMs },
    ),
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  if (value !== undefined) simulator.setValue(1, 'holdingRegisters', address, { type: 'int16', value });
  const { tcpPort } = await simulator.start();
  const peer = await RawCoapPeer.open();
  const dir = await mkdtemp(join(tmpdir(), `${options.name}-`));
  let host: AdapterHost | undefined;
  const cleanUp = async () => {
    await host?.close();
    await peer.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'plc.yml');
    await writeFile(
      file,
      [
        'version: 1',
        'devices:',
        '  - id: boiler-1',
        '    prefix: boiler1',
        '    adapter: modbus',
        `    connection: { transport: tcp, host: 127.0.0.1, port: ${tcpPort}, unitId: 1 }`,
        '    points:',
        `      ${options.point}`,
        '',
      ].join('\n'),
    );
    const { result, adapters } = await compileMappingFile(file, {});
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const started = await AdapterHost.start({
      mapping: result.mapping,
      adapters,
      server: { uri: peer.uri, lifetime: 300 },
      mode: 'gateway',
      endpoint: options.name,
      ...options.host,
    });
    host = started;
    const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
    peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath(options.location)] });
    return {
      simulator,
      peer,
      host: started,
      register,
      async closeHost() {
        const deregistered = peer
          .nextMessage(isRequest('DELETE', ['rd', options.location]), 10_000, 'the De-register')
          .then((m) => peer.reply(m, { code: '2.02' }));
        await started.close();
        await deregistered;
      },
      [Symbol.asyncDispose]: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
