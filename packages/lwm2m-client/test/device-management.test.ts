import { CodedError } from '@lwm2m-adapters/errors';
import type { LogEntry } from '@lwm2m-adapters/kit';
import { LwM2mPath, node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { createClient, registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { text } from './support/fake-link.js';
import { declareTestObjects, testCodecs } from './support/test-objects.js';

async function setup() {
  const fixture = await registeredClient({ device: { manufacturer: 'ACME', modelNumber: 'GW-1' } });
  const plant = declareTestObjects(fixture.client);
  await settle();
  return { ...fixture, plant };
}

describe('Read', () => {
  it('reads a single resource as text by default', async () => {
    const { link } = await setup();
    const res = await link.send({ path: '/3303/0/5700' });
    expect(res).toMatchObject({ code: '2.05', contentFormat: 0 });
    expect(text(res?.payload)).toBe('22.5');
  });

  it('reads the device object of the client', async () => {
    const { link } = await setup();
    const res = await link.send({ path: '/3/0/0' });
    expect(text(res?.payload)).toBe('ACME');
    const bindings = await link.send({ path: '/3/0/16' });
    expect(text(bindings?.payload)).toBe('U');
  });

  it('honours Accept: TLV, SenML JSON, SenML CBOR, LwM2M CBOR', async () => {
    const { link } = await setup();
    const tlv = await link.send({ path: '/3303/0', accept: 11542 });
    expect(tlv?.contentFormat).toBe(11542);
    const decoded = testCodecs.decode(tlv!.payload!, LwM2mPath.parse('/3303/0'), 11542);
    expect(decoded).toMatchObject({ kind: 'instance', id: 0 });
    const json = await link.send({ path: '/3303', accept: 110 });
    expect(JSON.parse(text(json?.payload))).toEqual([
      { bn: '/3303/0/', n: '5700', v: 22.5 },
      { n: '5701', vs: 'Cel' },
      { n: '5750', vs: 'Boiler' },
    ]);
    const cbor = await link.send({ path: '/3303/0/5700', accept: 112 });
    expect(cbor?.contentFormat).toBe(112);
    const lwm2mCbor = await link.send({ path: '/3303/0', accept: 11544 });
    expect(lwm2mCbor?.code).toBe('2.05');
  });

  it('answers multi-value reads without Accept in SenML CBOR', async () => {
    const { link } = await setup();
    const res = await link.send({ path: '/3303/0' });
    expect(res?.contentFormat).toBe(112);
  });

  it('answers 4.06 when the Accept cannot carry the node', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0', accept: 0 }))?.code).toBe('4.06');
    expect((await link.send({ path: '/3303/0/5700', accept: 9999 }))?.code).toBe('4.06');
    expect((await link.send({ path: '/3303/0/5700', accept: 11543 }))?.code).toBe('4.06');
  });

  it('reads resource instances of a multiple resource', async () => {
    const { link } = await setup();
    expect(text((await link.send({ path: '/3/0/11/0' }))?.payload)).toBe('0');
    expect((await link.send({ path: '/3/0/11/7' }))?.code).toBe('4.04');
    expect((await link.send({ path: '/3/0/0/0' }))?.code).toBe('4.04');
  });

  it('answers 4.04 for unknown objects, instances and resources', async () => {
    const { link } = await setup();
    for (const path of ['/3304', '/3303/9', '/3303/0/5601', '/4/0']) {
      expect((await link.send({ path }))?.code, path).toBe('4.04');
    }
  });

  it('answers 4.05 for a resource that is not readable and for the root', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0/5605' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/' }))?.code).toBe('4.05');
  });

  it('answers 4.00 for malformed paths', async () => {
    const { link } = await setup();
    for (const path of ['/3/70000', '/3/0/0/0/0', '/3//0', '/3/x']) {
      expect((await link.send({ path }))?.code, path).toBe('4.00');
    }
  });

  it('answers 4.01 for every operation on /0 Security', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/0/0/5' }))?.code).toBe('4.01');
    expect((await link.send({ path: '/0', accept: 40 }))?.code).toBe('4.01');
    expect((await link.send({ path: '/0/0/0', method: 'PUT', contentFormat: 0, payload: 'x' }))?.code).toBe(
      '4.01',
    );
    expect((await link.send({ path: '/0/0', method: 'DELETE' }))?.code).toBe('4.01');
    expect((await link.send({ path: '/0/0/0', observe: 0 }))?.code).toBe('4.01');
    expect((await link.send({ path: '/0/0/0', method: 'PUT', query: ['pmin=1'] }))?.code).toBe('4.01');
  });

  it('gives an empty 2.05 for an object without instances', async () => {
    const { client, link } = await setup();
    client.objects.defineObject(3304);
    const res = await link.send({ path: '/3304', accept: 110 });
    expect(res?.code).toBe('2.05');
    expect(JSON.parse(text(res?.payload))).toEqual([]);
  });

  it('maps handler errors to response codes and never crashes', async () => {
    const logs: LogEntry[] = [];
    const fixture = await registeredClient({ log: (e) => logs.push(e) });
    const plant = declareTestObjects(fixture.client);
    const { link } = fixture;
    plant.failRead = new CodedError('DEVICE_TIMEOUT', 'PLC did not answer');
    expect((await link.send({ path: '/3303/0/5700' }))?.code).toBe('5.03');
    plant.failRead = new CodedError('DEVICE_ADDRESS_UNKNOWN', 'no such register');
    expect((await link.send({ path: '/3303/0/5700' }))?.code).toBe('4.04');
    plant.failRead = new CodedError('COAP_TIMEOUT', 'odd');
    expect((await link.send({ path: '/3303/0/5700' }))?.code).toBe('5.03');
    plant.failRead = new TypeError('boom');
    expect((await link.send({ path: '/3303/0' }))?.code).toBe('5.00');
    expect(logs.some((l) => l.level === 'error' && l.message.includes('boom'))).toBe(true);
  });

  it('answers 5.00 with a log naming path and type when a handler returns the wrong type', async () => {
    const logs: LogEntry[] = [];
    const { client, link } = await registeredClient({ log: (e) => logs.push(e) });
    client.objects.defineObject(3303, { instances: { 0: { 5700: { read: () => 'hot' } } } });
    expect((await link.send({ path: '/3303/0/5700' }))?.code).toBe('5.00');
    const entry = logs.find((l) => l.event === 'request-failed');
    expect(entry?.message).toContain('/3303/0/5700');
    expect(entry?.message).toContain('float');
    expect(entry?.message).toContain('"hot"');
  });

  it('ignores requests before the registration is answered', async () => {
    const { client, link } = createClient();
    link.responder = () => new Promise(() => {});
    client.start();
    await settle();
    expect(client.state).toBe('registering');
    expect(await link.send({ path: '/3/0/0' })).toBeUndefined();
  });
});

describe('Discover', () => {
  it('lists an object with ver, instances, resources, dim and attached attributes', async () => {
    const { link } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=10', 'pmax=60', 'gt=30.5'] });
    await link.send({ path: '/3303', method: 'PUT', query: ['pmin=5'] });
    const res = await link.send({ path: '/3303', accept: 40 });
    expect(res).toMatchObject({ code: '2.05', contentFormat: 40 });
    expect(text(res?.payload)).toBe(
      '</3303>;ver=1.1;pmin=5,</3303/0>,</3303/0/5605>,</3303/0/5700>;pmin=10;pmax=60;gt=30.5,</3303/0/5701>,</3303/0/5750>',
    );
  });

  it('lists an instance and a multiple resource with dim', async () => {
    const { link } = await setup();
    const instance = text((await link.send({ path: '/3/0', accept: 40 }))?.payload);
    expect(instance.startsWith('</3/0>,</3/0/0>,</3/0/1>,</3/0/4>,</3/0/11>;dim=1,')).toBe(true);
    expect(text((await link.send({ path: '/3/0/11', accept: 40 }))?.payload)).toBe('</3/0/11>;dim=1');
  });

  it('answers 4.04 for unknown paths and 4.05 for the root', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/4', accept: 40 }))?.code).toBe('4.04');
    expect((await link.send({ path: '/', accept: 40 }))?.code).toBe('4.05');
  });
});

describe('Write', () => {
  it('replaces a writable resource from text/plain', async () => {
    const { link } = await setup();
    expect(
      (await link.send({ path: '/3303/0/5750', method: 'PUT', contentFormat: 0, payload: 'Heater' }))?.code,
    ).toBe('2.04');
    expect(text((await link.send({ path: '/3303/0/5750' }))?.payload)).toBe('Heater');
  });

  it('calls write handlers with typed values', async () => {
    const { link, plant } = await setup();
    expect(
      (await link.send({ path: '/3306/0/5850', method: 'PUT', contentFormat: 0, payload: '1' }))?.code,
    ).toBe('2.04');
    expect(plant.written).toEqual([value.boolean(true)]);
    expect(text((await link.send({ path: '/3306/0/5850' }))?.payload)).toBe('1');
  });

  it('answers 4.05 for read-only resources and 4.04 for undeclared ones', async () => {
    const { link } = await setup();
    expect(
      (await link.send({ path: '/3303/0/5700', method: 'PUT', contentFormat: 0, payload: '1' }))?.code,
    ).toBe('4.05');
    expect(
      (await link.send({ path: '/3306/0/5852', method: 'PUT', contentFormat: 0, payload: '1' }))?.code,
    ).toBe('4.04');
    expect((await link.send({ path: '/3303', method: 'PUT', contentFormat: 0, payload: '1' }))?.code).toBe(
      '4.05',
    );
  });

  it('answers 4.00 for bad values, out-of-range values and a missing Content-Format', async () => {
    const { link } = await setup();
    expect(
      (await link.send({ path: '/3306/0/5850', method: 'PUT', contentFormat: 0, payload: 'yes' }))?.code,
    ).toBe('4.00');
    expect(
      (await link.send({ path: '/3306/0/5851', method: 'PUT', contentFormat: 0, payload: '101' }))?.code,
    ).toBe('4.00');
    expect((await link.send({ path: '/3306/0/5851', method: 'PUT', payload: '5' }))?.code).toBe('4.00');
  });

  it('answers 4.15 for unsupported content formats', async () => {
    const { link } = await setup();
    expect(
      (await link.send({ path: '/3306/0/5851', method: 'PUT', contentFormat: 40, payload: '5' }))?.code,
    ).toBe('4.15');
    expect(
      (await link.send({ path: '/3306/0/5851', method: 'PUT', contentFormat: 1234, payload: '5' }))?.code,
    ).toBe('4.15');
  });

  it('maps a device refusal to 4.00', async () => {
    const { link, plant } = await setup();
    plant.temperature = 120;
    expect(
      (await link.send({ path: '/3306/0/5850', method: 'PUT', contentFormat: 0, payload: '0' }))?.code,
    ).toBe('4.00');
  });

  it('replaces an instance from TLV and partially updates it with POST', async () => {
    const { link, plant } = await setup();
    const path = LwM2mPath.parse('/3306/0');
    const payload = testCodecs.encode(
      node.instance(0, [node.resource(5850, value.boolean(true)), node.resource(5851, value.integer(7))]),
      path,
      11542,
    );
    expect((await link.send({ path: '/3306/0', method: 'PUT', contentFormat: 11542, payload }))?.code).toBe(
      '2.04',
    );
    expect(plant.written).toEqual([value.boolean(true)]);
    expect(text((await link.send({ path: '/3306/0/5851' }))?.payload)).toBe('7');
    const partial = testCodecs.encode(node.instance(0, [node.resource(5851, value.integer(9))]), path, 110);
    expect(
      (await link.send({ path: '/3306/0', method: 'POST', contentFormat: 110, payload: partial }))?.code,
    ).toBe('2.04');
    expect(text((await link.send({ path: '/3306/0/5851' }))?.payload)).toBe('9');
  });

  it('answers 4.00 when TLV ids contradict the path', async () => {
    const { link } = await setup();
    const payload = testCodecs.encode(
      node.resource(5851, value.integer(7)),
      LwM2mPath.parse('/3306/0/5851'),
      11542,
    );
    expect(
      (await link.send({ path: '/3306/0/5850', method: 'PUT', contentFormat: 11542, payload }))?.code,
    ).toBe('4.00');
  });

  it('validates an instance write as a whole before writing anything', async () => {
    const { link, plant } = await setup();
    const path = LwM2mPath.parse('/3306/0');
    const payload = testCodecs.encode(
      node.instance(0, [node.resource(5850, value.boolean(true)), node.resource(5851, value.integer(700))]),
      path,
      110,
    );
    expect((await link.send({ path: '/3306/0', method: 'PUT', contentFormat: 110, payload }))?.code).toBe(
      '4.00',
    );
    expect(plant.written).toEqual([]);
  });

  it('replaces, merges and deletes instances of a multiple resource', async () => {
    const { client, link } = await setup();
    client.objects.defineObject(2, { instances: { 0: { 0: 3303, 1: 0, 2: [15], 3: 1 } } });
    const resourcePath = LwM2mPath.parse('/2/0/2');
    const replace = testCodecs.encode(
      node.multiple(2, 'integer', [
        node.resourceInstance(1, value.integer(1)),
        node.resourceInstance(2, value.integer(3)),
      ]),
      resourcePath,
      110,
    );
    expect(
      (await link.send({ path: '/2/0/2', method: 'PUT', contentFormat: 110, payload: replace }))?.code,
    ).toBe('2.04');
    const merge = testCodecs.encode(
      node.multiple(2, 'integer', [node.resourceInstance(5, value.integer(15))]),
      resourcePath,
      110,
    );
    expect(
      (await link.send({ path: '/2/0/2', method: 'POST', contentFormat: 110, payload: merge }))?.code,
    ).toBe('2.04');
    const read = await link.send({ path: '/2/0/2', accept: 110 });
    expect(JSON.parse(text(read?.payload))).toEqual([
      { bn: '/2/0/', n: '2/1', v: 1 },
      { n: '2/2', v: 3 },
      { n: '2/5', v: 15 },
    ]);
    expect((await link.send({ path: '/2/0/2/2', method: 'PUT', contentFormat: 0, payload: '7' }))?.code).toBe(
      '2.04',
    );
    expect((await link.send({ path: '/2/0/2/1', method: 'DELETE' }))?.code).toBe('2.02');
    expect((await link.send({ path: '/2/0/2/1', method: 'DELETE' }))?.code).toBe('4.04');
    const after = await link.send({ path: '/2/0/2', accept: 110 });
    expect(JSON.parse(text(after?.payload))).toEqual([
      { bn: '/2/0/', n: '2/2', v: 7 },
      { n: '2/5', v: 15 },
    ]);
  });
});

describe('Write-Attributes', () => {
  it('accepts valid attributes and unsets them by name', async () => {
    const { link } = await setup();
    expect(
      (
        await link.send({
          path: '/3303/0/5700',
          method: 'PUT',
          query: ['pmin=1', 'pmax=30', 'lt=10', 'gt=20', 'st=2'],
        })
      )?.code,
    ).toBe('2.04');
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['gt', 'lt', 'st'] }))?.code).toBe(
      '2.04',
    );
    expect(text((await link.send({ path: '/3303/0/5700', accept: 40 }))?.payload)).toBe(
      '</3303/0/5700>;pmin=1;pmax=30',
    );
    expect((await link.send({ path: '/3303/0', method: 'PUT', query: ['epmin=1', 'epmax=10'] }))?.code).toBe(
      '2.04',
    );
  });

  it.each([
    [['pmin=-1'], 'negative period'],
    [['pmax=x'], 'not a number'],
    [['pmin=1.5'], 'fractional period'],
    [['gt=1', 'lt=2'], 'lt not below gt'],
    [['gt=10', 'lt=2', 'st=4'], 'lt + 2st not below gt'],
    [['st=-1'], 'negative step'],
    [['dim=3'], 'read-only attribute'],
    [['foo=1'], 'unknown attribute'],
    [['pmin=1', 'pmin=2'], 'duplicate'],
    [['gt=abc'], 'bad number'],
    [['gt=1e999'], 'infinite'],
  ])('answers 4.00 for %j (%s)', async (query) => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query }))?.code).toBe('4.00');
  });

  it.each([
    [['pmin=60', 'pmax=10'], 'pmin > pmax'],
    [['epmin=60', 'epmax=10'], 'epmin > epmax'],
  ])('answers 4.00 for %j (%s), stores nothing and Discover does not show it', async (query) => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query }))?.code).toBe('4.00');
    expect(text((await link.send({ path: '/3303/0/5700', accept: 40 }))?.payload)).toBe('</3303/0/5700>');
  });

  it('checks pmin/pmax against what is already attached at the same and parent levels', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=30'] }))?.code).toBe('2.04');
    // same level: a later pmin beyond the stored pmax
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=40'] }))?.code).toBe('4.00');
    // parent level: the object carries pmin=100, the resource's own pmax=50 would be below it
    expect((await link.send({ path: '/3303', method: 'PUT', query: ['epmin=100'] }))?.code).toBe('2.04');
    expect((await link.send({ path: '/3303/0', method: 'PUT', query: ['epmax=50'] }))?.code).toBe('4.00');
    // pmax=0 means "no maximum" and is consistent with any pmin
    expect(
      (await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=40', 'pmax=0'] }))?.code,
    ).toBe('2.04');
    expect(
      (await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=10', 'pmax=30'] }))?.code,
    ).toBe('2.04');
    expect(text((await link.send({ path: '/3303/0/5700', accept: 40 }))?.payload)).toBe(
      '</3303/0/5700>;pmin=10;pmax=30',
    );
  });

  it('refuses gt/lt/st on instances and on non-numeric resources', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0', method: 'PUT', query: ['gt=1'] }))?.code).toBe('4.00');
    expect((await link.send({ path: '/3303/0/5701', method: 'PUT', query: ['st=1'] }))?.code).toBe('4.00');
    expect((await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['st=0.5'] }))?.code).toBe('2.04');
  });

  it('answers 4.04 on unknown paths and 4.00 with a payload', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/7', method: 'PUT', query: ['pmin=1'] }))?.code).toBe('4.04');
    expect(
      (
        await link.send({
          path: '/3303/0/5750',
          method: 'PUT',
          query: ['pmin=1'],
          contentFormat: 0,
          payload: 'x',
        })
      )?.code,
    ).toBe('4.00');
  });
});

describe('Execute', () => {
  it('passes parsed arguments to the handler', async () => {
    const { link, plant } = await setup();
    expect((await link.send({ path: '/3303/0/5605', method: 'POST' }))?.code).toBe('2.04');
    expect(
      (await link.send({ path: '/3303/0/5605', method: 'POST', contentFormat: 0, payload: "0='abc',1" }))
        ?.code,
    ).toBe('2.04');
    expect(plant.executed).toEqual([
      [],
      [
        { id: 0, value: 'abc' },
        { id: 1, value: undefined },
      ],
    ]);
  });

  it.each(["0='abc", "0='a',0", '10', '0=abc', "0='a b'", ',', '1,', "0='é'"])(
    'answers 4.00 for arguments %j',
    async (payload) => {
      const { link } = await setup();
      expect(
        (await link.send({ path: '/3303/0/5605', method: 'POST', contentFormat: 0, payload }))?.code,
      ).toBe('4.00');
    },
  );

  it('answers 4.05 on resources that are not executable', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0/5700', method: 'POST' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/3/0/11/0', method: 'POST' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/3/0/4', method: 'POST' }))?.code).toBe('4.05');
  });

  it('runs the configured reboot', async () => {
    let reboots = 0;
    const { link } = await registeredClient({ device: { reboot: () => void reboots++ } });
    expect((await link.send({ path: '/3/0/4', method: 'POST' }))?.code).toBe('2.04');
    expect(reboots).toBe(1);
  });
});

describe('Create and Delete', () => {
  it('creates an instance from TLV with the server-chosen id', async () => {
    const { client, link, plant } = await setup();
    const payload = testCodecs.encode(
      node.object(3303, [
        node.instance(4, [node.resource(5700, value.float(19)), node.resource(5701, value.string('K'))]),
      ]),
      LwM2mPath.parse('/3303'),
      11542,
    );
    const res = await link.send({ path: '/3303', method: 'POST', contentFormat: 11542, payload });
    expect(res).toMatchObject({ code: '2.01', locationPath: ['3303', '4'] });
    expect(plant.created).toEqual([4]);
    expect(client.objects.instanceIds(3303)).toEqual([0, 4]);
    expect(text((await link.send({ path: '/3303/4/5700' }))?.payload)).toBe('19');
  });

  it('creates an instance without id from bare TLV resources, and from SenML', async () => {
    const { link } = await setup();
    const bare = testCodecs.encode(
      node.instance(0, [node.resource(5700, value.float(1))]),
      LwM2mPath.parse('/3303/0'),
      11542,
    );
    expect(
      await link.send({ path: '/3303', method: 'POST', contentFormat: 11542, payload: bare }),
    ).toMatchObject({
      code: '2.01',
      locationPath: ['3303', '1'],
    });
    const senml = JSON.stringify([{ bn: '/3303/7/', n: '5700', v: 3 }]);
    expect(
      await link.send({ path: '/3303', method: 'POST', contentFormat: 110, payload: senml }),
    ).toMatchObject({
      code: '2.01',
      locationPath: ['3303', '7'],
    });
  });

  it('refuses a taken id, unknown resources, and objects without a create handler', async () => {
    const { link } = await setup();
    const taken = JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 3 }]);
    expect(
      (await link.send({ path: '/3303', method: 'POST', contentFormat: 110, payload: taken }))?.code,
    ).toBe('4.00');
    const unknown = JSON.stringify([{ bn: '/3303/5/', n: '9', v: 3 }]);
    expect(
      (await link.send({ path: '/3303', method: 'POST', contentFormat: 110, payload: unknown }))?.code,
    ).toBe('4.00');
    const ok = JSON.stringify([{ bn: '/3306/5/', n: '5851', v: 3 }]);
    expect((await link.send({ path: '/3306', method: 'POST', contentFormat: 110, payload: ok }))?.code).toBe(
      '4.05',
    );
    expect((await link.send({ path: '/3303', method: 'POST', contentFormat: 0, payload: '1' }))?.code).toBe(
      '4.15',
    );
  });

  it('deletes instances with a delete handler only', async () => {
    const { client, link, plant } = await setup();
    expect((await link.send({ path: '/3303/0', method: 'DELETE' }))?.code).toBe('2.02');
    expect(plant.deleted).toEqual([0]);
    expect(client.objects.instanceIds(3303)).toEqual([]);
    expect((await link.send({ path: '/3303/0', method: 'DELETE' }))?.code).toBe('4.04');
    expect((await link.send({ path: '/3306/0', method: 'DELETE' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/3/0', method: 'DELETE' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/3306', method: 'DELETE' }))?.code).toBe('4.05');
    expect((await link.send({ path: '/3306/0/5850', method: 'DELETE' }))?.code).toBe('4.05');
  });

  it('sends an Update with the new object list after Create and Delete', async () => {
    const { link } = await setup();
    const before = link.requestsTo('rd/5a3f').length;
    await link.send({ path: '/3303/0', method: 'DELETE' });
    await settle();
    const updates = link.requestsTo('rd/5a3f');
    expect(updates.length).toBe(before + 1);
    expect(text(updates.at(-1)?.request.payload)).toBe(
      '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303>;ver=1.1,</3306>;ver=1.1,</3306/0>',
    );
  });
});

describe('other methods', () => {
  it('answers 4.05 to PATCH and to FETCH/iPATCH off the root', async () => {
    const { link } = await setup();
    expect((await link.send({ path: '/3303/0', method: 'PATCH' }))?.code).toBe('4.05');
    expect(
      (await link.send({ path: '/3303', method: 'FETCH', contentFormat: 110, payload: '[]' }))?.code,
    ).toBe('4.05');
    expect(
      (await link.send({ path: '/3303', method: 'IPATCH', contentFormat: 110, payload: '[]' }))?.code,
    ).toBe('4.05');
  });
});
