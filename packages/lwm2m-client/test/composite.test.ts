import { LwM2mPath, node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { text } from './support/fake-link.js';
import { declareTestObjects, testCodecs } from './support/test-objects.js';

async function setup() {
  const fixture = await registeredClient({ device: { manufacturer: 'ACME' } });
  const plant = declareTestObjects(fixture.client);
  fixture.client.objects.defineObject(2, { instances: { 0: { 0: 3303, 1: 0, 2: [15], 3: 1 } } });
  await settle();
  return { ...fixture, plant };
}

const paths = (...names: string[]) => JSON.stringify(names.map((n) => ({ n })));
const json = (bytes: Uint8Array | undefined) => JSON.parse(text(bytes));

describe('Read-Composite', () => {
  it('reads several paths best effort, in the request format', async () => {
    const { link } = await setup();
    const res = await link.send({
      method: 'FETCH',
      contentFormat: 110,
      payload: paths('/3303/0/5700', '/3/0/0', '/3303/9', '/3303/0/5701'),
    });
    expect(res).toMatchObject({ code: '2.05', contentFormat: 110 });
    expect(json(res?.payload)).toEqual([
      { bn: '/3303/0/', n: '5700', v: 22.5 },
      { bn: '/3/0/', n: '0', vs: 'ACME' },
      { bn: '/3303/0/', n: '5701', vs: 'Cel' },
    ]);
  });

  it('drops paths covered by another listed path', async () => {
    const { link } = await setup();
    const res = await link.send({
      method: 'FETCH',
      contentFormat: 110,
      payload: paths('/3303/0/5700', '/3303/0'),
    });
    expect(json(res?.payload)).toEqual([
      { bn: '/3303/0/', n: '5700', v: 22.5 },
      { n: '5701', vs: 'Cel' },
      { n: '5750', vs: 'Boiler' },
    ]);
  });

  it('answers in the Accept format', async () => {
    const { link } = await setup();
    const res = await link.send({
      method: 'FETCH',
      contentFormat: 110,
      accept: 112,
      payload: paths('/3303/0/5700'),
    });
    expect(res?.contentFormat).toBe(112);
    expect(
      (await link.send({ method: 'FETCH', contentFormat: 110, accept: 0, payload: paths('/3303/0/5700') }))
        ?.code,
    ).toBe('4.06');
  });

  it('reads every object for the root path, never /0', async () => {
    const { link } = await setup();
    const res = await link.send({ method: 'FETCH', contentFormat: 110, payload: paths('/') });
    const names = (json(res?.payload) as { bn?: string; n?: string }[]).flatMap((r) =>
      r.bn === undefined ? [] : [r.bn],
    );
    expect(names.some((n) => n.startsWith('/0/'))).toBe(false);
    expect(names).toContain('/3303/0/');
  });

  it('answers 4.15, 4.00 and 4.01 for bad requests', async () => {
    const { link } = await setup();
    expect((await link.send({ method: 'FETCH', contentFormat: 11542, payload: paths('/3/0') }))?.code).toBe(
      '4.15',
    );
    expect((await link.send({ method: 'FETCH', contentFormat: 11544, payload: paths('/3/0') }))?.code).toBe(
      '4.15',
    );
    expect((await link.send({ method: 'FETCH', payload: paths('/3/0') }))?.code).toBe('4.00');
    expect((await link.send({ method: 'FETCH', contentFormat: 110, payload: '[{"n":' }))?.code).toBe('4.00');
    expect((await link.send({ method: 'FETCH', contentFormat: 110, payload: '[]' }))?.code).toBe('4.00');
    expect(
      (await link.send({ method: 'FETCH', contentFormat: 110, payload: paths('/3/0', '/0/0/5') }))?.code,
    ).toBe('4.01');
  });
});

describe('Write-Composite', () => {
  it('writes every value of the request', async () => {
    const { link, plant } = await setup();
    const payload = JSON.stringify([
      { bn: '/3306/0/', n: '5850', vb: true },
      { bn: '/3303/0/', n: '5750', vs: 'Radiator' },
      { bn: '/2/0/', n: '2/3', v: 31 },
    ]);
    expect((await link.send({ method: 'IPATCH', contentFormat: 110, payload }))?.code).toBe('2.04');
    expect(plant.written).toHaveLength(1);
    expect(text((await link.send({ path: '/3303/0/5750' }))?.payload)).toBe('Radiator');
    expect(json((await link.send({ path: '/2/0/2', accept: 110 }))?.payload)).toEqual([
      { bn: '/2/0/', n: '2/0', v: 15 },
      { n: '2/3', v: 31 },
    ]);
  });

  it.each([
    ['a read-only resource', { bn: '/3303/0/', n: '5700', v: 1 }, '4.05'],
    ['an unknown instance', { bn: '/3303/7/', n: '5750', vs: 'x' }, '4.04'],
    ['an unknown prefix', { bn: '/devX/3303/0/', n: '5750', vs: 'x' }, '4.04'],
    ['a value out of range', { bn: '/3306/0/', n: '5851', v: 500 }, '4.00'],
    ['a value of the wrong type', { bn: '/3306/0/', n: '5851', vs: 'high' }, '4.00'],
    ['a lifetime the server object refuses', { bn: '/1/0/', n: '1', v: 0 }, '4.00'],
    ['the Security object', { bn: '/0/0/', n: '0', vs: 'coap://evil' }, '4.01'],
  ])('writes nothing when one value targets %s', async (_what, bad, code) => {
    const { link, plant } = await setup();
    const payload = JSON.stringify([
      { bn: '/3306/0/', n: '5850', vb: true },
      { bn: '/3303/0/', n: '5750', vs: 'Radiator' },
      bad,
    ]);
    expect((await link.send({ method: 'IPATCH', contentFormat: 110, payload }))?.code).toBe(code);
    expect(plant.written).toEqual([]);
    expect(text((await link.send({ path: '/3303/0/5750' }))?.payload)).toBe('Boiler');
  });

  it('accepts LwM2M CBOR bodies nested by object', async () => {
    const { link, plant } = await setup();
    const payload = testCodecs.encodeNodes(
      [
        {
          path: LwM2mPath.parse('/3306'),
          node: node.object(3306, [node.instance(0, [node.resource(5850, value.boolean(true))])]),
        },
        { path: LwM2mPath.parse('/3303/0/5750'), node: node.resource(5750, value.string('Pump')) },
      ],
      11544,
    );
    expect((await link.send({ method: 'IPATCH', contentFormat: 11544, payload }))?.code).toBe('2.04');
    expect(plant.written).toEqual([value.boolean(true)]);
    expect(text((await link.send({ path: '/3303/0/5750' }))?.payload)).toBe('Pump');
  });

  it('answers 4.15 for formats that cannot carry composites', async () => {
    const { link } = await setup();
    expect((await link.send({ method: 'IPATCH', contentFormat: 0, payload: 'x' }))?.code).toBe('4.15');
    expect((await link.send({ method: 'IPATCH', contentFormat: 110, payload: '[]' }))?.code).toBe('4.00');
  });
});
