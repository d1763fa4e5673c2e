/**
 * Queue mode on a fake clock, against a scripted client endpoint: requests to a client that
 * registered with Q wait while it sleeps, go out in order and one at a time once it is awake
 * (after the answer to its Update), are bounded by count and age, and fail clearly when its
 * registration ends. 'awake' and 'asleep' events follow the client.
 */
import type { CoapIncomingRequest, CoapOutgoingResponse } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import { node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import type { HarnessOptions } from './support/server-harness.js';
import { harness, register, SERVER_PEER, settle, text } from './support/server-harness.js';

const QUEUE_MODE = ['ep=dev1', 'lt=3600', 'lwm2m=1.1', 'Q'];
const AWAKE_MS = 93_000;

/** A client registered in queue mode whose answers the test controls; its requests and presence recorded. */
async function sleeper(options: HarnessOptions = {}) {
  const h = harness(options);
  const requests: CoapIncomingRequest[] = [];
  let answer: (request: CoapIncomingRequest) => CoapOutgoingResponse | Promise<CoapOutgoingResponse> =
    () => ({
      code: '2.05',
      contentFormat: 0,
      payload: text('1'),
    });
  h.client.onRequest((request) => {
    requests.push(request);
    return answer(request);
  });
  const presence: string[] = [];
  h.server.on('awake', ({ registration }) => presence.push(`awake ${registration.endpoint}`));
  h.server.on('asleep', ({ registration }) => presence.push(`asleep ${registration.endpoint}`));
  await register(h, { query: QUEUE_MODE });
  return {
    h,
    requests,
    presence,
    answerWith(next: typeof answer) {
      answer = next;
    },
    /** The client wakes up: Update, and the datagrams in flight delivered. */
    async update() {
      const response = h.client.request(SERVER_PEER, { method: 'POST', uriPath: ['rd', 'r1'] });
      await settle(40);
      return (await response).code;
    },
  };
}

describe('queue mode', () => {
  it('awake after Register for the awake time, then asleep: requests wait, and go out in order after the Update answer', async () => {
    const { h, requests, presence, update } = await sleeper();
    expect(h.server.presence('dev1')).toBe('awake');
    expect(presence).toEqual(['awake dev1']);
    // awake: at once
    const direct = h.server.read('dev1', '/3303/0/5700');
    await settle(30);
    expect((await direct).code).toBe('2.05');
    h.clock.advance(AWAKE_MS - 1);
    expect(h.server.presence('dev1')).toBe('awake');
    h.clock.advance(1);
    expect(presence).toEqual(['awake dev1', 'asleep dev1']);
    expect(h.server.presence('dev1')).toBe('asleep');

    const read = h.server.read('dev1', '/3303/0/5700');
    const write = h.server.write('dev1', '/3303/0/5701', node.resource(5701, value.string('K')));
    const execute = h.server.execute('dev1', '/3/0/4');
    await settle(30);
    expect(requests).toHaveLength(1); // only the direct one
    expect(h.server.queuedRequests('dev1')).toBe(2 + 1);
    expect(h.server.stats().queue).toMatchObject({ queued: 3, deepest: 3, asleep: 1 });

    const datagramCodes: number[] = [];
    h.toClient.filter = (datagram) => {
      datagramCodes.push(datagram[1]!);
      return true;
    };
    expect(await update()).toBe('2.04');
    expect(presence).toEqual(['awake dev1', 'asleep dev1', 'awake dev1']);
    // 2.04 (0x44) first, then GET (1), PUT (3), POST (2)
    expect(datagramCodes.filter((code) => code !== 0)).toEqual([0x44, 1, 3, 2]);
    expect(requests.slice(1).map((r) => [r.method, r.uriPath.join('/')])).toEqual([
      ['GET', '3303/0/5700'],
      ['PUT', '3303/0/5701'],
      ['POST', '3/0/4'],
    ]);
    expect((await read).code).toBe('2.05');
    expect((await write).code).toBe('2.05');
    expect((await execute).code).toBe('2.05');
    expect(h.server.stats().queue).toMatchObject({ queued: 0, asleep: 0, flushed: 3 });
  });

  it('one at a time: the next waiting request goes out when the previous one is answered', async () => {
    const { h, requests, update, answerWith } = await sleeper();
    h.clock.advance(AWAKE_MS);
    const answers: ((response: CoapOutgoingResponse) => void)[] = [];
    answerWith(() => new Promise((resolve) => answers.push(resolve)));
    const first = h.server.read('dev1', '/3303/0/5700');
    const second = h.server.read('dev1', '/3303/0/5701');
    await update();
    expect(requests.map((r) => r.uriPath.join('/'))).toEqual(['3303/0/5700']);
    answers[0]!({ code: '2.05', contentFormat: 0, payload: text('1') });
    await settle(40);
    expect((await first).code).toBe('2.05');
    expect(requests.map((r) => r.uriPath.join('/'))).toEqual(['3303/0/5700', '3303/0/5701']);
    answers[1]!({ code: '2.05', contentFormat: 0, payload: text('Cel') });
    await settle(40);
    expect((await second).code).toBe('2.05');
  });

  it('a request made while the Register is answered (in the "registered" listener) goes out after the 2.01', async () => {
    const h = harness();
    const seen: number[] = [];
    h.client.onRequest(() => ({ code: '2.05', contentFormat: 0, payload: text('1') }));
    h.toClient.filter = (datagram) => {
      if (datagram[1] !== 0) seen.push(datagram[1]!);
      return true;
    };
    let read: Promise<unknown> | undefined;
    h.server.on('registered', ({ registration }) => {
      read = h.server.read(registration, '/3/0/0');
    });
    await register(h, { query: QUEUE_MODE });
    await settle(30);
    await read;
    expect(seen).toEqual([0x41, 1]); // 2.01, then GET
  });

  it('bounded: one request beyond maxQueuedPerClient is QUEUE_FULL; one older than maxWaitMs is CLIENT_ASLEEP', async () => {
    const { h, requests } = await sleeper({ queueMode: { maxQueuedPerClient: 2, maxWaitMs: 30_000 } });
    h.clock.advance(AWAKE_MS);
    const waiting = [h.server.read('dev1', '/3/0/0'), h.server.read('dev1', '/3/0/1')];
    await expect(h.server.read('dev1', '/3/0/2')).rejects.toSatisfy((e) => isCodedError(e, 'QUEUE_FULL'));
    h.clock.advance(29_999);
    expect(h.server.queuedRequests('dev1')).toBe(2);
    h.clock.advance(1);
    for (const request of waiting) {
      await expect(request).rejects.toSatisfy(
        (e) => isCodedError(e, 'CLIENT_ASLEEP') && e.message.includes('dev1') && e.retriable,
      );
    }
    expect(requests).toEqual([]);
    expect(h.server.stats().queue).toMatchObject({ queued: 0, overflows: 1, expired: 2, flushed: 0 });
  });

  it('the registration ends: what waits fails SESSION_CLOSED (De-register), or follows a new Register when it named the endpoint', async () => {
    const { h, requests } = await sleeper();
    h.clock.advance(AWAKE_MS);
    const byName = h.server.read('dev1', '/3/0/0');
    const byRegistration = h.server.read(h.server.registration('dev1')!, '/3/0/1');
    const outcomeOfRegistration = byRegistration.catch((e: unknown) => e);
    await register(h, { query: QUEUE_MODE }); // registered again: r2
    expect(isCodedError(await outcomeOfRegistration, 'SESSION_CLOSED')).toBe(true);
    expect((await byName).code).toBe('2.05');
    expect(requests.map((r) => r.uriPath.join('/'))).toEqual(['3/0/0']);

    h.clock.advance(AWAKE_MS);
    const late = h.server.read('dev1', '/3/0/2');
    const gone = h.client.request(SERVER_PEER, { method: 'DELETE', uriPath: ['rd', 'r2'] });
    await settle(20);
    expect((await gone).code).toBe('2.02');
    await expect(late).rejects.toSatisfy(
      (e) => isCodedError(e, 'SESSION_CLOSED') && /de-registered/.test(e.message),
    );
    expect(h.server.stats().queue).toMatchObject({ abandoned: 2, queued: 0 });
    expect(h.server.presence('dev1')).toBeUndefined();
  });

  it('a request that times out puts the client to sleep; a Send wakes it up', async () => {
    const { h, requests, presence } = await sleeper({ requestTimeoutMs: 5_000 });
    h.toClient.filter = () => false;
    const lost = h.server.read('dev1', '/3/0/0');
    h.clock.advance(5_000);
    await expect(lost).rejects.toSatisfy((e) => isCodedError(e, 'COAP_TIMEOUT'));
    expect(presence).toEqual(['awake dev1', 'asleep dev1']);
    h.toClient.filter = () => true;
    const waiting = h.server.read('dev1', '/3/0/1');
    await settle(20);
    expect(requests).toHaveLength(0);
    const sent = h.client.request(SERVER_PEER, {
      method: 'POST',
      uriPath: ['dp'],
      contentFormat: 110,
      payload: text('[{"n":"/3/0/9","v":80}]'),
    });
    await settle(40);
    expect((await sent).code).toBe('2.04');
    expect((await waiting).code).toBe('2.05');
    expect(presence).toEqual(['awake dev1', 'asleep dev1', 'awake dev1']);
    expect(requests.map((r) => r.uriPath.join('/'))).toEqual(['3/0/1']);
  });

  it('responses keep the client awake; a client not in queue mode is always awake and has no events', async () => {
    const { h, presence } = await sleeper();
    h.clock.advance(AWAKE_MS - 1_000);
    const read = h.server.read('dev1', '/3/0/0');
    await settle(30);
    await read;
    h.clock.advance(AWAKE_MS - 1);
    expect(h.server.presence('dev1')).toBe('awake');
    expect(presence).toEqual(['awake dev1']);

    await register(h, { query: ['ep=mains', 'lt=3600'] });
    h.clock.advance(10 * AWAKE_MS);
    expect(h.server.presence('mains')).toBe('awake');
    expect(presence).toEqual(['awake dev1', 'asleep dev1']);
    expect(h.server.presence('nobody')).toBeUndefined();
  });

  it('close(): what waits fails TRANSPORT_CLOSED', async () => {
    const { h } = await sleeper();
    h.clock.advance(AWAKE_MS);
    const waiting = h.server.observe('dev1', '/3303/0/5700');
    h.server.close();
    await expect(waiting).rejects.toSatisfy((e) => isCodedError(e, 'TRANSPORT_CLOSED'));
    expect(h.server.stats().queue.abandoned).toBe(1);
  });

  it('options are checked', () => {
    expect(() => harness({ queueMode: { awakeTimeMs: 0 } })).toThrow(RangeError);
    expect(() => harness({ queueMode: { maxQueuedPerClient: Number.NaN } })).toThrow(RangeError);
  });
});

it('a client that registers again without Q gets what waited for it at once, after the 2.01', async () => {
  const h = harness();
  const requests: CoapIncomingRequest[] = [];
  h.client.onRequest((request) => {
    requests.push(request);
    return { code: '2.05', contentFormat: 0, payload: text('1') };
  });
  await register(h, { query: QUEUE_MODE });
  h.clock.advance(AWAKE_MS);
  const waiting = h.server.read('dev1', '/3/0/0');
  await settle(20);
  expect(requests).toEqual([]);
  expect((await register(h, { query: ['ep=dev1', 'lt=3600', 'lwm2m=1.1'] })).code).toBe('2.01');
  await settle(20);
  expect((await waiting).code).toBe('2.05');
  expect(h.server.presence('dev1')).toBe('awake');
  expect(h.server.stats().queue).toMatchObject({ queued: 0, abandoned: 0 });
});
