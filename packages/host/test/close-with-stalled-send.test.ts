/**
 * Shutdown stays bounded when the LwM2M server stalls a Send: a scripted server (RawCoapPeer)
 * answers POST /dp with an empty ACK and never sends the response, which would keep a CoAP client
 * waiting up to MAX_TRANSMIT_WAIT (93 s). `close()` waits at most 5 s for Send batches, then
 * de-registers and closes; the stalled Send counts as a failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModbusSimulator, simulatorConfigFromPoints } from '@lwm2m-adapters/modbus/simulator';
import { generate } from 'coap-packet';
import { expect, it } from 'vitest';
import { compileMappingFile } from '../src/mapping-loader.js';
import { AdapterHost } from '../src/runtime/adapter-host.js';
import { isRequest, locationPath, RawCoapPeer } from './support/raw-coap-peer.js';

it('closes within the Send flush bound when the server never answers a Send', async () => {
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints(
      [{ unitId: 1, points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }] }],
      {
        tickMs: 50,
      },
    ),
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  const { tcpPort } = await simulator.start();
  const peer = await RawCoapPeer.open();
  const dir = await mkdtemp(join(tmpdir(), 'stalled-send-'));
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
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, poll: 100ms }
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
      endpoint: 'stalled-send',
      send: { intervalMs: 100 },
    });
    const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
    peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath('s1')] });
    const send = await peer.nextMessage(isRequest('POST', ['dp']), 5_000, 'a Send');
    // an empty ACK: "the response follows", which it never does
    peer.send(
      generate({
        ack: true,
        confirmable: false,
        code: '0.00',
        messageId: send.packet.messageId,
        token: Buffer.alloc(0),
      }),
      send.from,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the ACK has arrived; the Send waits
    const waiting = host.status().endpoints[0]!;
    expect(waiting.sendMessages).toBe(0);

    const deregistered = peer
      .nextMessage(isRequest('DELETE', ['rd', 's1']), 10_000, 'the De-register')
      .then((m) => peer.reply(m, { code: '2.02' }));
    const started = performance.now();
    await host.close();
    const tookMs = performance.now() - started;
    await deregistered;
    // the 5 s flush bound, then a prompt De-register and close; without the bound this is ~90 s
    expect(tookMs).toBeGreaterThan(4_500);
    expect(tookMs).toBeLessThan(10_000);
    expect(host.status().endpoints[0]).toMatchObject({ sendMessages: 0, sendFailures: 1 });
  } finally {
    await host?.close();
    await peer.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
