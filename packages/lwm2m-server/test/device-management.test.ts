/** Typed requests of Lwm2mServer to a registered client (scripted CoAP endpoint): what goes out, what comes back. */
import type { CoapIncomingRequest, CoapOutgoingResponse, NotificationOutcome } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import {
  ContentFormat,
  LwM2mCodecs,
  LwM2mPath,
  node,
  ObjectRegistry,
  value,
} from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import type { ServerNotification } from '../src/index.js';
import {
  asText,
  type Harness,
  harness,
  register,
  SERVER_PEER,
  settle,
  text,
} from './support/server-harness.js';

const codecs = new LwM2mCodecs(ObjectRegistry.withOmaObjects());

/** A registered client that answers with `answer` and records the requests. */
async function registered(
  answer: (request: CoapIncomingRequest) => CoapOutgoingResponse = () => ({ code: '2.04' }),
  links?: string,
) {
  const h = harness();
  const requests: CoapIncomingRequest[] = [];
  h.client.onRequest((request) => {
    requests.push(request);
    return answer(request);
  });
  await register(h, links === undefined ? {} : { links });
  return { h, requests };
}

/** Runs a server call while the in-memory link delivers. */
async function exchange<T>(promise: Promise<T>): Promise<T> {
  await settle(30);
  return promise;
}

describe('Read', () => {
  it('GET with Uri-Path and Accept; the 2.05 is decoded', async () => {
    const { h, requests } = await registered(() => ({
      code: '2.05',
      contentFormat: ContentFormat.TEXT,
      payload: text('21.5'),
    }));
    const result = await exchange(h.server.read('dev1', '/3303/0/5700', { format: ContentFormat.TEXT }));
    expect(requests.map((r) => [r.method, r.uriPath, r.accept])).toEqual([['GET', ['3303', '0', '5700'], 0]]);
    expect(result).toEqual({
      code: '2.05',
      success: true,
      diagnostic: undefined,
      node: node.resource(5700, value.float(21.5)),
      contentFormat: ContentFormat.TEXT,
    });
  });

  it('an instance in SenML CBOR, addressed by the Registration object; no Accept when none is asked', async () => {
    const instance = node.instance(0, [
      node.resource(5700, value.float(3)),
      node.resource(5701, value.string('Cel')),
    ]);
    const payload = codecs.encode(instance, LwM2mPath.parse('/3303/0'), ContentFormat.SENML_CBOR);
    const { h, requests } = await registered(() => ({ code: '2.05', contentFormat: 112, payload }));
    const registration = h.server.registration('dev1')!;
    const result = await exchange(h.server.read(registration, LwM2mPath.parse('/3303/0')));
    expect(requests[0]?.accept).toBeUndefined();
    expect(result.node).toEqual(instance);
  });

  it('an error answer: code and diagnostic, no node', async () => {
    const { h } = await registered(() => ({ code: '4.04', payload: text('no such instance') }));
    const result = await exchange(h.server.read('dev1', '/3303/9'));
    expect(result).toEqual({
      code: '4.04',
      success: false,
      diagnostic: 'no such instance',
      node: undefined,
      contentFormat: undefined,
    });
  });

  it('requests go below the alternate path the client registered', async () => {
    const { h, requests } = await registered(
      () => ({ code: '2.05', contentFormat: 0, payload: text('1') }),
      '</lwm2m>;rt="oma.lwm2m",</lwm2m/3303/0>',
    );
    await exchange(h.server.read('dev1', '/3303/0/5700'));
    expect(requests[0]?.uriPath).toEqual(['lwm2m', '3303', '0', '5700']);
  });

  it('a gateway prefix stays in the path', async () => {
    const { h, requests } = await registered(() => ({ code: '2.05', contentFormat: 0, payload: text('7') }));
    const result = await exchange(h.server.read('dev1', '/dev7/3303/0/5700'));
    expect(requests[0]?.uriPath).toEqual(['dev7', '3303', '0', '5700']);
    expect(result.node).toEqual(node.resource(5700, value.float(7)));
  });

  it('an unknown endpoint, or a registration that ended, is CLIENT_NOT_REGISTERED', async () => {
    const { h } = await registered();
    await expect(h.server.read('nobody', '/3/0')).rejects.toSatisfy((e) =>
      isCodedError(e, 'CLIENT_NOT_REGISTERED'),
    );
    const registration = h.server.registration('dev1')!;
    await register(h); // replaced: a new id
    await expect(h.server.read(registration, '/3/0')).rejects.toSatisfy((e) =>
      isCodedError(e, 'CLIENT_NOT_REGISTERED'),
    );
  });

  it('requestTimeoutMs bounds a request the client never answers', async () => {
    const h = harness({ requestTimeoutMs: 5_000 });
    await register(h);
    h.toClient.filter = () => false;
    const read = h.server.read('dev1', '/3/0');
    h.clock.advance(5_000);
    await expect(read).rejects.toSatisfy((e) => isCodedError(e, 'COAP_TIMEOUT'));
  });
});

describe('Write, Write-Attributes, Execute', () => {
  it('replace: PUT in the given format; update: POST', async () => {
    const { h, requests } = await registered();
    const replace = await exchange(
      h.server.write('dev1', '/3303/0/5701', node.resource(5701, value.string('K')), {
        format: ContentFormat.TEXT,
      }),
    );
    expect(replace).toEqual({ code: '2.04', success: true, diagnostic: undefined });
    const instance = node.instance(0, [node.resource(5701, value.string('K'))]);
    await exchange(
      h.server.write('dev1', '/3303/0', instance, { mode: 'update', format: ContentFormat.TLV }),
    );
    expect(requests.map((r) => [r.method, r.uriPath.join('/'), r.contentFormat])).toEqual([
      ['PUT', '3303/0/5701', ContentFormat.TEXT],
      ['POST', '3303/0', ContentFormat.TLV],
    ]);
    expect(asText(requests[0]!.payload)).toBe('K');
    expect(codecs.decode(requests[1]!.payload, LwM2mPath.parse('/3303/0'), ContentFormat.TLV)).toEqual(
      instance,
    );
  });

  it('default formats: text for a single value, the advertised SenML CBOR, TLV for a 1.0 client without ct', async () => {
    const instance = node.instance(0, [node.resource(5701, value.string('K'))]);
    const { h, requests } = await registered(); // advertises ct="110 112"
    await exchange(h.server.write('dev1', '/3303/0/5701', node.resource(5701, value.string('K'))));
    await exchange(h.server.write('dev1', '/3303/0', instance));
    await register(h, { query: ['ep=old', 'lwm2m=1.0'], links: '</3303/0>' });
    await exchange(h.server.write('old', '/3303/0', instance));
    expect(requests.map((r) => r.contentFormat)).toEqual([
      ContentFormat.TEXT,
      ContentFormat.SENML_CBOR,
      ContentFormat.TLV,
    ]);
  });

  it('Write-Attributes: PUT with the attributes as Uri-Query; null removes one', async () => {
    const { h, requests } = await registered();
    const result = await exchange(
      h.server.writeAttributes('dev1', '/3303/0/5700', { pmin: 10, pmax: null, gt: 20.5, st: 0.25 }),
    );
    expect(result.code).toBe('2.04');
    expect(requests.map((r) => [r.method, r.uriPath.join('/'), r.uriQuery, r.payload.length])).toEqual([
      ['PUT', '3303/0/5700', ['pmin=10', 'pmax', 'gt=20.5', 'st=0.25'], 0],
    ]);
  });

  it('Write-Attributes refuses non-integer pmin, a non-finite threshold and an empty set (NODE_INVALID)', async () => {
    const { h, requests } = await registered();
    for (const attributes of [{ pmin: 1.5 }, { gt: Number.NaN }, { pmax: -1 }, {}]) {
      await expect(h.server.writeAttributes('dev1', '/3303/0/5700', attributes)).rejects.toSatisfy((e) =>
        isCodedError(e, 'NODE_INVALID'),
      );
    }
    expect(requests).toEqual([]);
  });

  it('Execute: POST, arguments as text/plain', async () => {
    const { h, requests } = await registered(() => ({ code: '2.04' }));
    await exchange(h.server.execute('dev1', '/3/0/4'));
    await exchange(h.server.execute('dev1', '/3/0/4', { arguments: "0='now'" }));
    expect(requests.map((r) => [r.method, r.uriPath.join('/'), r.contentFormat, asText(r.payload)])).toEqual([
      ['POST', '3/0/4', undefined, ''],
      ['POST', '3/0/4', ContentFormat.TEXT, "0='now'"],
    ]);
  });
});

describe('Observe', () => {
  /** A client whose /3303/0/5700 can be observed; returns the Observe token it saw. */
  async function observable(observeNumber: number | null = 1) {
    const tokens: Uint8Array[] = [];
    const { h, requests } = await registered((request) => {
      if (request.observe === 0) tokens.push(request.token);
      return observeNumber === null || request.observe !== 0
        ? { code: '2.05', contentFormat: 0, payload: text('20') }
        : { code: '2.05', contentFormat: 0, payload: text('20'), observe: observeNumber };
    });
    return { h, requests, tokens };
  }

  function notify(h: Harness, token: Uint8Array, observe: number, payload: string, confirmable = false) {
    return h.client.notify(
      SERVER_PEER,
      token,
      { code: '2.05', observe, contentFormat: 0, payload: text(payload) },
      { confirmable },
    );
  }

  it('the first value and the observation; notifications decoded to the listener and the event', async () => {
    const { h, requests, tokens } = await observable();
    const mine: ServerNotification[] = [];
    const all: ServerNotification[] = [];
    h.server.on('notification', (n) => all.push(n));
    const result = await exchange(
      h.server.observe('dev1', '/3303/0/5700', { format: 0, onNotification: (n) => mine.push(n) }),
    );
    expect(requests[0]).toMatchObject({
      method: 'GET',
      observe: 0,
      accept: 0,
      uriPath: ['3303', '0', '5700'],
    });
    expect(result.node).toEqual(node.resource(5700, value.float(20)));
    const observation = result.observation!;
    expect(observation).toMatchObject({ endpoint: 'dev1', registrationId: 'r1', format: 0 });
    expect(observation.path.toString()).toBe('/3303/0/5700');
    expect(h.server.observations('dev1')).toEqual([observation]);
    const outcome = notify(h, tokens[0]!, 2, '21', true);
    await settle(30);
    expect(await outcome).toBe('acknowledged');
    expect(mine.map((n) => [n.code, n.observe, n.confirmable, n.node])).toEqual([
      ['2.05', 2, true, node.resource(5700, value.float(21))],
    ]);
    expect(all).toEqual(mine);
    expect(mine[0]?.registration).toBe(h.server.registration('dev1'));
    expect(h.server.stats()).toMatchObject({ observations: 1, notifications: 1 });
  });

  it('a payload that does not decode is delivered with its error', async () => {
    const { h, tokens } = await observable();
    const seen: ServerNotification[] = [];
    await exchange(h.server.observe('dev1', '/3303/0/5700', { onNotification: (n) => seen.push(n) }));
    void notify(h, tokens[0]!, 2, 'warm');
    await settle(30);
    expect(seen[0]?.node).toBeUndefined();
    expect(isCodedError(seen[0]?.error)).toBe(true);
    expect(asText(seen[0]!.payload)).toBe('warm');
  });

  it('a first value that does not decode: observe() rejects and the observation is forgotten', async () => {
    const tokens: Uint8Array[] = [];
    const { h } = await registered((request) => {
      tokens.push(request.token);
      return { code: '2.05', contentFormat: 0, payload: text('warm'), observe: 1 };
    });
    const observed = h.server.observe('dev1', '/3303/0/5700');
    await settle(30);
    await expect(observed).rejects.toSatisfy((e) => isCodedError(e));
    expect(h.server.observations()).toEqual([]);
    const outcome = notify(h, tokens[0]!, 2, '21', true);
    await settle(30);
    expect(await outcome).toBe('reset');
  });

  it('a 2.05 without Observe: the value, no observation', async () => {
    const { h } = await observable(null);
    const result = await exchange(h.server.observe('dev1', '/3303/0/5700'));
    expect(result.node).toEqual(node.resource(5700, value.float(20)));
    expect(result.observation).toBeUndefined();
    expect(h.server.observations()).toEqual([]);
  });

  it('passive cancel: the next notification is reset', async () => {
    const { h, tokens } = await observable();
    const { observation } = await exchange(h.server.observe('dev1', '/3303/0/5700'));
    await expect(observation!.cancel()).resolves.toBeUndefined();
    await expect(observation!.ended).resolves.toBe('cancelled');
    const outcome = notify(h, tokens[0]!, 2, '21', true);
    await settle(30);
    expect(await outcome).toBe('reset');
    expect(h.server.observations()).toEqual([]);
  });

  it('active cancel: GET with Observe=1 and the same token; the client answer is returned', async () => {
    const { h, requests, tokens } = await observable();
    const { observation } = await exchange(h.server.observe('dev1', '/3303/0/5700', { format: 0 }));
    const response = await exchange(observation!.cancel({ active: true }));
    expect(requests[1]).toMatchObject({
      method: 'GET',
      observe: 1,
      accept: 0,
      uriPath: ['3303', '0', '5700'],
    });
    expect(requests[1]?.token).toEqual(tokens[0]);
    expect(response).toEqual({ code: '2.05', success: true, diagnostic: undefined });
  });

  it('the registration ends (De-register, expiry, re-Register): its observations end "deregistered"', async () => {
    const { h, tokens } = await observable();
    const { observation } = await exchange(h.server.observe('dev1', '/3303/0/5700'));
    const seen: ServerNotification[] = [];
    h.server.on('notification', (n) => seen.push(n));
    await register(h); // the client registers again: observations of before are void (Core §6.2.1)
    await expect(observation!.ended).resolves.toBe('deregistered');
    const outcome: Promise<NotificationOutcome> = notify(h, tokens[0]!, 2, '21');
    await settle(30);
    expect(await outcome).toBe('sent');
    expect(seen).toEqual([]);
    expect(h.serverEndpoint.stats().dropped.unmatchedResponse).toBe(1); // answered RST

    const second = await exchange(h.server.observe('dev1', '/3303/0/5700'));
    h.clock.advance(75_000); // lt 60 + grace 15
    await expect(second.observation!.ended).resolves.toBe('deregistered');
    await settle();
    expect(h.server.observations()).toEqual([]);
  });

  it('a final 4.04 notification is delivered and ends the observation', async () => {
    const { h, tokens } = await observable();
    const seen: ServerNotification[] = [];
    const { observation } = await exchange(
      h.server.observe('dev1', '/3303/0/5700', { onNotification: (n) => seen.push(n) }),
    );
    void h.client.notify(SERVER_PEER, tokens[0]!, { code: '4.04' }, { confirmable: true });
    await settle(30);
    expect(seen.map((n) => [n.code, n.observe, n.node])).toEqual([['4.04', undefined, undefined]]);
    await expect(observation!.ended).resolves.toBe('final');
  });

  it('out of order by the Observe number (RFC 7641 §3.4): older ones dropped, any one accepted after 128 s', async () => {
    const h = harness();
    let token: Uint8Array | undefined;
    h.client.onRequest((request) => {
      token = request.token;
      return { code: '2.05', contentFormat: 0, payload: text('20'), observe: 10 };
    });
    await register(h, { query: ['ep=dev1', 'lt=3600', 'lwm2m=1.1'] });
    const seen: ServerNotification[] = [];
    await exchange(h.server.observe('dev1', '/3303/0/5700', { onNotification: (n) => seen.push(n) }));
    const send = async (observe: number, payload: string, confirmable = true) => {
      const outcome = notify(h, token!, observe, payload, confirmable);
      await settle(30);
      return outcome;
    };
    expect(await send(12, '22')).toBe('acknowledged');
    expect(await send(11, '21')).toBe('acknowledged'); // acknowledged, not delivered
    expect(await send(12, '22', false)).toBe('sent'); // a duplicate number
    expect(await send(2 ** 24 - 1, '99', false)).toBe('sent'); // 12 - (2^24 - 1) wraps: older
    h.clock.advance(128_001);
    expect(await send(3, '23')).toBe('acknowledged'); // the numbers are no longer comparable
    expect(await send(4, '24', false)).toBe('sent');
    expect(seen.map((n) => [n.observe, n.node])).toEqual([
      [12, node.resource(5700, value.float(22))],
      [3, node.resource(5700, value.float(23))],
      [4, node.resource(5700, value.float(24))],
    ]);
    expect(h.server.stats().notifications).toBe(3);
    expect(h.serverEndpoint.stats().observing.outOfOrder).toBe(3);
  });

  it('a listener that throws goes to onListenerError; the event listeners still run', async () => {
    const errors: unknown[] = [];
    const h = harness({ onListenerError: (e) => errors.push(e) });
    const tokens: Uint8Array[] = [];
    h.client.onRequest((request) => {
      tokens.push(request.token);
      return { code: '2.05', contentFormat: 0, payload: text('1'), observe: 1 };
    });
    await register(h);
    const seen: ServerNotification[] = [];
    h.server.on('notification', (n) => seen.push(n));
    await exchange(
      h.server.observe('dev1', '/3303/0/5700', {
        onNotification: () => {
          throw new Error('listener bug');
        },
      }),
    );
    void h.client.notify(
      SERVER_PEER,
      tokens[0]!,
      { code: '2.05', observe: 2, contentFormat: 0, payload: text('2') },
      { confirmable: false },
    );
    await settle(30);
    expect(errors).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });
});
