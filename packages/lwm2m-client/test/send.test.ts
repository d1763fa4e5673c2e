import { describe, expect, it } from 'vitest';
import { createClient, registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { response, text, timeout } from './support/fake-link.js';
import { declareTestObjects, testCodecs } from './support/test-objects.js';

async function setup(options: Parameters<typeof registeredClient>[0] = {}) {
  const fixture = await registeredClient({ gateway: true, ...options });
  declareTestObjects(fixture.client);
  fixture.client.addEndDevice({
    deviceId: 'urn:dev:modbus:plc7',
    prefix: 'dev0',
    objects: { 3303: { instances: { 0: { 5700: 21.7 } } } },
  });
  await settle();
  return fixture;
}

const at = (iso: string) => new Date(iso);

describe('Send', () => {
  it('posts timestamped values of the gateway and its devices to /dp in SenML JSON', async () => {
    const { client, link } = await setup();
    const result = await client.send(
      [
        { path: '/dev0/3303/0/5700', value: 21.7, timestamp: at('2024-06-10T06:13:20Z') },
        { path: '/3303/0/5700', value: 22, timestamp: at('2024-06-10T06:13:30Z') },
        { path: '/3303/0/5701' },
      ],
      { contentFormat: 110 },
    );
    expect(result).toEqual({ status: 'sent', messages: 1 });
    const [post] = link.requestsTo('dp', 'POST');
    expect(post?.request.contentFormat).toBe(110);
    expect(JSON.parse(text(post?.request.payload))).toEqual([
      { bn: '/3303/0/', n: '5701', vs: 'Cel' },
      { bn: '/dev0/3303/0/', bt: 1718000000, n: '5700', v: 21.7 },
      { bn: '/3303/0/', bt: 1718000010, n: '5700', v: 22 },
    ]);
  });

  it('uses SenML CBOR by default', async () => {
    const { client, link } = await setup();
    await client.send([{ path: '/3303/0/5700', value: 19.5, timestamp: at('2024-06-10T06:13:20Z') }]);
    const [post] = link.requestsTo('dp');
    expect(post?.request.contentFormat).toBe(112);
    const decoded = testCodecs.decodeTimestampedNodes(post!.request.payload!, 112);
    expect(decoded[0]?.path.toString()).toBe('/3303/0/5700');
    expect(decoded[0]?.timestamp?.toISOString()).toBe('2024-06-10T06:13:20.000Z');
  });

  it('honours Mute Send, which a server can write', async () => {
    const { client, link } = await setup({ server: { muteSend: true } });
    expect(await client.send([{ path: '/3303/0/5700', value: 1 }])).toEqual({ status: 'muted', messages: 0 });
    expect(link.requestsTo('dp')).toHaveLength(0);
    expect((await link.send({ path: '/1/0/23', method: 'PUT', contentFormat: 0, payload: '0' }))?.code).toBe(
      '2.04',
    );
    expect((await client.send([{ path: '/3303/0/5700', value: 1 }])).status).toBe('sent');
    await link.send({ path: '/1/0/23', method: 'PUT', contentFormat: 0, payload: '1' });
    expect((await client.send([{ path: '/3303/0/5700', value: 1 }])).status).toBe('muted');
  });

  it('does not send before registration', async () => {
    const { client, link } = createClient();
    expect((await client.send([{ path: '/3/0/0' }])).status).toBe('not-registered');
    expect(link.requests).toHaveLength(0);
  });

  it('splits large batches and reports refusals and timeouts', async () => {
    const { client, link } = await setup({ limits: { maxSendEntriesPerMessage: 2 } });
    const entries = [1, 2, 3, 4, 5].map((v) => ({ path: '/3303/0/5700', value: v }));
    expect(await client.send(entries)).toEqual({ status: 'sent', messages: 3 });
    link.responder = () => response('4.04');
    expect(await client.send(entries)).toMatchObject({ status: 'rejected', code: '4.04', messages: 0 });
    link.responder = timeout;
    const failed = await client.send(entries);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('COAP_TIMEOUT');
  });

  it('throws for unknown paths and values of the wrong type', async () => {
    const { client } = await setup();
    await expect(client.send([{ path: '/3303/0/5602', value: 1 }])).rejects.toMatchObject({
      code: 'RESOURCE_UNKNOWN',
    });
    await expect(client.send([{ path: '/devX/3303/0/5700' }])).rejects.toMatchObject({
      code: 'RESOURCE_UNKNOWN',
    });
    await expect(client.send([{ path: '/3303/0/5700', value: 'warm' }])).rejects.toMatchObject({
      code: 'NODE_INVALID',
    });
    await expect(client.send([{ path: '/0/0/0' }])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
