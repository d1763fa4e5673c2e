/** The registration interface (/rd) and Send (/dp) of Lwm2mServer, against a scripted client endpoint. */
import {
  ContentFormat,
  LwM2mCodecs,
  LwM2mPath,
  node,
  ObjectRegistry,
  value,
} from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import type { Lwm2mServerEvents } from '../src/index.js';
import {
  asText,
  CLIENT_PEER,
  type Harness,
  harness,
  register,
  SERVER_PEER,
  settle,
  text,
} from './support/server-harness.js';

function events<K extends keyof Lwm2mServerEvents>(h: Harness, name: K): Lwm2mServerEvents[K][] {
  const seen: Lwm2mServerEvents[K][] = [];
  h.server.on(name, (event) => seen.push(event));
  return seen;
}

async function post(
  h: Harness,
  uriPath: string[],
  uriQuery: string[] = [],
  payload = '',
  contentFormat?: number,
) {
  const response = h.client.request(SERVER_PEER, {
    method: 'POST',
    uriPath,
    uriQuery,
    payload: text(payload),
    ...(contentFormat === undefined ? {} : { contentFormat }),
  });
  await settle(20);
  return response;
}

describe('Register', () => {
  it('stores the registration, answers 2.01 with /rd/<id> and emits "registered"', async () => {
    const h = harness();
    const registered = events(h, 'registered');
    const response = await register(h);
    expect(response.code).toBe('2.01');
    expect(response.locationPath).toEqual(['rd', 'r1']);
    const registration = h.server.registration('dev1')!;
    expect(registration).toMatchObject({
      id: 'r1',
      endpoint: 'dev1',
      peer: CLIENT_PEER,
      lifetime: 60,
      lwm2mVersion: '1.1',
      binding: 'U',
      queueMode: false,
      rootPath: '/',
      contentFormats: [110, 112],
      objects: [
        { id: 3, instances: [0] },
        { id: 3303, instances: [0] },
      ],
      registeredAt: h.clock.now(),
      expiresAt: h.clock.now() + 60_000,
    });
    expect(registration.links.map((link) => link.uri)).toEqual(['/', '/3/0', '/3303/0']);
    expect(registered).toEqual([{ registration, replaced: undefined }]);
    expect(h.server.stats()).toMatchObject({ registrations: 1, registers: 1, registrationErrors: 0 });
  });

  it('defaults: lifetime 86400, LwM2M 1.0, binding U; Q or a Q binding means queue mode', async () => {
    const h = harness();
    await register(h, { query: ['ep=a'] });
    expect(h.server.registration('a')).toMatchObject({ lifetime: 86_400, lwm2mVersion: '1.0', binding: 'U' });
    await register(h, { query: ['ep=b', 'lwm2m=1.1', 'Q'] });
    expect(h.server.registration('b')?.queueMode).toBe(true);
    await register(h, { query: ['ep=c', 'b=UQ'] });
    expect(h.server.registration('c')?.queueMode).toBe(true);
  });

  it.each([
    [['lt=60'], '4.00', 'endpoint name (ep) is missing'],
    [['ep=a', 'ep=b'], '4.00', 'parameter "ep" is repeated'],
    [['ep=a', 'lt=0'], '4.00', 'lt=0 is not a lifetime'],
    [['ep=a', 'lt=soon'], '4.00', 'lt=soon is not a lifetime'],
    [['ep=a', 'lwm2m=2.0'], '4.12', 'LwM2M version 2.0 is not supported'],
    [['ep=a', 'lwm2m=one'], '4.00', 'lwm2m=one is not a version'],
    [['ep=a', 'b=X'], '4.00', 'b=X is not a binding'],
    [['ep=a', 'Q=1'], '4.00', 'Q takes no value'],
  ])('query %j: %s, nothing stored', async (query, code, diagnostic) => {
    const h = harness();
    const registered = events(h, 'registered');
    const response = await register(h, { query });
    expect(response.code).toBe(code);
    expect(asText(response.payload)).toContain(diagnostic);
    expect(h.server.registrations()).toEqual([]);
    expect(registered).toEqual([]);
    expect(h.server.stats().registrationErrors).toBe(1);
  });

  it('malformed links: 4.00; links in another content format: 4.15; nothing stored', async () => {
    const h = harness();
    const malformed = await register(h, { links: '</3/0/1/2/3>' });
    expect(malformed.code).toBe('4.00');
    expect(asText(malformed.payload)).toContain('link');
    const json = await register(h, { contentFormat: 50, links: '[]' });
    expect(json.code).toBe('4.15');
    expect(h.server.registrations()).toEqual([]);
  });

  it('an alternate path is kept as the root of requests', async () => {
    const h = harness();
    await register(h, { links: '</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>' });
    expect(h.server.registration('dev1')).toMatchObject({
      rootPath: '/lwm2m',
      objects: [{ id: 3, instances: [0] }],
    });
  });

  it('a second Register of the same endpoint replaces the first (its id is gone)', async () => {
    const h = harness();
    const registered = events(h, 'registered');
    const deregistered = events(h, 'deregistered');
    await register(h);
    const first = h.server.registration('dev1')!;
    const second = await register(h, { links: '</3/0>' });
    expect(second.locationPath).toEqual(['rd', 'r2']);
    expect(registered[1]).toEqual({ registration: h.server.registration('dev1'), replaced: first });
    expect(deregistered).toEqual([]);
    expect(h.server.registrations().map((r) => r.id)).toEqual(['r2']);
    expect((await post(h, ['rd', 'r1'])).code).toBe('4.04');
  });

  it('maxRegistrations: one more Register is answered 5.03; a re-registration still fits', async () => {
    const h = harness({ registration: { maxRegistrations: 1 } });
    await register(h);
    const refused = await register(h, { query: ['ep=dev2'] });
    expect(refused.code).toBe('5.03');
    expect((await register(h)).code).toBe('2.01');
  });
});

describe('advertised content formats (ct on the root link)', () => {
  it.each([
    ['ct=110 (1.1, one value)', '</>;rt="oma.lwm2m";ct=110,</3/0>', [110]],
    ['ct="110 112" (1.2 list, quoted)', '</>;rt="oma.lwm2m";ct="110 112",</3/0>', [110, 112]],
    ['ct=11542 (one value, unquoted)', '</>;rt="oma.lwm2m";ct=11542,</3/0>', [11542]],
    ['ct="112 11544 110" (order kept)', '</>;ct="112 11544 110",</3/0>', [112, 11544, 110]],
    ['no ct', '</>;rt="oma.lwm2m",</3/0>', []],
  ])('%s', async (_name, links, formats) => {
    const h = harness();
    expect((await register(h, { links })).code).toBe('2.01');
    expect(h.server.registration('dev1')?.contentFormats).toEqual(formats);
  });

  it('a ct that is not a format number is 4.00, nothing stored', async () => {
    const h = harness();
    const response = await register(h, { links: '</>;rt="oma.lwm2m";ct="110 x",</3/0>' });
    expect(response.code).toBe('4.00');
    expect(asText(response.payload)).toContain('ct value');
    expect(h.server.registrations()).toEqual([]);
  });

  it('an Update with links replaces the advertised formats', async () => {
    const h = harness();
    await register(h, { links: '</>;ct=110,</3/0>' });
    const updated = h.client.request(SERVER_PEER, {
      method: 'POST',
      uriPath: ['rd', 'r1'],
      contentFormat: 40,
      payload: text('</>;ct="112 11544",</3/0>'),
    });
    await settle(20);
    expect((await updated).code).toBe('2.04');
    expect(h.server.registration('dev1')?.contentFormats).toEqual([112, 11544]);
  });
});

it('a duplicate of a CON Register is answered from the de-duplication cache, not registered twice', async () => {
  const h = harness();
  const registered = events(h, 'registered');
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  h.toServer.filter = (datagram) => {
    toServer.push(Uint8Array.from(datagram));
    return true;
  };
  h.toClient.filter = (datagram) => {
    toClient.push(Uint8Array.from(datagram));
    return true;
  };
  expect((await register(h)).code).toBe('2.01');
  // the client's Register again, as a retransmission would carry it (same message id)
  h.serverEndpoint.receive(toServer[0]!, CLIENT_PEER);
  await settle(20);
  expect(toClient).toHaveLength(2);
  expect(toClient[1]).toEqual(toClient[0]);
  expect(registered).toHaveLength(1);
  expect(h.server.registrations().map((r) => r.id)).toEqual(['r1']);
  expect(h.server.stats().registers).toBe(1);
  expect(h.serverEndpoint.stats().duplicates).toBe(1);
});

describe('Update and De-register', () => {
  it('Update: new lifetime, binding and links, from a new address; "updated" with the previous one', async () => {
    const h = harness();
    const updated = events(h, 'updated');
    await register(h);
    const previous = h.server.registration('dev1')!;
    h.clock.advance(10_000);
    h.clientPeer = { address: '198.51.100.21', port: 40_002 };
    const response = await post(h, ['rd', 'r1'], ['lt=120', 'b=UQ'], '</3/0>,</3303/0>,</3303/1>', 40);
    expect(response.code).toBe('2.04');
    const registration = h.server.registration('dev1')!;
    expect(registration).toMatchObject({
      id: 'r1',
      lifetime: 120,
      binding: 'UQ',
      peer: { address: '198.51.100.21', port: 40_002 },
      objects: [
        { id: 3, instances: [0] },
        { id: 3303, instances: [0, 1] },
      ],
      contentFormats: [],
      registeredAt: previous.registeredAt,
      updatedAt: h.clock.now(),
      expiresAt: h.clock.now() + 120_000,
    });
    expect(updated).toEqual([{ registration, previous }]);
    expect(h.server.registrationFrom({ address: '198.51.100.21', port: 40_002 })).toBe(registration);
    expect(h.server.registrationFrom(CLIENT_PEER)).toBeUndefined();
  });

  it('an Update without payload keeps the links; unknown id 4.04; bad lifetime 4.00', async () => {
    const h = harness();
    await register(h);
    expect((await post(h, ['rd', 'r1'])).code).toBe('2.04');
    expect(h.server.registration('dev1')?.objects).toHaveLength(2);
    expect((await post(h, ['rd', 'nope'])).code).toBe('4.04');
    expect((await post(h, ['rd', 'r1'], ['lt=-1'])).code).toBe('4.00');
  });

  it('De-register: 2.02, "deregistered" with reason; a second one 4.04', async () => {
    const h = harness();
    const deregistered = events(h, 'deregistered');
    await register(h);
    const registration = h.server.registration('dev1')!;
    const remove = async () => {
      const response = h.client.request(SERVER_PEER, { method: 'DELETE', uriPath: ['rd', 'r1'] });
      await settle(20);
      return (await response).code;
    };
    expect(await remove()).toBe('2.02');
    expect(deregistered).toEqual([{ registration, reason: 'deregistered' }]);
    expect(await remove()).toBe('4.04');
    expect(h.server.stats()).toMatchObject({ registrations: 0, deregistrations: 1 });
  });

  it('other methods on /rd are 4.05; other paths 4.04', async () => {
    const h = harness();
    const get = h.client.request(SERVER_PEER, { method: 'GET', uriPath: ['rd'] });
    const other = h.client.request(SERVER_PEER, { method: 'POST', uriPath: ['bs'] });
    await settle(20);
    expect((await get).code).toBe('4.05');
    expect((await other).code).toBe('4.04');
  });
});

describe('lifetime expiry', () => {
  it('expires lifetime + grace (15 s) after the last Register/Update, with "deregistered" reason expired', async () => {
    const h = harness();
    const deregistered = events(h, 'deregistered');
    await register(h); // lt=60
    h.clock.advance(50_000);
    await post(h, ['rd', 'r1']); // restarts the lifetime
    h.clock.advance(74_999);
    expect(h.server.registration('dev1')).toBeDefined();
    h.clock.advance(1);
    expect(h.server.registration('dev1')).toBeUndefined();
    expect(deregistered.map((e) => [e.registration.id, e.reason])).toEqual([['r1', 'expired']]);
    expect(h.server.stats().expirations).toBe(1);
    expect((await post(h, ['rd', 'r1'])).code).toBe('4.04');
  });

  it('the grace margin is an option; a replaced registration never expires', async () => {
    const h = harness({ registration: { graceMs: 0 } });
    const deregistered = events(h, 'deregistered');
    await register(h);
    h.clock.advance(30_000);
    await register(h); // replaces r1 with r2
    h.clock.advance(59_999);
    expect(deregistered).toEqual([]);
    h.clock.advance(1);
    expect(deregistered.map((e) => e.registration.id)).toEqual(['r2']);
  });
});

describe('Send (/dp)', () => {
  const codecs = new LwM2mCodecs(ObjectRegistry.withOmaObjects());
  const values = [
    {
      path: LwM2mPath.parse('/3303/0/5700'),
      node: node.resource(5700, value.float(21.5)),
      timestamp: undefined,
    },
    {
      path: LwM2mPath.parse('/3/0/9'),
      node: node.resource(9, value.integer(87)),
      timestamp: new Date(1_700_000_000_000),
    },
  ];

  it('decodes the values of a registered client, answers 2.04 and emits "send"', async () => {
    const h = harness();
    const sends = events(h, 'send');
    await register(h);
    const payload = codecs.encodeTimestampedNodes(values, ContentFormat.SENML_CBOR);
    const response = h.client.request(SERVER_PEER, {
      method: 'POST',
      uriPath: ['dp'],
      contentFormat: ContentFormat.SENML_CBOR,
      payload,
    });
    await settle(20);
    expect((await response).code).toBe('2.04');
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      registration: h.server.registration('dev1'),
      contentFormat: ContentFormat.SENML_CBOR,
      payloadBytes: payload.length,
    });
    expect(sends[0]!.values.map((v) => [v.path.toString(), v.node, v.timestamp?.getTime()])).toEqual([
      ['/3303/0/5700', node.resource(5700, value.float(21.5)), undefined],
      ['/3/0/9', node.resource(9, value.integer(87)), 1_700_000_000_000],
    ]);
    expect(h.server.stats().sends).toBe(1);
  });

  it.each([
    [
      'SenML JSON',
      ContentFormat.SENML_JSON,
      '[{"bn":"/3303/0/","n":"5700","v":21.5},{"bn":"/dev0/3303/0/","n":"5700","v":30}]',
    ],
    // [{-2: "/3303/0/", 0: "5700", 2: 21.5}, {-2: "/dev0/3303/0/", 0: "5700", 2: 30}]
    [
      'SenML CBOR',
      ContentFormat.SENML_CBOR,
      '82a321682f333330332f302f00643537303002f94d60a3216d2f646576302f333330332f302f00643537303002181e',
    ],
    // {[3303, 0, 5700]: 21.5, ["dev0", 3303, 0, 5700]: 30}
    ['LwM2M CBOR', ContentFormat.LWM2M_CBOR, 'a283190ce700191644f94d60846464657630190ce700191644f94f80'],
  ])('a Send in %s (golden payload) with a gateway prefix', async (_name, contentFormat, golden) => {
    const h = harness();
    const sends = events(h, 'send');
    await register(h);
    const payload =
      contentFormat === ContentFormat.SENML_JSON ? text(golden) : Uint8Array.from(Buffer.from(golden, 'hex'));
    const response = h.client.request(SERVER_PEER, {
      method: 'POST',
      uriPath: ['dp'],
      contentFormat,
      payload,
    });
    await settle(20);
    expect((await response).code).toBe('2.04');
    expect(sends.map((s) => [s.contentFormat, s.values.map((v) => [v.path.toString(), v.node])])).toEqual([
      [
        contentFormat,
        [
          ['/3303/0/5700', node.resource(5700, value.float(21.5))],
          ['/dev0/3303/0/5700', node.resource(5700, value.float(30))],
        ],
      ],
    ]);
  });

  it('refuses: 4.03 from an unregistered address, 4.00 undecodable, 4.15 a single-value format', async () => {
    const h = harness();
    const rejected = events(h, 'sendRejected');
    const send = async (payload: Uint8Array, contentFormat: number) => {
      const response = h.client.request(SERVER_PEER, {
        method: 'POST',
        uriPath: ['dp'],
        contentFormat,
        payload,
      });
      await settle(20);
      return (await response).code;
    };
    const good = codecs.encodeTimestampedNodes(values, ContentFormat.SENML_JSON);
    expect(await send(good, ContentFormat.SENML_JSON)).toBe('4.03');
    await register(h);
    expect(await send(good, ContentFormat.SENML_JSON)).toBe('2.04');
    expect(await send(Uint8Array.of(0xff, 0x00), ContentFormat.SENML_CBOR)).toBe('4.00');
    expect(await send(text('21.5'), ContentFormat.TEXT)).toBe('4.15');
    expect(rejected.map((r) => [r.code, r.registration?.endpoint])).toEqual([
      ['4.03', undefined],
      ['4.00', 'dev1'],
      ['4.15', 'dev1'],
    ]);
    expect(h.server.stats()).toMatchObject({ sends: 1, sendsRejected: 3 });
  });
});

it('close(): the handler goes (5.03), registrations are forgotten, no events', async () => {
  const h = harness();
  const deregistered = events(h, 'deregistered');
  await register(h);
  h.server.close();
  expect(h.server.registrations()).toEqual([]);
  expect((await register(h, { query: ['ep=late'] })).code).toBe('5.03');
  h.clock.advance(100_000);
  expect(deregistered).toEqual([]);
  await expect(h.server.read('dev1', '/3/0')).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
});
