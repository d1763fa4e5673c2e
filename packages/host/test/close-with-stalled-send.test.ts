/**
 * Shutdown stays bounded when the LwM2M server stalls a Send: a scripted server (RawCoapPeer)
 * answers POST /dp with an empty ACK and never sends the response, which would keep a CoAP client
 * waiting up to MAX_TRANSMIT_WAIT (93 s). `close()` waits at most 5 s for Send batches, then
 * de-registers and closes; the stalled Send counts as a failure.
 */
import { generate } from 'coap-packet';
import { expect, it } from 'vitest';
import { startOnePointHost } from './support/one-point-host.js';
import { isRequest } from './support/raw-coap-peer.js';

it('closes within the Send flush bound when the server never answers a Send', async () => {
  await using plant = await startOnePointHost({
    name: 'stalled-send',
    register: { address: 0 },
    point: '/3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, poll: 100ms }',
    tickMs: 50,
    location: 's1',
    host: { send: { intervalMs: 100 } },
  });
  const { peer, host } = plant;
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
}, 30_000);
