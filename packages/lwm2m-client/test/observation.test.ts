import { CodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import type { SamplingEntry } from '../src/observe/observation-manager.js';
import { type FixtureOptions, registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { text } from './support/fake-link.js';
import { declareTestObjects } from './support/test-objects.js';

async function setup(options: FixtureOptions = {}) {
  const fixture = await registeredClient(options);
  const plant = declareTestObjects(fixture.client);
  await settle();
  const start = fixture.clock.now();
  /** Notification times in seconds since setup, and their payloads as text. */
  const sent = () =>
    fixture.link.notifications.map((n) => ({
      t: (n.at - start) / 1000,
      code: n.response.code,
      value: text(n.response.payload),
      con: n.confirmable,
      token: n.token,
    }));
  const setTemperature = (t: number) => {
    plant.temperature = t;
    fixture.client.changed('/3303/0/5700');
  };
  return { ...fixture, plant, sent, setTemperature };
}

describe('Observe', () => {
  it('answers with the value and an Observe number, then notifies on change', async () => {
    const { link, sent, setTemperature, clock } = await setup();
    const res = await link.send({ path: '/3303/0/5700', observe: 0, token: 'beef' });
    expect(res).toMatchObject({ code: '2.05', contentFormat: 0, observe: 0 });
    expect(text(res?.payload)).toBe('22.5');
    setTemperature(23);
    await settle();
    await clock.advanceSeconds(1);
    setTemperature(24);
    await settle();
    expect(sent()).toEqual([
      { t: 0, code: '2.05', value: '23', con: false, token: 'beef' },
      { t: 1, code: '2.05', value: '24', con: false, token: 'beef' },
    ]);
    expect(link.notifications.map((n) => n.response.observe)).toEqual([1, 2]);
    expect(link.notifications[0]?.response.contentFormat).toBe(0);
  });

  it('keeps pmin between notifications and sends at least every pmax', async () => {
    const { link, sent, setTemperature, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=10', 'pmax=60'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(2);
    setTemperature(23);
    await clock.advanceSeconds(3);
    setTemperature(23.5);
    await clock.advanceSeconds(200);
    expect(sent().map((n) => [n.t, n.value])).toEqual([
      [10, '23.5'],
      [70, '23.5'],
      [130, '23.5'],
      [190, '23.5'],
    ]);
  });

  it('takes pmin/pmax from the resource, then the instance, then the object, then /1 defaults', async () => {
    const { link, sent, clock } = await setup({ server: { defaultMaxPeriod: 30 } });
    await link.send({ path: '/3303/0/5700', observe: 0, token: '01' });
    await link.send({ path: '/3303', method: 'PUT', query: ['pmax=20'] });
    await link.send({ path: '/3303/0/5701', observe: 0, token: '02' });
    await link.send({ path: '/3303/0', method: 'PUT', query: ['pmax=15'] });
    await link.send({ path: '/3303/0/5750', observe: 0, token: '03' });
    await link.send({ path: '/3303/0/5750', method: 'PUT', query: ['pmax=7'] });
    await clock.advanceSeconds(15);
    const times = (token: string) =>
      sent()
        .filter((n) => n.token === token)
        .map((n) => n.t);
    expect(times('01')).toEqual([15]);
    expect(times('02')).toEqual([15]);
    expect(times('03')).toEqual([7, 14]);
  });

  it('uses the /1 default pmax when nothing is attached', async () => {
    const { link, sent, clock } = await setup({ server: { defaultMaxPeriod: 30 } });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(65);
    expect(sent().map((n) => n.t)).toEqual([30, 60]);
  });

  it('notifies on gt/lt crossings only', async () => {
    const { link, sent, setTemperature } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['gt=25', 'lt=15'] });
    setTemperature(20);
    await link.send({ path: '/3303/0/5700', observe: 0 });
    for (const t of [22, 26, 27, 24, 14, 13, 16]) {
      setTemperature(t);
      await settle();
    }
    expect(sent().map((n) => n.value)).toEqual(['26', '24', '14', '16']);
  });

  it('notifies when the value moved by st from the last notified value', async () => {
    const { link, sent, setTemperature } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['st=2'] });
    setTemperature(20);
    await link.send({ path: '/3303/0/5700', observe: 0 });
    for (const t of [21, 22.5, 23, 20.4, 21]) {
      setTemperature(t);
      await settle();
    }
    expect(sent().map((n) => n.value)).toEqual(['22.5', '20.4']);
  });

  it('observes an instance in the format of the response', async () => {
    const { link, setTemperature } = await setup();
    const res = await link.send({ path: '/3303/0', observe: 0, accept: 110 });
    expect(res?.contentFormat).toBe(110);
    setTemperature(30);
    await settle();
    const notification = link.notifications[0];
    expect(notification?.response.contentFormat).toBe(110);
    expect(JSON.parse(text(notification?.response.payload))[0]).toEqual({ bn: '/3303/0/', n: '5700', v: 30 });
  });

  it('notifies object observers when instances come and go', async () => {
    const { client, link } = await setup();
    await link.send({ path: '/3303', observe: 0, accept: 110 });
    client.objects.addInstance(3303, { 5700: 1 });
    await settle();
    expect(link.notifications).toHaveLength(1);
  });

  it('cancels with GET Observe=1 and the same token', async () => {
    const { link, sent, setTemperature } = await setup();
    await link.send({ path: '/3303/0/5700', observe: 0, token: 'aa' });
    await link.send({ path: '/3303/0/5700', observe: 0, token: 'bb' });
    const cancel = await link.send({ path: '/3303/0/5700', observe: 1, token: 'aa' });
    expect(cancel).toMatchObject({ code: '2.05' });
    expect(cancel?.observe).toBeUndefined();
    setTemperature(40);
    await settle();
    expect(sent().map((n) => n.token)).toEqual(['bb']);
  });

  it('ends an observation when the observer answers RST', async () => {
    const { client, link, sent, setTemperature } = await setup();
    link.notifyOutcome = () => 'reset';
    await link.send({ path: '/3303/0/5700', observe: 0 });
    setTemperature(30);
    await settle();
    setTemperature(31);
    await settle();
    expect(sent()).toHaveLength(1);
    expect(client.observations()).toHaveLength(0);
  });

  it('ends an observation when a CON notification times out', async () => {
    const { client, link, clock } = await setup({ notifications: { mode: 'con' } });
    link.notifyOutcome = (n) => (n.confirmable ? 'timeout' : 'sent');
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=5'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(20);
    expect(link.notifications).toHaveLength(1);
    expect(client.observations()).toHaveLength(0);
  });

  it('sends NON notifications with a CON at least every confirmableEveryMs', async () => {
    const { link, sent, clock } = await setup({ notifications: { confirmableEveryMs: 3 * 3600_000 } });
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=3600'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(6 * 3600);
    expect(sent().map((n) => n.con)).toEqual([false, false, true, false, false, true]);
  });

  it('sends a CON at least every 24 hours by default', async () => {
    const { link, sent, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=21600'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(48 * 3600);
    expect(sent().map((n) => n.con)).toEqual([false, false, false, true, false, false, false, true]);
  });

  it('skips a notification on a transient device fault and keeps the observation', async () => {
    const { client, link, plant, sent, setTemperature, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=10'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    plant.failRead = new CodedError('DEVICE_TIMEOUT', 'PLC silent');
    setTemperature(50);
    await clock.advanceSeconds(25);
    expect(sent()).toEqual([]);
    expect(client.observations()).toHaveLength(1);
    expect(client.observationStats.notificationsSkipped).toBeGreaterThan(0);
    plant.failRead = undefined;
    setTemperature(51);
    await settle();
    expect(sent().map((n) => n.value)).toEqual(['51']);
  });

  it('ends observations of a deleted instance with a CON 4.04', async () => {
    const { client, link, sent } = await setup();
    await link.send({ path: '/3303/0/5700', observe: 0, token: '01' });
    await link.send({ path: '/3303/0', method: 'DELETE' });
    await settle();
    expect(sent()).toEqual([{ t: 0, code: '4.04', value: '', con: true, token: '01' }]);
    expect(client.observations()).toHaveLength(0);
  });

  it('re-arms pmax when attributes change during an observation', async () => {
    const { link, sent, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=100'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(10);
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmax=20'] });
    await clock.advanceSeconds(35);
    expect(sent().map((n) => n.t)).toEqual([20, 40]);
  });

  it('refuses observations beyond the limit with 5.03', async () => {
    const { link } = await setup({ limits: { maxObservations: 2 } });
    expect((await link.send({ path: '/3303/0/5700', observe: 0, token: '01' }))?.observe).toBeDefined();
    expect((await link.send({ path: '/3303/0/5701', observe: 0, token: '02' }))?.observe).toBeDefined();
    expect((await link.send({ path: '/3303/0/5750', observe: 0, token: '03' }))?.code).toBe('5.03');
    expect((await link.send({ path: '/3303/0/5700', observe: 0, token: '01' }))?.code).toBe('2.05');
  });

  it('forgets observations when the client registers again', async () => {
    const { client, link, clock } = await setup();
    await link.send({ path: '/3303/0/5700', observe: 0 });
    link.responder = (request) =>
      request.method === 'POST' && request.uriPath.join('/') === 'rd'
        ? {
            code: '2.01',
            contentFormat: undefined,
            payload: new Uint8Array(),
            locationPath: ['rd', 'b'],
            options: [],
          }
        : {
            code: '4.04',
            contentFormat: undefined,
            payload: new Uint8Array(),
            locationPath: [],
            options: [],
          };
    client.requestUpdate();
    await clock.advanceSeconds(1);
    expect(client.registrationLocation).toEqual(['rd', 'b']);
    expect(client.observations()).toHaveLength(0);
  });
});

describe('bounded work', () => {
  it('reads once at a time however fast the host reports changes', async () => {
    const { client, link } = await registeredClient();
    let reads = 0;
    let release: () => void = () => {};
    client.objects.defineObject(3303, {
      instances: {
        0: {
          5700: {
            read: async () => {
              reads++;
              await new Promise<void>((resolve) => {
                release = resolve;
              });
              return 30;
            },
          },
        },
      },
    });
    const observing = link.send({ path: '/3303/0/5700', observe: 0 });
    await settle();
    release();
    await observing;
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['gt=25'] });
    reads = 0;
    for (let i = 0; i < 100; i++) client.changed('/3303/0/5700');
    await settle();
    expect(reads).toBe(1);
    release();
    await settle();
    expect(reads).toBe(2);
    release();
    await settle();
    expect(reads).toBe(2);
  });

  it('leaves no timer behind after close', async () => {
    const { client, link, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=5', 'pmax=50', 'epmax=20'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    client.changed('/3303/0/5700');
    await settle();
    expect(clock.pendingTimers).toBeGreaterThan(0);
    await client.close();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('evaluation periods and sampling', () => {
  it('samples every epmax and notifies when the value differs', async () => {
    const { link, plant, sent, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['epmax=5'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    await clock.advanceSeconds(4);
    plant.temperature = 30; // changed on the device, not reported by the host
    await clock.advanceSeconds(8);
    expect(sent().map((n) => [n.t, n.value])).toEqual([[5, '30']]);
  });

  it('evaluates changes no more often than epmin', async () => {
    const { link, sent, setTemperature, clock } = await setup();
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['epmin=3'] });
    await link.send({ path: '/3303/0/5700', observe: 0 });
    setTemperature(1);
    await clock.advanceSeconds(1);
    setTemperature(2);
    await clock.advanceSeconds(5);
    expect(sent().map((n) => [n.t, n.value])).toEqual([[3, '2']]);
  });

  it('publishes the sampling plan of observed paths', async () => {
    const { client, link, clock } = await setup({ server: { defaultMaxPeriod: 300 } });
    const plans: (readonly SamplingEntry[])[] = [];
    client.on('sampling', (plan) => plans.push(plan));
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['epmin=1', 'epmax=10'] });
    await link.send({ path: '/3303/0/5700', observe: 0, token: '01' });
    await link.send({ path: '/3303/0/5701', observe: 0, token: '02' });
    expect(
      client
        .samplingPlan()
        .map((e) => [e.path.toString(), e.minPeriodSeconds, e.maxPeriodSeconds, e.observations]),
    ).toEqual([
      ['/3303/0/5700', 1, 10, 1],
      ['/3303/0/5701', undefined, 300, 1],
    ]);
    // the two Observes and the Write-Attributes arrived together: one plan for all of them
    await clock.advance(0);
    expect(plans.map((plan) => plan.map((e) => e.path.toString()))).toEqual([
      ['/3303/0/5700', '/3303/0/5701'],
    ]);
    await link.send({ path: '/3303/0/5700', observe: 1, token: '01' });
    expect(plans).toHaveLength(1); // not before the timer
    await clock.advance(0);
    expect(plans.at(-1)?.map((e) => e.path.toString())).toEqual(['/3303/0/5701']);
    // pmin and st are published too: a device that pushes changes samples and filters by them
    await link.send({ path: '/3303/0/5700', method: 'PUT', query: ['pmin=2', 'st=0.5'] });
    await link.send({ path: '/3303/0/5700', observe: 0, token: '03' });
    await clock.advance(0);
    expect(client.samplingPlan().map((e) => [e.path.toString(), e.minNotifySeconds, e.step])).toEqual([
      ['/3303/0/5700', 2, 0.5],
      ['/3303/0/5701', undefined, undefined],
    ]);
  });
});

describe('Observe-Composite', () => {
  it('observes several paths and notifies them together', async () => {
    const { link, setTemperature } = await setup();
    const paths = JSON.stringify([{ n: '/3303/0/5700' }, { n: '/3306/0/5850' }]);
    const res = await link.send({
      path: '/',
      method: 'FETCH',
      contentFormat: 110,
      observe: 0,
      payload: paths,
      token: 'cc',
    });
    expect(res).toMatchObject({ code: '2.05', contentFormat: 110, observe: 0 });
    expect(JSON.parse(text(res?.payload))).toEqual([
      { bn: '/3303/0/', n: '5700', v: 22.5 },
      { bn: '/3306/0/', n: '5850', vb: false },
    ]);
    setTemperature(25);
    await settle();
    expect(JSON.parse(text(link.notifications[0]?.response.payload))).toEqual([
      { bn: '/3303/0/', n: '5700', v: 25 },
      { bn: '/3306/0/', n: '5850', vb: false },
    ]);
    const cancel = await link.send({
      path: '/',
      method: 'FETCH',
      contentFormat: 110,
      observe: 1,
      payload: paths,
      token: 'cc',
    });
    expect(cancel?.code).toBe('2.05');
    setTemperature(26);
    await settle();
    expect(link.notifications).toHaveLength(1);
  });
});
