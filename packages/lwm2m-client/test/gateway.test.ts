import { describe, expect, it } from 'vitest';
import type { EndDeviceOptions } from '../src/objects/client-data-model.js';
import { deviceInstance } from '../src/objects/device-object.js';
import { registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { text } from './support/fake-link.js';

const GATEWAY_LINKS = '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</25>;ver=2.0,</25/0>,</25/1>';

async function setup() {
  const fixture = await registeredClient({ gateway: true });
  const { client, clock } = fixture;
  let plc7 = 21.5;
  const dev0: EndDeviceOptions = {
    deviceId: 'urn:dev:modbus:plc7',
    prefix: 'dev0',
    objects: {
      3: { instances: { 0: deviceInstance({ manufacturer: 'PLC Corp' }, clock) } },
      3303: { version: '1.1', instances: { 0: { 5700: { read: () => plc7 }, 5701: 'Cel' }, 1: { 5700: 4 } } },
    },
  };
  client.addEndDevice(dev0);
  client.addEndDevice({
    deviceId: 'urn:dev:opcua:line2',
    prefix: 'dev1',
    objects: {
      3: { instances: { 0: deviceInstance({}, clock) } },
      3306: { version: '1.0', instances: { 0: { 5850: true } } },
    },
  });
  await settle();
  return {
    ...fixture,
    setPlc7: (value: number) => {
      plc7 = value;
      client.changed('/dev0/3303/0/5700');
    },
  };
}

describe('gateway registration', () => {
  it('lists only its own objects and the /25 instances, with ver=2.0', async () => {
    const { link } = await setup();
    const updates = link.requestsTo('rd/5a3f');
    expect(text(updates.at(-1)?.request.payload)).toBe(GATEWAY_LINKS);
  });

  it('registers with the full list when end devices exist before start', async () => {
    const { link } = await setup();
    const register = link.requestsTo('rd', 'POST')[0];
    expect(text(register?.request.payload)).toBe('</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</25>;ver=2.0');
  });
});

describe('/25 LwM2M Gateway', () => {
  it('reads /25 in SenML JSON with Device ID, Prefix and IoT Device Objects', async () => {
    const { link } = await setup();
    const res = await link.send({ path: '/25', accept: 110 });
    expect(JSON.parse(text(res?.payload))).toEqual([
      { bn: '/25/0/', n: '0', vs: 'urn:dev:modbus:plc7' },
      { n: '1', vs: 'dev0' },
      { n: '3', vs: '</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>' },
      { bn: '/25/1/', n: '0', vs: 'urn:dev:opcua:line2' },
      { n: '1', vs: 'dev1' },
      { n: '3', vs: '</3/0>,</3306/0>' },
    ]);
    expect(text((await link.send({ path: '/25/0/3' }))?.payload)).toBe(
      '</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>',
    );
  });

  it('refuses writes to /25', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/25/0/1', method: 'PUT', contentFormat: 0, payload: 'x' }))?.code).toBe(
      '4.05',
    );
    expect((await link.send({ path: '/25/0', method: 'DELETE' }))?.code).toBe('4.05');
  });
});

describe('end device addressing', () => {
  it('reads, writes and discovers under the prefix', async () => {
    const { link } = await setup();
    expect(text((await link.send({ path: '/dev0/3303/0/5700' }))?.payload)).toBe('21.5');
    expect(text((await link.send({ path: '/dev0/3/0/0' }))?.payload)).toBe('PLC Corp');
    const senml = await link.send({ path: '/dev0/3303/0', accept: 110 });
    expect(JSON.parse(text(senml?.payload))).toEqual([
      { bn: '/dev0/3303/0/', n: '5700', v: 21.5 },
      { n: '5701', vs: 'Cel' },
    ]);
    expect(
      (await link.send({ path: '/dev1/3306/0/5850', method: 'PUT', contentFormat: 0, payload: '0' }))?.code,
    ).toBe('2.04');
    expect(text((await link.send({ path: '/dev1/3306/0/5850' }))?.payload)).toBe('0');
    expect(text((await link.send({ path: '/dev0/3303', accept: 40 }))?.payload)).toBe(
      '</3303>;ver=1.1,</3303/0>,</3303/0/5700>,</3303/0/5701>,</3303/1>,</3303/1/5700>',
    );
  });

  it('answers 4.04 for unknown prefixes and objects the device does not have', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/dev9/3303/0/5700' }))?.code).toBe('4.04');
    expect((await link.send({ path: '/dev1/3303/0' }))?.code).toBe('4.04');
    expect((await link.send({ path: '/rd' }))?.code).toBe('4.04');
    expect((await link.send({ path: '/dev0' }))?.code).toBe('4.05');
  });

  it('keeps attributes per device path', async () => {
    const { link } = await setup();
    await link.send({ path: '/dev0/3303/0/5700', method: 'PUT', query: ['pmin=10'] });
    expect(text((await link.send({ path: '/dev0/3303/0/5700', accept: 40 }))?.payload)).toBe(
      '</3303/0/5700>;pmin=10',
    );
  });

  it('observes a device resource', async () => {
    const { link, setPlc7 } = await setup();
    const res = await link.send({ path: '/dev0/3303/0/5700', observe: 0, accept: 110 });
    expect(res?.observe).toBeDefined();
    setPlc7(22);
    await settle();
    expect(JSON.parse(text(link.notifications[0]?.response.payload))).toEqual([
      { bn: '/dev0/3303/0/', n: '5700', v: 22 },
    ]);
  });

  it('reads and writes composites mixing the gateway and several devices', async () => {
    const { link } = await setup();
    const read = await link.send({
      method: 'FETCH',
      contentFormat: 110,
      payload: JSON.stringify([{ n: '/dev0/3303/0/5700' }, { n: '/dev1/3306/0/5850' }, { n: '/1/0/1' }]),
    });
    expect(JSON.parse(text(read?.payload))).toEqual([
      { bn: '/dev0/3303/0/', n: '5700', v: 21.5 },
      { bn: '/dev1/3306/0/', n: '5850', vb: true },
      { bn: '/1/0/', n: '1', v: 300 },
    ]);
    const write = await link.send({
      method: 'IPATCH',
      contentFormat: 110,
      payload: JSON.stringify([{ bn: '/dev1/3306/0/', n: '5850', vb: false }]),
    });
    expect(write?.code).toBe('2.04');
    expect(text((await link.send({ path: '/dev1/3306/0/5850' }))?.payload)).toBe('0');
  });
});

describe('end devices coming and going', () => {
  it('adds a device: /25 grows, /25 observers hear of it, an Update carries the full list', async () => {
    const { client, link } = await setup();
    await link.send({ path: '/25', observe: 0, accept: 110, token: '25' });
    const updatesBefore = link.requestsTo('rd/5a3f').length;
    client.addEndDevice({ deviceId: 'urn:dev:x', prefix: 'dev2' });
    await settle();
    const updates = link.requestsTo('rd/5a3f');
    expect(updates).toHaveLength(updatesBefore + 1);
    expect(text(updates.at(-1)?.request.payload)).toBe(`${GATEWAY_LINKS},</25/2>`);
    expect(link.notifications.filter((n) => n.token === '25').length).toBeGreaterThan(0);
  });

  it('removes a device: its observations end with 4.04 and an Update drops its /25 instance', async () => {
    const { client, link } = await setup();
    await link.send({ path: '/dev0/3303/0/5700', observe: 0, token: 'd0' });
    await link.send({ path: '/dev1/3306/0/5850', observe: 0, token: 'd1' });
    expect(client.removeEndDevice('dev0')).toBe(true);
    await settle();
    expect(
      link.notifications.filter((n) => n.token === 'd0').map((n) => [n.response.code, n.confirmable]),
    ).toEqual([['4.04', true]]);
    expect(client.observations().map((o) => o.token)).toEqual(['d1']);
    expect(text(link.requestsTo('rd/5a3f').at(-1)?.request.payload)).toBe(
      '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</25>;ver=2.0,</25/1>',
    );
    expect((await link.send({ path: '/dev0/3303/0/5700' }))?.code).toBe('4.04');
    expect(client.removeEndDevice('dev0')).toBe(false);
  });

  it('updates /25/x/3 when a device gets a new object instance', async () => {
    const { client, link } = await setup();
    await link.send({ path: '/25/0/3', observe: 0, token: '03' });
    client.endDevice('dev0')?.objects.addInstance(3303, { 5700: 1 });
    await settle();
    expect(text(link.notifications.find((n) => n.token === '03')?.response.payload)).toBe(
      '</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>,</3303/2>',
    );
  });

  it('refuses duplicate prefixes, duplicate ids, numeric prefixes and non-gateway clients', async () => {
    const { client } = await setup();
    expect(() => client.addEndDevice({ deviceId: 'urn:other', prefix: 'dev0' })).toThrow(/already used/);
    expect(() => client.addEndDevice({ deviceId: 'urn:dev:modbus:plc7', prefix: 'dev5' })).toThrow(
      /already used/,
    );
    expect(() => client.addEndDevice({ deviceId: 'urn:y', prefix: '42' })).toThrow(/prefix/);
    const plain = await registeredClient();
    expect(() => plain.client.addEndDevice({ deviceId: 'urn:y', prefix: 'dev0' })).toThrow(/gateway/);
  });
});
