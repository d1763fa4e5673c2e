/**
 * What a Send (POST /dp) carries: the reading whose change the device runner reported, handed to
 * the engine with the path. Building the Send reads nothing back from the runner, so a Send that
 * goes after the reading aged past the cache bound does not make the device read again.
 */
import { ContentFormat, LwM2mCodecs, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { expect, it } from 'vitest';
import { startOnePointHost } from '../support/one-point-host.js';
import { isRequest } from '../support/raw-coap-peer.js';

it('sends the reported reading without reading the device again', async () => {
  // not polled: the only reading is the server's Read below
  await using plant = await startOnePointHost({
    name: 'send-values',
    register: { address: 0, value: 215 },
    point: '/3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1 }',
    location: 's1',
    // a reading is stale after 20 ms; the Send goes 200 ms after the change
    host: { runner: { cacheMaxAgeMs: 20 }, send: { intervalMs: 200 } },
  });
  const { peer, host, register } = plant;

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

  await plant.closeHost();
}, 30_000);
