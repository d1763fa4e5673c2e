/**
 * A server writes a point it observes, through the whole host (gateway mode, scripted CoAP server,
 * in-process Modbus PLC): the PLC sees the write and one read of the point, and the observer gets
 * one notification with the new value. The engine reports the write to the observer itself; the
 * host's re-read answers that notification and is not reported to the observer again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModbusSimulator, simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import { expect, it } from 'vitest';
import { compileMappingFile } from '../../src/mapping-loader.js';
import { AdapterHost } from '../../src/runtime/adapter-host.js';
import { hasToken, isRequest, locationPath, RawCoapPeer } from '../support/raw-coap-peer.js';

const TEXT = 0;

it('reads a written, observed point once and notifies its observer once', async () => {
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints([
      { unitId: 1, points: [{ table: 'holdingRegisters', address: 10, type: 'int16' }] },
    ]),
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  simulator.setValue(1, 'holdingRegisters', 10, { type: 'int16', value: 400 });
  const { tcpPort } = await simulator.start();
  const peer = await RawCoapPeer.open();
  const dir = await mkdtemp(join(tmpdir(), 'write-observed-'));
  const file = join(dir, 'plc.yml');
  await writeFile(
    file,
    `version: 1
devices:
  - id: boiler-1
    prefix: boiler1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${tcpPort}, unitId: 1 }
    points:
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }
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
      endpoint: 'write-observed',
      // observed: read once at once, then not again within the test
      runner: { observedPollMs: 60_000 },
    });
    const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
    peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath('w1')] });
    const path = ['boiler1', '3308', '0', '5900'];
    const observe = await peer.request(register.from, {
      code: 'GET',
      uriPath: path,
      observe: 0,
      accept: TEXT,
    });
    expect(observe.response.packet.payload.toString()).toBe('40');
    const runner = host.runner('boiler-1')!;
    // the Observe's own read, then the first background read the observation asked for, done
    await expect.poll(() => [runner.pollIntervals().size, runner.stats().pointReads]).toEqual([1, 2]);
    const before = simulator.stats().requests;

    const written = await peer.request(register.from, {
      code: 'PUT',
      uriPath: path,
      contentFormat: TEXT,
      payload: '55.5',
    });
    expect(written.response.packet.code).toBe('2.04');
    const notified = await peer.nextMessage(hasToken(observe.token), 5_000, 'the notification of 55.5');
    expect(notified.packet.payload.toString()).toBe('55.5');
    // nothing else comes: no second read of the point, no second notification
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.drain(hasToken(observe.token)).map((m) => m.packet.payload.toString())).toEqual([]);
    expect(simulator.readValue(1, 'holdingRegisters', 10, { type: 'int16' })).toBe(555);
    expect(simulator.stats().requests - before).toBe(2); // the write and one read
    expect(runner.stats()).toMatchObject({ writes: 1, adapterReads: 3, pointReads: 3 });

    const deregistered = peer
      .nextMessage(isRequest('DELETE', ['rd', 'w1']), 5_000, 'the De-register')
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
