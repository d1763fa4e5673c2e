/**
 * Device management and information reporting of the server engine against our LwM2M client
 * engine (a gateway with one end device under the prefix dev0), both on CoapEndpoints linked in
 * memory on one fake clock: Discover, Create, Delete, the composite operations, block-wise
 * transfers both ways with 16-byte blocks, queue mode and Send in both SenML formats.
 */
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ContentFormat, LwM2mPath, node, ObjectRegistry, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import type { SendEvent, ServerCompositeNotification, ServerNotification } from '../src/index.js';
import { type HarnessOptions, harness, SERVER_PEER, settle } from './support/server-harness.js';

/** Our client as a gateway: /3303/0 (5700 read from `temperatures.gateway`, 5750 writable), dev0 likewise. */
async function gatewayClient(options: HarnessOptions = {}, queueMode = false) {
  const h = harness(options);
  const temperatures = { gateway: 21.5, dev0: 30 };
  const client = new LwM2mClient({
    endpointName: 'gw-1',
    server: { peer: SERVER_PEER, shortServerId: 1, lifetime: 3600, queueMode },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(h.client),
    clock: h.clock,
    gateway: true,
  });
  client.objects.defineObject(3303, {
    instances: { 0: { 5700: { read: () => temperatures.gateway }, 5701: 'Cel', 5750: 'hall' } },
    create: () => undefined,
    delete: () => {},
  });
  client.addEndDevice({
    deviceId: 'urn:dev:modbus:plc7',
    prefix: 'dev0',
    objects: {
      3303: {
        instances: { 0: { 5700: { read: () => temperatures.dev0 }, 5750: 'boiler' } },
        create: () => undefined,
      },
    },
  });
  client.start();
  await settle(60);
  expect(h.server.registration('gw-1')).toBeDefined();
  return { h, client, temperatures };
}

async function exchange<T>(promise: Promise<T>, rounds = 60): Promise<T> {
  await settle(rounds);
  return promise;
}

const path = (text: string) => LwM2mPath.parse(text);

describe('device management with our client', () => {
  it('Discover: the links of an object and of the same object under the prefix', async () => {
    const { h } = await gatewayClient();
    const own = await exchange(h.server.discover('gw-1', '/3303/0'));
    expect(own.code).toBe('2.05');
    expect(own.links?.map((l) => l.path.toString())).toEqual([
      '/3303/0',
      '/3303/0/5700',
      '/3303/0/5701',
      '/3303/0/5750',
    ]);
    const device = await exchange(h.server.discover('gw-1', '/dev0/3303'));
    expect(device.links?.map((l) => l.path.toString())).toEqual([
      '/3303',
      '/3303/0',
      '/3303/0/5700',
      '/3303/0/5750',
    ]);
  });

  it('Create with and without an instance id, on the gateway and under the prefix; Delete', async () => {
    const { h, client } = await gatewayClient();
    const resources = [node.resource(5700, value.float(5)), node.resource(5750, value.string('new'))];
    const assigned = await exchange(h.server.create('gw-1', '/3303', { resources }));
    expect(assigned).toMatchObject({ code: '2.01', instanceId: 1 });
    const named = await exchange(h.server.create('gw-1', '/3303', node.instance(7, resources)));
    expect(named).toMatchObject({ code: '2.01', instanceId: 7 });
    const onDevice = await exchange(h.server.create('gw-1', '/dev0/3303', { resources }));
    expect(onDevice).toMatchObject({ code: '2.01', instanceId: 1 });
    expect(client.objects.instanceIds(3303)).toEqual([0, 1, 7]);
    expect(client.endDevice('dev0')?.objects.instanceIds(3303)).toEqual([0, 1]);
    const read = await exchange(h.server.read('gw-1', '/3303/7/5750'));
    expect(read.node).toEqual(node.resource(5750, value.string('new')));

    expect((await exchange(h.server.delete('gw-1', '/3303/7'))).code).toBe('2.02');
    expect((await exchange(h.server.read('gw-1', '/3303/7'))).code).toBe('4.04');
    // dev0's 3303 declares no delete handler
    expect((await exchange(h.server.delete('gw-1', '/dev0/3303/1'))).code).toBe('4.05');
  });

  it('Read-Composite and Write-Composite across the gateway and its end device', async () => {
    const { h } = await gatewayClient();
    const written = await exchange(
      h.server.writeComposite('gw-1', [
        { path: path('/3303/0/5750'), node: node.resource(5750, value.string('lobby')) },
        { path: path('/dev0/3303/0/5750'), node: node.resource(5750, value.string('furnace')) },
      ]),
    );
    expect(written.code).toBe('2.04');
    const read = await exchange(
      h.server.readComposite('gw-1', ['/3303/0/5750', '/dev0/3303/0/5750', '/dev0/3303/0/5700', '/3303/9/1']),
    );
    expect(read.code).toBe('2.05');
    // the client registers one ct (its preferred format, SenML JSON): the server asks in it
    expect(read.contentFormat).toBe(ContentFormat.SENML_JSON);
    expect(read.nodes?.map((n) => [n.path.toString(), n.node])).toEqual([
      ['/3303/0/5750', node.resource(5750, value.string('lobby'))],
      ['/dev0/3303/0/5750', node.resource(5750, value.string('furnace'))],
      ['/dev0/3303/0/5700', node.resource(5700, value.float(30))],
    ]);
  });

  it('Observe-Composite: notifications of changes on both, then an active cancel', async () => {
    const { h, client, temperatures } = await gatewayClient();
    const seen: ServerCompositeNotification[] = [];
    const observed = await exchange(
      h.server.observeComposite('gw-1', ['/3303/0/5700', '/dev0/3303/0/5700'], {
        onNotification: (n) => seen.push(n),
      }),
    );
    expect(observed.nodes?.map((n) => n.node)).toEqual([
      node.resource(5700, value.float(21.5)),
      node.resource(5700, value.float(30)),
    ]);
    temperatures.dev0 = 31;
    client.changed('/dev0/3303/0/5700');
    h.clock.advance(0);
    await settle(60);
    expect(seen.map((n) => n.nodes?.map((v) => [v.path.toString(), v.node]))).toEqual([
      [
        ['/3303/0/5700', node.resource(5700, value.float(21.5))],
        ['/dev0/3303/0/5700', node.resource(5700, value.float(31))],
      ],
    ]);
    expect(client.observations()).toHaveLength(1);
    const cancelled = await exchange(observed.observation!.cancel({ active: true }));
    expect(cancelled?.code).toBe('2.05');
    expect(client.observations()).toEqual([]);
  });
});

describe('block-wise with 16-byte blocks', () => {
  const long = 'a long location text that needs many blocks: '.repeat(4);

  it('a large Write goes in Block1 blocks, a large Read comes back in Block2 blocks', async () => {
    const { h } = await gatewayClient({ coapLimits: { blockSize: 16 } });
    const before = h.toClient.sent;
    const written = await exchange(
      h.server.write('gw-1', '/3303/0/5750', node.resource(5750, value.string(long)), {
        format: ContentFormat.TEXT,
      }),
      400,
    );
    expect(written.code).toBe('2.04');
    expect(h.toClient.sent - before).toBeGreaterThanOrEqual(Math.ceil(long.length / 16));
    const readBefore = h.toClient.sent;
    const read = await exchange(h.server.read('gw-1', '/3303/0', { format: ContentFormat.SENML_JSON }), 400);
    expect(read.node).toEqual(
      node.instance(0, [
        node.resource(5700, value.float(21.5)),
        node.resource(5701, value.string('Cel')),
        node.resource(5750, value.string(long)),
      ]),
    );
    // one request per block of the answer
    expect(h.toClient.sent - readBefore).toBeGreaterThan(long.length / 16);
    expect(h.serverEndpoint.stats().internalErrors + h.client.stats().internalErrors).toBe(0);
  });

  it('a large notification is completed from its Block2 blocks', async () => {
    const { h } = await gatewayClient({ coapLimits: { blockSize: 16 } });
    const seen: ServerNotification[] = [];
    const { observation } = await exchange(
      h.server.observe('gw-1', '/3303/0/5750', {
        format: ContentFormat.TEXT,
        onNotification: (n) => seen.push(n),
      }),
      100,
    );
    expect(observation).toBeDefined();
    const written = await exchange(
      h.server.write('gw-1', '/3303/0/5750', node.resource(5750, value.string(long)), {
        format: ContentFormat.TEXT,
      }),
      400,
    );
    expect(written.code).toBe('2.04');
    // the client notifies the value the server wrote
    h.clock.advance(0);
    await settle(400);
    expect(seen.map((n) => n.node)).toEqual([node.resource(5750, value.string(long))]);
    expect(h.serverEndpoint.stats().observing.blockwiseFailed).toBe(0);
  });
});

describe('information reporting and queue mode with our client', () => {
  it('Send in SenML JSON and SenML CBOR', async () => {
    const { h, client } = await gatewayClient();
    const sends: SendEvent[] = [];
    h.server.on('send', (event) => sends.push(event));
    for (const contentFormat of [110, 112] as const) {
      const sent = client.send([{ path: '/dev0/3303/0/5700' }, { path: '/3303/0/5700' }], { contentFormat });
      await settle(60);
      expect((await sent).status).toBe('sent');
    }
    expect(sends.map((s) => [s.contentFormat, s.values.map((v) => [v.path.toString(), v.node])])).toEqual(
      [110, 112].map((format) => [
        format,
        [
          ['/dev0/3303/0/5700', node.resource(5700, value.float(30))],
          ['/3303/0/5700', node.resource(5700, value.float(21.5))],
        ],
      ]),
    );
  });

  it('a queue-mode client: a Read waits while it sleeps and is answered after its next Update', async () => {
    const { h, client } = await gatewayClient({}, true);
    expect(h.server.registration('gw-1')?.queueMode).toBe(true);
    h.clock.advance(93_000);
    expect(h.server.presence('gw-1')).toBe('asleep');
    const read = h.server.read('gw-1', '/dev0/3303/0/5700');
    await settle(60);
    expect(h.server.queuedRequests('gw-1')).toBe(1);
    client.requestUpdate();
    h.clock.advance(0);
    const result = await exchange(read, 100);
    expect(result.node).toEqual(node.resource(5700, value.float(30)));
    expect(h.server.presence('gw-1')).toBe('awake');
    expect(h.server.stats().queue).toMatchObject({ flushed: 1, queued: 0 });
  });
});
