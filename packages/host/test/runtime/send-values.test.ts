/**
 * What a Send (POST /dp) carries: the reading whose change the device runner reported, handed to
 * the engine with the path. Building the Send reads nothing back from the runner, so a Send that
 * goes after the reading aged past the cache bound does not make the device read again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentFormat, LwM2mCodecs, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { createModbusSimulator, simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import { expect, it } from 'vitest';
import { compileMappingFile } from '../../src/mapping-loader.js';
import { AdapterHost } from '../../src/runtime/adapter-host.js';
import { isRequest, locationPath, RawCoapPeer } from '../support/raw-coap-peer.js';

it('sends the reported reading without reading the device again', async () => {
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints([
      { unitId: 1, points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }] },
    ]),
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 215 });
  const { tcpPort } = await simulator.start();
  const peer = await RawCoapPeer.open();
  const dir = await mkdtemp(join(tmpdir(), 'send-values-'));
  const file = join(dir, 'plc.yml');
  // not polled: the only reading is the server's Read below
  await writeFile(
    file,
    `version: 1
devices:
  - id: boiler-1
    prefix: boiler1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${tcpPort}, unitId: 1 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1 }
`,
  );
  let host: AdapterHost | undefined;
  try {
    const { result, adapters } = await compileMappingFile(file, {});
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    host = await AdapterHost.start({
      mapping: result.mapping,
      adapters,
      server: { uri: peer.uri, lifetime: 300 },
      mode: 'gateway',
      endpoint: 'send-values',
      // a reading is stale after 20 ms; the Send goes 200 ms after the change
      runner: { cacheMaxAgeMs: 20 },
      send: { intervalMs: 200 },
    });
    const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
    peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath('s1')] });

    const read = await peer.request(register.from, {
      code: 'GET',
      uriPath: ['boiler1', '3303', '0', '5700'],
      accept: ContentFormat.TEXT,
    });
    expect(read.response.packet.payload.toString()).toBe('21.5');
    const runner = host.runner('boiler-1')!;
    expect(runner.stats().adapterReads).toBe(1);

    const send = await peer.nextMessage(isRequest('POST', ['dp']), 5_000, 'the Send');
    peer.reply(send, { code: '2.04' });
    const codecs = new LwM2mCodecs(ObjectRegistry.withOmaObjects());
    const sent = codecs.decodeTimestampedNodes(send.packet.payload, ContentFormat.SENML_CBOR);
    expect(sent.map(({ path, node }) => [path.toString(), node])).toEqual([
      ['/boiler1/3303/0/5700', { kind: 'resource', id: 5700, value: { type: 'float', value: 21.5 } }],
    ]);
    // the Send carried the reading: neither the cache nor the device was asked for it
    expect(runner.stats()).toMatchObject({ adapterReads: 1, cacheHits: 0 });

    const deregistered = peer
      .nextMessage(isRequest('DELETE', ['rd', 's1']), 5_000, 'the De-register')
      .then((m) => peer.reply(m, { code: '2.02' }));
    await host.close();
    await deregistered;
  } finally {
    await host?.close();
    await peer.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
