/**
 * The HTTP API end to end: our LwM2M client (plain and as a gateway with end devices) over UDP,
 * the server engine and gateway view over UDP, the API over node:http driven with fetch().
 * Every answer is checked against openapi.json (support/openapi-check.ts).
 */
import type { ObjectLink } from '@lwm2m-adapters/lwm2m-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayServerEvent } from '../src/events/gateway-server-event.js';
import {
  type ApiFixture,
  eventually,
  startApiFixture,
  startClient,
  type TestClient,
} from './support/api-fixture.js';
import { checkEvent } from './support/openapi-check.js';
import { openSse, type SseReader } from './support/sse-reader.js';
import { TYPES_OBJECT_ID } from './support/types-object.js';

const T = TYPES_OBJECT_ID;
const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

let f: ApiFixture;
let plc: TestClient;
let gw: TestClient;
let events: SseReader;
const executed: string[] = [];
const state = {
  int: 2n ** 62n + 1n,
  temperatures: new Map([
    ['dev0', 20.5],
    ['dev1', 7],
  ]),
};

beforeAll(async () => {
  f = await startApiFixture({ token: TOKEN, requestTimeoutMs: 3_000 });
  events = await openSse(`${f.url}/api/events`);
  plc = await startClient(f, 'plc-7');
  plc.client.objects.defineObject(T, {
    instances: {
      0: {
        0: 'héllo',
        1: { read: () => state.int },
        2: 2n ** 64n - 1n,
        3: 1.5,
        4: true,
        5: Uint8Array.of(0, 1, 0xfe, 0xff),
        6: new Date('2026-12-05T22:03:05Z'),
        7: { objectId: 3, instanceId: 0 } satisfies ObjectLink,
        8: '</3/0>',
        9: { execute: (args) => void executed.push(JSON.stringify(args)) },
        10: [1, 2n ** 60n],
        11: 50,
      },
    },
    create: () => undefined, // created values stay as static resources
    delete: () => {},
  });
  plc.client.start();
  gw = await startClient(f, 'gw-1', { gateway: true });
  for (const [prefix, deviceId] of [
    ['dev0', 'urn:dev:plc0'],
    ['dev1', 'urn:dev:plc1'],
  ] as const) {
    gw.client.addEndDevice({
      deviceId,
      prefix,
      objects: {
        3303: {
          instances: { 0: { 5700: { read: () => state.temperatures.get(prefix) ?? 0 }, 5701: 'Cel' } },
        },
      },
    });
  }
  gw.client.start();
  await eventually(() =>
    f.children.children('gw-1').length === 2 && f.server.registration('plc-7') ? true : undefined,
  );
});

afterAll(async () => {
  events?.close();
  await plc?.close();
  await gw?.close();
  await f?.close();
});

describe('clients and devices', () => {
  it('lists the clients, the gateway with its children, and the devices', async () => {
    const list = await f.call('GET', '/api/clients');
    expect(list.status).toBe(200);
    const byName = Object.fromEntries(list.body.clients.map((c: { endpoint: string }) => [c.endpoint, c]));
    expect(byName['plc-7']).toMatchObject({
      lwm2mVersion: '1.1',
      queueMode: false,
      gateway: null,
      secure: null,
    });
    expect(byName['plc-7'].objects).toContainEqual({ id: T, version: null, instances: [0] });
    expect(byName['plc-7'].address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(
      byName['gw-1'].gateway.children.map((c: { deviceId: string; prefix: string }) => [
        c.deviceId,
        c.prefix,
      ]),
    ).toEqual([
      ['urn:dev:plc0', 'dev0'],
      ['urn:dev:plc1', 'dev1'],
    ]);
    expect(byName['gw-1'].gateway).toMatchObject({ observing: true, lastError: null, problems: [] });

    const one = await f.call('GET', '/api/clients/gw-1');
    expect(one.body.registrationId).toBe(byName['gw-1'].registrationId);
    const devices = await f.call('GET', '/api/devices');
    expect(devices.body.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([
      'urn:dev:plc0',
      'urn:dev:plc1',
    ]);
    const device = await f.call('GET', `/api/devices/${encodeURIComponent('urn:dev:plc1')}`);
    expect(device.body).toMatchObject({ prefix: 'dev1', gatewayEndpoint: 'gw-1', gatewayInstanceId: 1 });
    expect(device.body.objects).toContainEqual({ id: 3303, version: '1.1', instances: [0] });
  });

  it('answers an unknown client, device or prefix at once with a coded 404', async () => {
    const nobody = await f.call('GET', '/api/clients/nobody/3/0');
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'CLIENT_NOT_REGISTERED']);
    const device = await f.call('GET', '/api/devices/urn:dev:nope/3303/0/5700');
    expect([device.status, device.body.error.code]).toEqual([404, 'END_DEVICE_UNKNOWN']);
    const prefix = await f.call('GET', '/api/clients/gw-1/devX/3303/0/5700');
    expect(prefix.status).toBe(404);
    expect(prefix.body.error).toMatchObject({
      code: 'END_DEVICE_UNKNOWN',
      message: 'gateway gw-1 has no end device with prefix devX (known: dev0, dev1)',
    });
    const plain = await f.call('GET', '/api/clients/plc-7/dev0/3/0');
    expect([plain.status, plain.body.error.code]).toEqual([404, 'END_DEVICE_UNKNOWN']);
    expect((await f.call('GET', '/api/devices/urn:dev:nope')).status).toBe(404);
    expect((await f.call('GET', '/api/clients/nobody')).body.error.code).toBe('CLIENT_NOT_REGISTERED');
  });
});

describe('device management by endpoint', () => {
  it('reads every type exactly: 64-bit integers, opaque, time, objlnk, multiple resources', async () => {
    for (const format of ['senml-json', 'senml-cbor', 'tlv', 'lwm2m-cbor']) {
      const read = await f.call('GET', `/api/clients/plc-7/${T}/0?format=${format}`);
      expect(read.status, format).toBe(200);
      expect(read.body).toMatchObject({
        code: '2.05',
        success: true,
        endpoint: 'plc-7',
        deviceId: null,
        path: `/${T}/0`,
      });
      const values = Object.fromEntries(
        read.body.values.map((v: { path: string; value: unknown }) => [v.path, v.value]),
      );
      expect(values, format).toMatchObject({
        [`/${T}/0/0`]: 'héllo',
        [`/${T}/0/1`]: (2n ** 62n + 1n).toString(),
        [`/${T}/0/2`]: '18446744073709551615',
        [`/${T}/0/3`]: 1.5,
        [`/${T}/0/4`]: true,
        [`/${T}/0/5`]: 'AAH+/w==',
        [`/${T}/0/6`]: '2026-12-05T22:03:05Z',
        [`/${T}/0/7`]: '3:0',
        [`/${T}/0/8`]: '</3/0>',
        [`/${T}/0/10/0`]: 1,
        [`/${T}/0/10/1`]: '1152921504606846976',
      });
    }
    const text = await f.call('GET', `/api/clients/plc-7/${T}/0/1?format=text`);
    expect(text.body).toMatchObject({
      contentFormat: 0,
      values: [{ path: `/${T}/0/1`, type: 'integer', value: '4611686018427387905' }],
    });
  });

  it('writes typed values (replace and partial update) and reads them back', async () => {
    const big = '-9223372036854775808';
    const put = await f.call('PUT', `/api/clients/plc-7/${T}/0/1`, { value: big }, auth);
    // a resource backed by a read handler only cannot be written
    expect(put.status).toBe(405);
    expect(put.body).toMatchObject({ code: '4.05', success: false });

    const patch = await f.call(
      'PATCH',
      `/api/clients/plc-7/${T}/0`,
      {
        values: [
          { path: '2', value: '18446744073709551614' },
          { path: `/${T}/0/5`, value: 'AQID' },
          { path: '6', value: '2030-01-01T00:00:00+01:00' },
          { path: '7', value: '3303:1' },
          { path: '10/0', value: big },
          { path: '10/1', value: 5 },
        ],
      },
      auth,
    );
    expect([patch.status, patch.body.code]).toEqual([200, '2.04']);
    const read = await f.call('GET', `/api/clients/plc-7/${T}/0?format=senml-cbor`);
    const values = Object.fromEntries(
      read.body.values.map((v: { path: string; value: unknown }) => [v.path, v.value]),
    );
    expect(values).toMatchObject({
      [`/${T}/0/2`]: '18446744073709551614',
      [`/${T}/0/5`]: 'AQID',
      [`/${T}/0/6`]: '2029-12-31T23:00:00Z',
      [`/${T}/0/7`]: '3303:1',
      [`/${T}/0/10/0`]: big,
      [`/${T}/0/10/1`]: 5,
    });
    const single = await f.call('PUT', `/api/clients/plc-7/${T}/0/11`, { value: 42 }, auth);
    expect(single.body).toMatchObject({ code: '2.04', success: true, path: `/${T}/0/11` });
    expect((await f.call('GET', `/api/clients/plc-7/${T}/0/11`)).body.values).toEqual([
      { path: `/${T}/0/11`, type: 'integer', value: 42 },
    ]);
  });

  it('refuses what does not fit before anything is sent, naming the path and the range', async () => {
    const range = await f.call('PUT', `/api/clients/plc-7/${T}/0/11`, { value: 101 }, auth);
    expect(range.status).toBe(400);
    expect(range.body.error).toMatchObject({
      code: 'WRITE_VALUE_INVALID',
      details: { path: `/${T}/0/11`, range: '0..100' },
    });
    expect(range.body.error.message).toContain(`/${T}/0/11: expected an Integer`);
    const body = await f.call('PUT', `/api/clients/plc-7/${T}/0/11`, { value: 1, extra: true }, auth);
    expect([body.status, body.body.error.code]).toEqual([400, 'API_REQUEST_INVALID']);
    const json = await f.call('PUT', `/api/clients/plc-7/${T}/0/11`, '{not json', auth);
    expect([json.status, json.body.error.code]).toEqual([400, 'API_REQUEST_INVALID']);
    const path = await f.call('GET', '/api/clients/plc-7/3/x/0');
    expect([path.status, path.body.error.code]).toEqual([400, 'PATH_INVALID']);
    const format = await f.call('GET', '/api/clients/plc-7/3/0?format=xml');
    expect([format.status, format.body.error.code]).toEqual([400, 'API_REQUEST_INVALID']);
    const level = await f.call('POST', `/api/clients/plc-7/${T}/0/3:execute`, undefined, auth);
    expect(level.status).toBe(405); // the client refuses: not executable
    const op = await f.call('POST', '/api/clients/plc-7/3/0:nope', undefined, auth);
    expect([op.status, op.body.error.code]).toEqual([404, 'API_NOT_FOUND']);
  });

  it('needs the bearer token for writes, executes and observes, not for reads', async () => {
    const none = await f.call('PUT', `/api/clients/plc-7/${T}/0/11`, { value: 1 });
    expect([none.status, none.body.error.code]).toEqual([401, 'API_UNAUTHORIZED']);
    const wrong = await f.call('POST', `/api/clients/plc-7/${T}/0/9:execute`, undefined, {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect((await f.call('POST', '/api/clients/plc-7/3/0/0:observe')).status).toBe(401);
    expect((await f.call('GET', `/api/clients/plc-7/${T}/0/0`)).status).toBe(200);
    expect(executed).toEqual([]);
  });

  it('executes with arguments and writes attributes', async () => {
    const run = await f.call('POST', `/api/clients/plc-7/${T}/0/9:execute`, { arguments: "0='on',1" }, auth);
    expect(run.body).toMatchObject({ code: '2.04', success: true });
    expect(executed).toHaveLength(1);
    expect(executed[0]).toContain('on');
    const attributes = await f.call(
      'PUT',
      `/api/clients/plc-7/${T}/0/11:attributes`,
      { pmin: 1, pmax: null },
      auth,
    );
    expect(attributes.body).toMatchObject({ code: '2.04', success: true });
    const bad = await f.call('PUT', `/api/clients/plc-7/${T}/0/11:attributes`, { pmin: -1 }, auth);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'NODE_INVALID']);
  });

  it('passes the client error codes on: 4.04 as 404 with the LwM2M code', async () => {
    const missing = await f.call('GET', '/api/clients/plc-7/3303/9');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: '4.04', success: false, values: [] });
  });
});

describe('observe and the event stream', () => {
  it('streams registrations and the gateway children as events', async () => {
    const kinds = new Set<string>();
    for (;;) {
      const frame = await events.next();
      const event = JSON.parse(frame.data) as GatewayServerEvent;
      checkEvent(event);
      expect(frame.id).toBe(String(event.seq));
      kinds.add(`${event.type} ${event.endpoint}`);
      if (event.type === 'childrenChanged') {
        expect(event.added.map((c) => c.deviceId)).toEqual(['urn:dev:plc0', 'urn:dev:plc1']);
        expect(event.cause).toBe('register');
        break;
      }
    }
    expect(kinds).toContain('registered plc-7');
    expect(kinds).toContain('registered gw-1');
    expect(events.contentType).toBe('text/event-stream; charset=utf-8');
  });

  it('observes an end device by Device ID; its notifications arrive on the stream with the Device ID', async () => {
    const stream = await openSse(`${f.url}/api/events?types=notification&deviceId=urn:dev:plc0`);
    const observed = await f.call(
      'POST',
      '/api/devices/urn:dev:plc0/3303/0/5700:observe',
      { format: 'text' },
      auth,
    );
    expect(observed.body).toMatchObject({
      code: '2.05',
      endpoint: 'gw-1',
      deviceId: 'urn:dev:plc0',
      prefix: 'dev0',
      path: '/3303/0/5700',
      values: [{ path: '/3303/0/5700', type: 'float', value: 20.5 }],
      observation: { format: 0 },
    });
    const list = await f.call('GET', '/api/observations');
    expect(list.body.observations).toContainEqual(
      expect.objectContaining({
        endpoint: 'gw-1',
        deviceId: 'urn:dev:plc0',
        path: '/dev0/3303/0/5700',
        origin: 'api',
      }),
    );
    expect(list.body.observations).toContainEqual(expect.objectContaining({ path: '/25', origin: 'server' }));

    state.temperatures.set('dev0', 30.25);
    gw.client.changed('/dev0/3303/0/5700');
    state.temperatures.set('dev1', 99); // not observed: no notification
    const frame = await stream.next();
    const event = JSON.parse(frame.data);
    checkEvent(event);
    expect(event).toMatchObject({
      type: 'notification',
      endpoint: 'gw-1',
      deviceId: 'urn:dev:plc0',
      prefix: 'dev0',
      path: '/dev0/3303/0/5700',
      code: '2.05',
      contentFormat: 0,
      values: [{ path: '/dev0/3303/0/5700', type: 'float', value: 30.25 }],
    });
    expect(event.observe).toBeTypeOf('number');

    // the server's own /25 observation is not the API's to cancel
    const own = await f.call('DELETE', '/api/clients/gw-1/25:observe', undefined, auth);
    expect([own.status, own.body.error.code]).toEqual([405, 'OPERATION_NOT_ALLOWED']);
    const cancel = await f.call(
      'DELETE',
      '/api/clients/gw-1/dev0/3303/0/5700:observe?active=true',
      undefined,
      auth,
    );
    expect(cancel.body).toMatchObject({
      code: '2.05',
      success: true,
      active: true,
      deviceId: 'urn:dev:plc0',
    });
    const again = await f.call('DELETE', '/api/devices/urn:dev:plc0/3303/0/5700:observe', undefined, auth);
    expect([again.status, again.body.error.code]).toEqual([404, 'OBSERVATION_UNKNOWN']);
    stream.close();
  });

  it('observes with attributes by endpoint and replaces an earlier observation of the path', async () => {
    const first = await f.call('POST', `/api/clients/plc-7/${T}/0/1:observe`, {}, auth);
    const second = await f.call(
      'POST',
      `/api/clients/plc-7/${T}/0/1:observe`,
      { attributes: { pmin: 0 } },
      auth,
    );
    expect(second.body.observation.token).not.toBe(first.body.observation.token);
    const held = (await f.call('GET', '/api/observations')).body.observations.filter(
      (o: { path: string }) => o.path === `/${T}/0/1`,
    );
    expect(held).toHaveLength(1);
    expect(held[0].token).toBe(second.body.observation.token);
    state.int = 2n ** 63n - 1n;
    plc.client.changed(`/${T}/0/1`);
    const event = await eventually(() =>
      f.recorded.find(
        (e) =>
          e.type === 'notification' && e.endpoint === 'plc-7' && e.values[0]?.value === '9223372036854775807',
      ),
    );
    checkEvent(event);
    const passive = await f.call('DELETE', `/api/clients/plc-7/${T}/0/1:observe`, undefined, auth);
    expect(passive.body).toMatchObject({ code: null, success: true, active: false });
  });

  it('resumes from Last-Event-ID out of the ring, and says resync when it cannot', async () => {
    const all = f.events.recent();
    const from = all[1]!.seq;
    const resumed = await openSse(`${f.url}/api/events`, { 'last-event-id': String(from) });
    const frame = await resumed.next();
    expect(frame.id).toBe(String(from + 1));
    resumed.close();
    const future = await openSse(`${f.url}/api/events?lastEventId=999999`);
    const resync = await future.next();
    expect(resync.event).toBe('resync');
    expect(JSON.parse(resync.data)).toMatchObject({ lastEventId: 999999, lastSeq: f.events.lastSeq });
    future.close();
    const bad = await f.call('GET', '/api/events?types=nonsense');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'API_REQUEST_INVALID']);
  });

  it('streams a Send with the client timestamps', async () => {
    const sent = plc.client.send([{ path: `/${T}/0/2` }]);
    expect(await sent).toMatchObject({ status: 'sent' });
    const event = await eventually(() => f.recorded.find((e) => e.type === 'send' && e.endpoint === 'plc-7'));
    checkEvent(event);
    expect(event).toMatchObject({
      values: [{ path: `/${T}/0/2`, type: 'unsigned', value: '18446744073709551614', deviceId: null }],
    });
  });
});

describe('discover, create, delete and the composite operations', () => {
  it('discovers by endpoint and by Device ID, paths in the namespace of the request', async () => {
    const own = await f.call('GET', `/api/clients/plc-7/${T}/0:discover`);
    expect(own.body).toMatchObject({ code: '2.05', success: true });
    expect(own.body.links.map((l: { path: string }) => l.path)).toContain(`/${T}/0/11`);
    const device = await f.call('GET', '/api/devices/urn:dev:plc0/3303:discover');
    const paths = device.body.links.map((l: { path: string }) => l.path);
    expect(paths).toEqual(expect.arrayContaining(['/3303', '/3303/0', '/3303/0/5700']));
    const viaGateway = await f.call('GET', '/api/clients/gw-1/dev0/3303:discover');
    expect(viaGateway.body.links.map((l: { path: string }) => l.path)).toContain('/dev0/3303/0/5700');
  });

  it('creates an instance with and without an id, and deletes it', async () => {
    const named = await f.call(
      'POST',
      `/api/clients/plc-7/${T}`,
      {
        id: 5,
        values: [
          { path: '0', value: 'new' },
          { path: `/${T}/5/1`, value: '-9007199254740993' },
        ],
      },
      auth,
    );
    expect([named.status, named.body.code, named.body.instanceId]).toEqual([201, '2.01', 5]);
    const read = await f.call('GET', `/api/clients/plc-7/${T}/5`);
    expect(read.body.values).toEqual([
      { path: `/${T}/5/0`, type: 'string', value: 'new' },
      { path: `/${T}/5/1`, type: 'integer', value: '-9007199254740993' },
    ]);
    const picked = await f.call(
      'POST',
      `/api/clients/plc-7/${T}`,
      { values: [{ path: '0', value: 'auto' }] },
      auth,
    );
    expect([picked.status, picked.body.code]).toEqual([201, '2.01']);
    expect(picked.body.instanceId).toBeTypeOf('number');
    const absolute = await f.call(
      'POST',
      `/api/clients/plc-7/${T}`,
      { values: [{ path: `/${T}/9/0`, value: 'x' }] },
      auth,
    );
    expect([absolute.status, absolute.body.error.code]).toEqual([400, 'WRITE_VALUE_INVALID']);

    const deleted = await f.call('DELETE', `/api/clients/plc-7/${T}/5`, undefined, auth);
    expect([deleted.status, deleted.body.code]).toEqual([200, '2.02']);
    expect((await f.call('GET', `/api/clients/plc-7/${T}/5`)).body.code).toBe('4.04');
    const level = await f.call('DELETE', `/api/clients/plc-7/${T}`, undefined, auth);
    expect([level.status, level.body.error.code]).toEqual([405, 'API_METHOD_NOT_ALLOWED']);
  });

  it('reads and writes composites by endpoint and by Device ID', async () => {
    const device = await f.call(
      'POST',
      '/api/devices/urn:dev:plc1/:read-composite',
      { paths: ['/3303/0/5700', '/3303/0/5701'] },
      auth,
    );
    expect(device.body).toMatchObject({ code: '2.05', deviceId: 'urn:dev:plc1', path: '/' });
    expect(device.body.values).toEqual([
      { path: '/3303/0/5700', type: 'float', value: 99 },
      { path: '/3303/0/5701', type: 'string', value: 'Cel' },
    ]);
    const gateway = await f.call(
      'POST',
      '/api/clients/gw-1/:read-composite',
      { paths: ['/dev0/3303/0/5701', '/dev1/3303/0/5701'] },
      auth,
    );
    expect(gateway.body.values.map((v: { path: string }) => v.path)).toEqual([
      '/dev0/3303/0/5701',
      '/dev1/3303/0/5701',
    ]);
    const write = await f.call(
      'POST',
      '/api/clients/plc-7/:write-composite',
      {
        values: [
          { path: `/${T}/0/11`, value: 9 },
          { path: `/${T}/0/0`, value: 'composite' },
        ],
      },
      auth,
    );
    expect(write.body).toMatchObject({ code: '2.04', success: true });
    const back = await f.call(
      'POST',
      '/api/clients/plc-7/:read-composite',
      { paths: [`/${T}/0/11`, `/${T}/0/0`] },
      auth,
    );
    expect(back.body.values.map((v: { value: unknown }) => v.value)).toEqual([9, 'composite']);
    const notRoot = await f.call('POST', '/api/clients/plc-7/3/0:read-composite', { paths: ['/3/0'] }, auth);
    expect([notRoot.status, notRoot.body.error.code]).toEqual([404, 'API_NOT_FOUND']);
  });

  it("observes a composite across end devices; notifications name each value's device", async () => {
    const paths = ['/dev0/3303/0/5700', '/dev1/3303/0/5700'];
    const observed = await f.call('POST', '/api/clients/gw-1/:observe-composite', { paths }, auth);
    expect(observed.body).toMatchObject({ code: '2.05', success: true });
    expect(observed.body.observation.token).toMatch(/^[0-9a-f]+$/);
    const list = await f.call('GET', '/api/observations');
    expect(list.body.composite).toContainEqual(
      expect.objectContaining({ endpoint: 'gw-1', paths, origin: 'api' }),
    );
    state.temperatures.set('dev1', -3.5);
    gw.client.changed('/dev1/3303/0/5700');
    const event = await eventually(() =>
      f.recorded.find(
        (e) =>
          e.type === 'compositeNotification' &&
          e.values.some((v) => v.deviceId === 'urn:dev:plc1' && v.value === -3.5),
      ),
    );
    checkEvent(event);
    const cancel = await f.call(
      'DELETE',
      `/api/clients/gw-1/:observe-composite?paths=${paths.join(',')}&active=true`,
      undefined,
      auth,
    );
    expect(cancel.body).toMatchObject({ success: true, active: true });
    const again = await f.call(
      'DELETE',
      `/api/clients/gw-1/:observe-composite?paths=${paths.join(',')}`,
      undefined,
      auth,
    );
    expect([again.status, again.body.error.code]).toEqual([404, 'OBSERVATION_UNKNOWN']);
  });
});

describe('a client that stopped answering', () => {
  it('is a 504 COAP_TIMEOUT within the request deadline', async () => {
    const ghost = await startClient(f, 'ghost');
    ghost.client.start();
    await eventually(() => f.server.registration('ghost'));
    await ghost.vanish();
    const read = await f.call('GET', '/api/clients/ghost/3/0?timeoutMs=300');
    expect([read.status, read.body.error.code]).toEqual([504, 'COAP_TIMEOUT']);
  });

  it('a de-registration ends the gateway children, on the stream too', async () => {
    await gw.close();
    const event = await eventually(() =>
      f.recorded.find(
        (e) => e.type === 'childrenChanged' && e.endpoint === 'gw-1' && e.cause === 'deregistered',
      ),
    );
    checkEvent(event);
    expect((await f.call('GET', '/api/devices')).body.devices).toEqual([]);
    const gone = await f.call('GET', '/api/devices/urn:dev:plc0/3303/0/5700');
    expect(gone.body.error.code).toBe('END_DEVICE_UNKNOWN');
    for (const e of f.recorded) checkEvent(e);
  });
});
