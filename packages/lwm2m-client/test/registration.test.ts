import { CodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { type RegistrationStateChange, updateDelayMs } from '../src/registration/registration-manager.js';
import { createClient, registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { defaultResponder, response, text, timeout } from './support/fake-link.js';

describe('Register', () => {
  it('posts /rd with ep, lt, lwm2m, b and the object links', async () => {
    const { client, link } = createClient();
    client.start();
    await settle();
    const [register] = link.requestsTo('rd', 'POST');
    expect(register?.request.uriQuery).toEqual(['ep=urn:dev:ops:test-0001', 'lt=300', 'lwm2m=1.1', 'b=U']);
    expect(register?.request.contentFormat).toBe(40);
    expect(register?.request.confirmable).not.toBe(false);
    // LwM2M 1.1 servers parse the root link's ct as one Content-Format: the preferred one, unquoted
    expect(text(register?.request.payload)).toBe('</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>');
    expect(client.state).toBe('registered');
    expect(client.registrationLocation).toEqual(['rd', '5a3f']);
  });

  it('announces every content format as a quoted list (the 1.2 form) when asked to', async () => {
    const { client, link } = createClient({ announcedContentFormats: 'list' });
    client.start();
    await settle();
    expect(text(link.requestsTo('rd')[0]?.request.payload)).toBe(
      '</>;rt="oma.lwm2m";ct="110 112 11542",</1/0>,</3/0>',
    );
  });

  it('the preferred format is the first of contentFormats', async () => {
    const { client, link } = createClient({ contentFormats: [11542, 110] });
    client.start();
    await settle();
    expect(text(link.requestsTo('rd')[0]?.request.payload)).toBe('</>;rt="oma.lwm2m";ct=11542,</1/0>,</3/0>');
  });

  it('lists application objects with ver when they are not 1.0, never /0', async () => {
    const { client, link } = createClient({ contentFormats: [110, 112], announcedContentFormats: 'list' });
    client.objects.defineObject(3303, { instances: { 0: { 5700: 1 }, 1: { 5700: 2 } } });
    client.objects.defineObject(3306, { version: '1.0', instances: { 0: { 5850: true } } });
    client.objects.defineObject(3304);
    client.start();
    await settle();
    expect(text(link.requestsTo('rd')[0]?.request.payload)).toBe(
      '</>;rt="oma.lwm2m";ct="110 112",</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>,</3304>;ver=1.1,</3306/0>',
    );
  });

  it('registers in queue mode with Q and announces UQ in /3/0/16', async () => {
    const { client, link } = createClient({ server: { queueMode: true, lifetime: 60 } });
    client.start();
    await settle();
    expect(link.requestsTo('rd')[0]?.request.uriQuery).toEqual([
      'ep=urn:dev:ops:test-0001',
      'lt=60',
      'lwm2m=1.1',
      'b=U',
      'Q',
    ]);
    expect(text((await link.send({ path: '/3/0/16' }))?.payload)).toBe('UQ');
  });

  it('reports state changes', async () => {
    const { client } = createClient();
    const states: RegistrationStateChange[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    await settle();
    expect(states.map((s) => `${s.previous}->${s.state}`)).toEqual([
      'unregistered->registering',
      'registering->registered',
    ]);
  });
});

describe('Update', () => {
  it('updates at 90 % of the lifetime, keeping MAX_TRANSMIT_WAIT before expiry', () => {
    expect(updateDelayMs(86_400)).toBe(77_760_000);
    expect(updateDelayMs(300)).toBe(207_000);
    expect(updateDelayMs(60)).toBe(30_000);
    expect(updateDelayMs(1)).toBe(500);
  });

  it('sends an empty Update before the lifetime runs out, again and again', async () => {
    const { link, clock } = await registeredClient({ server: { lifetime: 3600 } });
    await clock.advanceSeconds(3 * 3240);
    const updates = link.requestsTo('rd/5a3f', 'POST');
    expect(updates.map((u) => (u.at - link.requests[0]!.at) / 1000)).toEqual([3240, 6480, 9720]);
    expect(updates[0]?.request.uriQuery).toBeUndefined();
    expect(updates[0]?.request.payload).toBeUndefined();
  });

  it('sends lt after a server writes the lifetime, and re-times the next Update', async () => {
    const { link, clock } = await registeredClient({ server: { lifetime: 3600 } });
    expect(
      (await link.send({ path: '/1/0/1', method: 'PUT', contentFormat: 0, payload: '7200' }))?.code,
    ).toBe('2.04');
    await settle();
    const update = link.requestsTo('rd/5a3f').at(-1);
    expect(update?.request.uriQuery).toEqual(['lt=7200']);
    expect(update?.request.payload).toBeUndefined();
    expect(text((await link.send({ path: '/1/0/1' }))?.payload)).toBe('7200');
    await clock.advanceSeconds(6480);
    expect(link.requestsTo('rd/5a3f')).toHaveLength(2);
    expect((await link.send({ path: '/1/0/1', method: 'PUT', contentFormat: 0, payload: '0' }))?.code).toBe(
      '4.00',
    );
    expect((await link.send({ path: '/1/0/7', method: 'PUT', contentFormat: 0, payload: 'T' }))?.code).toBe(
      '4.00',
    );
  });

  it('sends an Update when /1/0/8 is executed', async () => {
    const { link } = await registeredClient();
    expect((await link.send({ path: '/1/0/8', method: 'POST' }))?.code).toBe('2.04');
    await settle();
    expect(link.requestsTo('rd/5a3f')).toHaveLength(1);
  });

  it('coalesces changes made together into one Update with the full object list', async () => {
    const { client, link } = await registeredClient();
    client.objects.defineObject(3303, { instances: { 0: { 5700: 1 } } });
    client.objects.addInstance(3303, { 5700: 2 });
    await settle();
    const updates = link.requestsTo('rd/5a3f');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.request.contentFormat).toBe(40);
    expect(text(updates[0]?.request.payload)).toBe(
      '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>',
    );
  });

  it('registers again when an Update gets 4.04', async () => {
    const { client, link } = await registeredClient();
    const registered: (readonly string[])[] = [];
    client.on('registered', (e) => registered.push(e.location));
    link.responder = (request) =>
      request.uriPath.join('/') === 'rd/5a3f' ? response('4.04') : defaultResponder(request);
    client.requestUpdate();
    await settle();
    expect(link.requestsTo('rd', 'POST')).toHaveLength(2);
    expect(registered).toEqual([['rd', '5a3f']]);
    expect(client.state).toBe('registered');
  });

  it('retries a timed-out Update with backoff, then registers again', async () => {
    const { client, link, clock } = await registeredClient({ server: { lifetime: 3600 } });
    link.responder = (request) =>
      request.uriPath.join('/') === 'rd/5a3f' ? timeout() : defaultResponder(request);
    await clock.advanceSeconds(3240 + 2 + 4);
    const start = link.requests[0]!.at;
    expect(link.requestsTo('rd/5a3f').map((r) => (r.at - start) / 1000)).toEqual([3240, 3242, 3246]);
    expect(link.requestsTo('rd', 'POST').map((r) => (r.at - start) / 1000)).toEqual([0, 3246]);
    expect(client.state).toBe('registered');
  });
});

describe('backoff', () => {
  it('backs off exponentially with a 5 min cap while the server is unreachable, never in a loop', async () => {
    const { client, link, clock } = createClient();
    link.responder = timeout;
    const states: RegistrationStateChange[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    await clock.advanceSeconds(2000);
    const start = link.requests[0]!.at;
    expect(link.requests.map((r) => (r.at - start) / 1000)).toEqual([
      0, 2, 6, 14, 30, 62, 126, 254, 510, 810, 1110, 1410, 1710,
    ]);
    expect(client.state).toBe('backoff');
    expect(states.find((s) => s.state === 'backoff')?.error?.code).toBe('COAP_TIMEOUT');
    link.responder = defaultResponder;
    await clock.advanceSeconds(300);
    expect(client.state).toBe('registered');
  });

  it('reports a 5.xx answer to Register as SERVER_ERROR (reachable, not a timeout) and backs off as unreachable', async () => {
    const { client, link, clock } = createClient();
    link.responder = () => response('5.03');
    const states: RegistrationStateChange[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    await clock.advanceSeconds(7);
    const start = link.requests[0]!.at;
    expect(link.requests.map((r) => (r.at - start) / 1000)).toEqual([0, 2, 6]);
    const error = states.find((s) => s.state === 'backoff')?.error;
    expect(error?.code).toBe('SERVER_ERROR');
    expect(error?.message).toBe('Register answered 5.03');
    expect(error?.retriable).toBe(true);
  });

  it('applies jitter within [50 %, 100 %] of the delay', async () => {
    const { client, link, clock } = createClient({ random: () => 0.999 });
    link.responder = timeout;
    client.start();
    await clock.advanceSeconds(20);
    const start = link.requests[0]!.at;
    expect(link.requests.map((r) => (r.at - start) / 1000)).toEqual([0, 1.001, 3.003, 7.007, 15.015]);
  });

  it('reports REGISTRATION_REJECTED for 4.03 and retries slowly (1 min, 2 min, ... 1 h)', async () => {
    const { client, link, clock } = createClient();
    link.responder = () => response('4.03');
    const errors: (CodedError | undefined)[] = [];
    client.on('state', (s) => {
      if (s.state === 'backoff') errors.push(s.error);
    });
    client.start();
    await clock.advanceSeconds(400);
    const start = link.requests[0]!.at;
    expect(link.requests.map((r) => (r.at - start) / 1000)).toEqual([0, 60, 180]);
    expect(errors[0]?.code).toBe('REGISTRATION_REJECTED');
    expect(errors[0]?.details).toEqual({ code: '4.03' });
  });

  it('treats a 2.01 without Location-Path as a failure', async () => {
    const { client, link } = createClient();
    link.responder = () => response('2.01');
    client.start();
    await settle();
    expect(client.state).toBe('backoff');
  });
});

describe('De-register', () => {
  it('de-registers on close and stops answering', async () => {
    const { client, link } = await registeredClient();
    await client.close();
    expect(link.requestsTo('rd/5a3f', 'DELETE')).toHaveLength(1);
    expect(client.state).toBe('closed');
    expect(link.hasHandler).toBe(false);
    await client.close();
    expect(link.requestsTo('rd/5a3f', 'DELETE')).toHaveLength(1);
  });

  it('waits at most 5 s for the De-register answer', async () => {
    const { client, link, clock } = await registeredClient();
    link.responder = () => new Promise(() => {});
    let closed = false;
    const closing = client.close().then(() => {
      closed = true;
    });
    await clock.advanceSeconds(4);
    expect(closed).toBe(false);
    await clock.advanceSeconds(1);
    await closing;
    expect(client.state).toBe('closed');
  });

  it('supports await using', async () => {
    const fixture = await registeredClient();
    {
      await using client = fixture.client;
      expect(client.state).toBe('registered');
    }
    expect(fixture.client.state).toBe('closed');
  });

  it('closes from backoff without a De-register and without timers left', async () => {
    const { client, link, clock } = createClient();
    link.responder = timeout;
    client.start();
    await settle();
    await client.close();
    expect(link.requestsTo('rd/5a3f', 'DELETE')).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('de-registers a registration that completes after close', async () => {
    const { client, link } = createClient();
    let answer: (() => void) | undefined;
    link.responder = (request) =>
      request.method === 'POST'
        ? new Promise((resolve) => {
            answer = () => resolve(response('2.01', ['rd', 'late']));
          })
        : response('2.02');
    client.start();
    await settle();
    await client.close();
    answer?.();
    await settle();
    expect(link.requestsTo('rd/late', 'DELETE')).toHaveLength(1);
  });
});

describe('errors from the link', () => {
  it('survives a link that throws synchronously', async () => {
    const { client, link } = createClient();
    link.responder = () => {
      throw new CodedError('TRANSPORT_CLOSED', 'closed');
    };
    client.start();
    await settle();
    expect(client.state).toBe('backoff');
  });
});
