/**
 * Discover, Create, Delete, the composite operations and content-format fallback of Lwm2mServer,
 * against a scripted client endpoint: the requests on the wire (golden payloads) and the decoded
 * answers. Gateway prefixes stay in every path.
 */
import type { CoapIncomingRequest, CoapOutgoingResponse } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import { ContentFormat, LwM2mPath, node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import type { ServerCompositeNotification } from '../src/index.js';
import { asText, harness, register, SERVER_PEER, settle, text } from './support/server-harness.js';

/** A registered client (links and query as given) that answers with `answer` and records the requests. */
async function registered(
  answer: (request: CoapIncomingRequest) => CoapOutgoingResponse,
  input: { links?: string; query?: readonly string[] } = {},
) {
  const h = harness();
  const requests: CoapIncomingRequest[] = [];
  h.client.onRequest((request) => {
    requests.push(request);
    return answer(request);
  });
  await register(h, input);
  return { h, requests };
}

async function exchange<T>(promise: Promise<T>): Promise<T> {
  await settle(30);
  return promise;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** A 1.1 client advertising SenML JSON only (golden payloads stay readable). */
const SENML_JSON_CLIENT = { links: '</>;rt="oma.lwm2m";ct=110,</3/0>,</3303/0>' };

describe('Discover', () => {
  it('GET with Accept 40; the links and their attributes', async () => {
    const { h, requests } = await registered(() => ({
      code: '2.05',
      contentFormat: 40,
      payload: text('</3303/0>;pmin=10;pmax=60,</3303/0/5700>;gt=30.5,</3303/0/5701>'),
    }));
    const result = await exchange(h.server.discover('dev1', '/3303/0'));
    expect(requests.map((r) => [r.method, r.uriPath.join('/'), r.accept, r.payload.length])).toEqual([
      ['GET', '3303/0', 40, 0],
    ]);
    expect(result.code).toBe('2.05');
    expect(result.links?.map((l) => [l.path.toString(), l.attributes])).toEqual([
      ['/3303/0', { pmin: 10, pmax: 60 }],
      ['/3303/0/5700', { gt: 30.5 }],
      ['/3303/0/5701', {}],
    ]);
  });

  it('under a gateway prefix and an alternate path: the request carries both, links that repeat them are understood', async () => {
    const { h, requests } = await registered(
      () => ({
        code: '2.05',
        contentFormat: 40,
        payload: text('</lwm2m/dev0/3303>;ver=1.1,</dev0/3303/0>,</3303/1>'),
      }),
      { links: '</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>' },
    );
    const result = await exchange(h.server.discover('dev1', '/dev0/3303'));
    expect(requests[0]?.uriPath).toEqual(['lwm2m', 'dev0', '3303']);
    expect(result.links?.map((l) => [l.path.toString(), l.version])).toEqual([
      ['/3303', '1.1'],
      ['/3303/0', undefined],
      ['/3303/1', undefined],
    ]);
  });

  it('an error answer has no links; a 2.05 in another format throws', async () => {
    const { h } = await registered((r) =>
      r.uriPath[0] === '9'
        ? { code: '4.04', payload: text('no object 9') }
        : { code: '2.05', contentFormat: 0, payload: text('x') },
    );
    expect(await exchange(h.server.discover('dev1', '/9'))).toEqual({
      code: '4.04',
      success: false,
      diagnostic: 'no object 9',
      links: undefined,
    });
    const odd = h.server.discover('dev1', '/3303');
    await settle(30);
    await expect(odd).rejects.toSatisfy((e) => isCodedError(e, 'CODEC_UNSUPPORTED_FORMAT'));
  });
});

describe('Create and Delete', () => {
  const resources = [node.resource(5700, value.float(1)), node.resource(5701, value.string('Cel'))];
  /** TLV of the two resources: 5700 = 1.0 (float32), 5701 = "Cel". */
  const BARE_TLV = 'e416443f800000e3164543656c';

  it('without an instance id: POST to the object, TLV bare resources; the id from Location-Path', async () => {
    const { h, requests } = await registered(() => ({ code: '2.01', locationPath: ['3303', '4'] }));
    const result = await exchange(h.server.create('dev1', '/3303', { resources }));
    expect(requests.map((r) => [r.method, r.uriPath.join('/'), r.contentFormat, hex(r.payload)])).toEqual([
      ['POST', '3303', ContentFormat.TLV, BARE_TLV],
    ]);
    expect(result).toEqual({ code: '2.01', success: true, diagnostic: undefined, instanceId: 4 });
  });

  it('with an id: the object with that instance (TLV for a 1.0 client, SenML JSON when advertised)', async () => {
    const { h, requests } = await registered(() => ({ code: '2.01' }), {
      query: ['ep=old', 'lwm2m=1.0'],
      links: '</3303/0>',
    });
    await register(h, { query: ['ep=new', 'lwm2m=1.1'], ...SENML_JSON_CLIENT });
    const old = await exchange(h.server.create('old', '/3303', node.instance(7, resources)));
    const fresh = await exchange(h.server.create('new', '/3303', { id: 7, resources }));
    expect(
      requests.map((r) => [r.contentFormat, r.contentFormat === 11542 ? hex(r.payload) : asText(r.payload)]),
    ).toEqual([
      [ContentFormat.TLV, `08070d${BARE_TLV}`],
      [ContentFormat.SENML_JSON, '[{"bn":"/3303/7/","n":"5700","v":1},{"n":"5701","vs":"Cel"}]'],
    ]);
    // no Location-Path: the id the request named
    expect([old.instanceId, fresh.instanceId]).toEqual([7, 7]);
  });

  it('under a gateway prefix: the prefix in Uri-Path and in the Location-Path', async () => {
    const { h, requests } = await registered(() => ({ code: '2.01', locationPath: ['dev0', '3303', '2'] }));
    const result = await exchange(h.server.create('dev1', '/dev0/3303', { resources }));
    expect(requests[0]?.uriPath).toEqual(['dev0', '3303']);
    expect(result.instanceId).toBe(2);
  });

  it('refusals: an error code as a value; a non-object path or a SenML Create without id throws, nothing sent', async () => {
    const { h, requests } = await registered(() => ({ code: '4.05', payload: text('not creatable') }));
    expect(await exchange(h.server.create('dev1', '/3', { resources }))).toEqual({
      code: '4.05',
      success: false,
      diagnostic: 'not creatable',
      instanceId: undefined,
    });
    await expect(h.server.create('dev1', '/3303/0', { resources })).rejects.toSatisfy((e) =>
      isCodedError(e, 'PATH_INVALID'),
    );
    await expect(h.server.create('dev1', '/3303', { resources }, { format: 110 })).rejects.toSatisfy((e) =>
      isCodedError(e, 'CODEC_NOT_ACCEPTABLE'),
    );
    expect(requests).toHaveLength(1);
  });

  it('a Location-Path that names no instance of the object throws CODEC_MALFORMED', async () => {
    const { h } = await registered(() => ({ code: '2.01', locationPath: ['rd', 'x'] }));
    const created = h.server.create('dev1', '/3303', { resources });
    await settle(30);
    await expect(created).rejects.toSatisfy((e) => isCodedError(e, 'CODEC_MALFORMED'));
  });

  it('Delete: DELETE of an instance (prefix kept) or a resource instance; other levels throw', async () => {
    const { h, requests } = await registered(() => ({ code: '2.02' }));
    expect((await exchange(h.server.delete('dev1', '/dev0/3303/1'))).code).toBe('2.02');
    await exchange(h.server.delete('dev1', '/3/0/7/1'));
    await expect(h.server.delete('dev1', '/3303')).rejects.toSatisfy((e) => isCodedError(e, 'PATH_INVALID'));
    expect(requests.map((r) => [r.method, r.uriPath.join('/')])).toEqual([
      ['DELETE', 'dev0/3303/1'],
      ['DELETE', '3/0/7/1'],
    ]);
  });
});

describe('Read-Composite and Write-Composite', () => {
  it('Read-Composite: FETCH on the root with the SenML path list (prefixes kept); values by path, missing ones left out', async () => {
    const { h, requests } = await registered(
      () => ({
        code: '2.05',
        contentFormat: 110,
        payload: text('[{"bn":"/3/0/","n":"9","v":87},{"bn":"/dev0/3303/0/","n":"5700","v":21.5}]'),
      }),
      SENML_JSON_CLIENT,
    );
    const result = await exchange(
      h.server.readComposite('dev1', ['/3/0/9', '/dev0/3303/0/5700', LwM2mPath.parse('/dev0/3303/0/5701')]),
    );
    expect(requests.map((r) => [r.method, r.uriPath, r.contentFormat, r.accept, asText(r.payload)])).toEqual([
      ['FETCH', [], 110, undefined, '[{"n":"/3/0/9"},{"n":"/dev0/3303/0/5700"},{"n":"/dev0/3303/0/5701"}]'],
    ]);
    expect(result.nodes?.map((n) => [n.path.toString(), n.node])).toEqual([
      ['/3/0/9', node.resource(9, value.integer(87))],
      ['/dev0/3303/0/5700', node.resource(5700, value.float(21.5))],
    ]);
    expect(result.contentFormat).toBe(110);
  });

  it('defaults: SenML CBOR path list for a client without ct, below the alternate path; Accept when asked', async () => {
    const { h, requests } = await registered(() => ({ code: '4.04' }), {
      links: '</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>',
    });
    const result = await exchange(h.server.readComposite('dev1', ['/3/0/9'], { accept: 11544 }));
    expect(result).toEqual({
      code: '4.04',
      success: false,
      diagnostic: undefined,
      nodes: undefined,
      contentFormat: undefined,
    });
    expect(requests.map((r) => [r.uriPath, r.contentFormat, r.accept, hex(r.payload)])).toEqual([
      [['lwm2m'], 112, 11544, '81a100662f332f302f39'], // [{0: "/3/0/9"}]
    ]);
    await expect(h.server.readComposite('dev1', [])).rejects.toSatisfy((e) =>
      isCodedError(e, 'PATH_INVALID'),
    );
  });

  it('Write-Composite: iPATCH on the root with the values in SenML (prefixes kept)', async () => {
    const { h, requests } = await registered(() => ({ code: '2.04' }), SENML_JSON_CLIENT);
    const result = await exchange(
      h.server.writeComposite('dev1', [
        { path: LwM2mPath.parse('/3303/0/5701'), node: node.resource(5701, value.string('K')) },
        { path: LwM2mPath.parse('/dev0/3303/0/5750'), node: node.resource(5750, value.string('Boiler')) },
      ]),
    );
    expect(result).toEqual({ code: '2.04', success: true, diagnostic: undefined });
    expect(requests.map((r) => [r.method, r.uriPath, r.contentFormat, asText(r.payload)])).toEqual([
      [
        'IPATCH',
        [],
        110,
        '[{"bn":"/3303/0/","n":"5701","vs":"K"},{"bn":"/dev0/3303/0/","n":"5750","vs":"Boiler"}]',
      ],
    ]);
    await expect(h.server.writeComposite('dev1', [])).rejects.toSatisfy((e) =>
      isCodedError(e, 'NODE_INVALID'),
    );
  });
});

describe('Observe-Composite', () => {
  it('FETCH with Observe=0; notifications decoded by path; active cancel repeats the path list with Observe=1', async () => {
    let token: Uint8Array | undefined;
    const { h, requests } = await registered((request) => {
      token ??= request.token;
      return {
        code: '2.05',
        contentFormat: 110,
        payload: text('[{"n":"/dev0/3303/0/5700","v":20}]'),
        ...(request.observe === 0 ? { observe: 1 } : {}),
      };
    }, SENML_JSON_CLIENT);
    const mine: ServerCompositeNotification[] = [];
    const all: ServerCompositeNotification[] = [];
    h.server.on('compositeNotification', (n) => all.push(n));
    const result = await exchange(
      h.server.observeComposite('dev1', ['/dev0/3303/0/5700', '/3/0/9'], {
        onNotification: (n) => mine.push(n),
      }),
    );
    expect(result.nodes?.map((n) => n.node)).toEqual([node.resource(5700, value.float(20))]);
    const observation = result.observation!;
    expect(observation.paths.map(String)).toEqual(['/dev0/3303/0/5700', '/3/0/9']);
    expect(h.server.compositeObservations('dev1')).toEqual([observation]);
    expect(h.server.observations('dev1')).toEqual([]);
    expect(h.server.stats().observations).toBe(1);

    const outcome = h.client.notify(
      SERVER_PEER,
      token!,
      { code: '2.05', observe: 2, contentFormat: 110, payload: text('[{"n":"/3/0/9","v":50}]') },
      { confirmable: true },
    );
    await settle(30);
    expect(await outcome).toBe('acknowledged');
    expect(mine.map((n) => [n.observe, n.nodes?.map((v) => [v.path.toString(), v.node])])).toEqual([
      [2, [['/3/0/9', node.resource(9, value.integer(50))]]],
    ]);
    expect(all).toEqual(mine);

    const cancelled = await exchange(observation.cancel({ active: true }));
    expect(cancelled?.code).toBe('2.05');
    expect(requests.map((r) => [r.method, r.observe, asText(r.payload)])).toEqual([
      ['FETCH', 0, '[{"n":"/dev0/3303/0/5700"},{"n":"/3/0/9"}]'],
      ['FETCH', 1, '[{"n":"/dev0/3303/0/5700"},{"n":"/3/0/9"}]'],
    ]);
    expect(requests[1]?.token).toEqual(token);
    await expect(observation.ended).resolves.toBe('cancelled');
    expect(h.server.compositeObservations()).toEqual([]);
  });

  it('not accepted (no Observe in the answer): the values, no observation; De-register drops an accepted one', async () => {
    let observe = false;
    const { h } = await registered(
      () => ({
        code: '2.05',
        contentFormat: 110,
        payload: text('[{"n":"/3/0/9","v":1}]'),
        ...(observe ? { observe: 1 } : {}),
      }),
      SENML_JSON_CLIENT,
    );
    const plain = await exchange(h.server.observeComposite('dev1', ['/3/0/9']));
    expect(plain.observation).toBeUndefined();
    expect(plain.nodes).toHaveLength(1);
    observe = true;
    const { observation } = await exchange(h.server.observeComposite('dev1', ['/3/0/9']));
    const gone = h.client.request(SERVER_PEER, { method: 'DELETE', uriPath: ['rd', 'r1'] });
    await settle(20);
    expect((await gone).code).toBe('2.02');
    await expect(observation!.ended).resolves.toBe('deregistered');
    expect(h.server.compositeObservations()).toEqual([]);
  });
});

describe('content-format fallback', () => {
  it('a 4.15 to the format the server chose is retried once in the next; a named format is not', async () => {
    // takes a SenML JSON Write, nothing else
    const { h, requests } = await registered((r) =>
      r.method === 'PUT' && r.contentFormat === ContentFormat.SENML_JSON
        ? { code: '2.04' }
        : { code: '4.15' },
    );
    const instance = node.instance(0, [node.resource(5701, value.string('K'))]);
    const write = await exchange(h.server.write('dev1', '/3303/0', instance));
    expect(write.code).toBe('2.04');
    // advertised "110 112": SenML CBOR, then SenML JSON; the second 4.15 is the answer
    const composite = await exchange(h.server.readComposite('dev1', ['/3/0/9']));
    expect(composite.code).toBe('4.15');
    const named = await exchange(h.server.write('dev1', '/3303/0', instance, { format: 112 }));
    expect(named.code).toBe('4.15');
    expect(requests.map((r) => [r.method, r.contentFormat])).toEqual([
      ['PUT', 112],
      ['PUT', 110],
      ['FETCH', 112],
      ['FETCH', 110],
      ['PUT', 112],
    ]);
    expect(h.server.stats().requests).toMatchObject({
      sent: 5,
      clientErrors: 4,
      success: 1,
      formatRetries: 2,
    });
  });

  it('a client without ct: SenML CBOR, then TLV', async () => {
    const { h, requests } = await registered(
      (r) => (r.contentFormat === ContentFormat.TLV ? { code: '2.04' } : { code: '4.15' }),
      { links: '</3303/0>' },
    );
    const instance = node.instance(0, [node.resource(5701, value.string('K'))]);
    expect((await exchange(h.server.write('dev1', '/3303/0', instance, { mode: 'update' }))).code).toBe(
      '2.04',
    );
    expect(requests.map((r) => [r.method, r.contentFormat])).toEqual([
      ['POST', 112],
      ['POST', 11542],
    ]);
  });
});

it('requests by outcome: success, client and server errors, timeouts', async () => {
  const h = harness({ requestTimeoutMs: 5_000 });
  const codes: CoapOutgoingResponse['code'][] = ['2.05', '4.04', '5.03'];
  h.client.onRequest(() => ({ code: codes.shift() ?? '2.05', contentFormat: 0, payload: text('1') }));
  await register(h);
  for (let i = 0; i < 3; i++) await exchange(h.server.read('dev1', '/3303/0/5700'));
  h.toClient.filter = () => false;
  const lost = h.server.read('dev1', '/3303/0/5700');
  h.clock.advance(5_000);
  await expect(lost).rejects.toSatisfy((e) => isCodedError(e, 'COAP_TIMEOUT'));
  expect(h.server.stats().requests).toEqual({
    sent: 4,
    success: 1,
    clientErrors: 1,
    serverErrors: 1,
    timeouts: 1,
    failures: 0,
    formatRetries: 0,
  });
});

it('every single-path request keeps the gateway prefix below the alternate path', async () => {
  const { h, requests } = await registered(
    (r) =>
      r.accept === 40
        ? { code: '2.05', contentFormat: 40, payload: text('</3303/0/5700>') }
        : { code: '2.05', contentFormat: 0, payload: text('1') },
    { links: '</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>' },
  );
  const target = '/dev0/3303/0/5700';
  const resource = node.resource(5700, value.float(1));
  await exchange(h.server.read('dev1', target));
  await exchange(h.server.discover('dev1', target));
  await exchange(h.server.write('dev1', target, resource));
  await exchange(h.server.write('dev1', '/dev0/3303/0', node.instance(0, [resource]), { mode: 'update' }));
  await exchange(h.server.writeAttributes('dev1', target, { pmin: 1 }));
  await exchange(h.server.execute('dev1', '/dev0/3/0/4'));
  await exchange(h.server.observe('dev1', target));
  await exchange(h.server.create('dev1', '/dev0/3303', { id: 1, resources: [resource] }));
  await exchange(h.server.delete('dev1', '/dev0/3303/1'));
  expect(requests.map((r) => `${r.method} /${r.uriPath.join('/')}`)).toEqual([
    'GET /lwm2m/dev0/3303/0/5700',
    'GET /lwm2m/dev0/3303/0/5700',
    'PUT /lwm2m/dev0/3303/0/5700',
    'POST /lwm2m/dev0/3303/0',
    'PUT /lwm2m/dev0/3303/0/5700',
    'POST /lwm2m/dev0/3/0/4',
    'GET /lwm2m/dev0/3303/0/5700',
    'POST /lwm2m/dev0/3303',
    'DELETE /lwm2m/dev0/3303/1',
  ]);
});
