/**
 * The client engine against a real Leshan server for the LwM2M 1.1 operations the Leshan demo's
 * REST API cannot drive: Read-Composite (SenML CBOR and SenML JSON), Observe-Composite with a
 * notification on change and an active cancel, Send (POST /dp) with timestamps, and Mute Send
 * written by the server. The server is the Leshan server library 2.0.0-M15 in a small Java harness
 * (test/peers/leshan-harness.ts) over CoAP/UDP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HarnessEvent,
  type LeshanHarness,
  leafValues,
  startLeshanHarness,
} from '../../../../test/peers/leshan-harness.js';
import type { LwM2mClient } from '../../src/index.js';
import { type LoopbackClient, openLoopbackClient } from './support/loopback-client.js';

const ep = 'lwm2m-adapters-composite-1';

let leshan: LeshanHarness;
let loopback: LoopbackClient;
let client: LwM2mClient;
let temperature = 21.5;

type SendEvent = Extract<HarnessEvent, { event: 'send' }>;
type CompositeNotification = Extract<HarnessEvent, { event: 'compositeNotification' }>;

const isSend = (e: HarnessEvent): e is SendEvent => e.event === 'send' && e.endpoint === ep;
const isCompositeNotification = (e: HarnessEvent): e is CompositeNotification =>
  e.event === 'compositeNotification' && e.endpoint === ep;

beforeAll(async () => {
  leshan = await startLeshanHarness();
  loopback = await openLoopbackClient({
    endpointName: ep,
    serverPort: leshan.coapPort,
    lifetime: 30,
    device: { manufacturer: 'lwm2m-adapters', modelNumber: 'composite', serialNumber: 'SN-C1' },
  });
  ({ client } = loopback);
  client.objects.defineObject(3303, {
    instances: { 0: { 5700: { read: () => temperature }, 5701: 'Cel', 5750: 'boiler' } },
  });
  const registered = leshan.waitForEvent((e) => e.event === 'registered' && e.endpoint === ep, 15_000);
  client.start();
  await registered;
}, 60_000);

afterAll(async () => {
  await loopback?.close();
  await leshan?.stop();
}, 30_000);

describe('LwM2M client engine against the Leshan server library (composite, Send)', () => {
  it('registers as an LwM2M 1.1 client with its objects', () => {
    const registered = leshan.events.find((e) => e.event === 'registered' && e.endpoint === ep);
    expect(registered).toMatchObject({ lwm2mVersion: '1.1' });
    expect(registered && 'objectLinks' in registered ? registered.objectLinks : '').toContain('</3303/0>');
  });

  it.each(['SENML_CBOR', 'SENML_JSON'] as const)(
    'answers a Read-Composite of resources from three objects in %s',
    async (format) => {
      const response = await leshan.readComposite(ep, ['/3/0/0', '/3303/0/5700', '/1/0/1'], { format });
      expect(response.code, response.errorMessage).toBe('2.05');
      expect(leafValues(response.content)).toEqual({
        '/3/0/0': 'lwm2m-adapters',
        '/3303/0/5700': 21.5,
        '/1/0/1': 30,
      });
    },
  );

  it('answers a Read-Composite mixing an instance and a resource', async () => {
    const response = await leshan.readComposite(ep, ['/3303/0', '/3/0/2']);
    expect(response.code, response.errorMessage).toBe('2.05');
    expect(response.content['/3303/0']).toMatchObject({ kind: 'instance', id: 0 });
    expect(leafValues(response.content)).toMatchObject({
      '/3303/0/5700': 21.5,
      '/3303/0/5701': 'Cel',
      '/3303/0/5750': 'boiler',
      '/3/0/2': 'SN-C1',
    });
  });

  it('notifies an Observe-Composite when a value changes, and stops after an active cancel', async () => {
    const paths = ['/3303/0/5700', '/3/0/0'];
    const observed = await leshan.observeComposite(ep, paths, { format: 'SENML_CBOR' });
    expect(observed.code, observed.errorMessage).toBe('2.05');
    expect(leafValues(observed.content)).toEqual({ '/3303/0/5700': 21.5, '/3/0/0': 'lwm2m-adapters' });
    expect(client.observations()).toHaveLength(1);

    const after = leshan.cursor();
    temperature = 24.25;
    client.changed('/3303/0/5700');
    const notification = await leshan.waitForEvent(isCompositeNotification, 5000, { after });
    expect(notification.paths).toEqual(paths);
    // A composite notification carries every observed path, the unchanged one too.
    expect(leafValues(notification.content)).toEqual({ '/3303/0/5700': 24.25, '/3/0/0': 'lwm2m-adapters' });

    const cancelled = await leshan.cancelCompositeObservation(ep, paths);
    expect(cancelled.code, cancelled.errorMessage).toBe('2.05');
    expect(leafValues(cancelled.content)).toEqual({ '/3303/0/5700': 24.25, '/3/0/0': 'lwm2m-adapters' });
    // The client dropped the observation on the cancel itself, so a later change notifies nothing.
    expect(client.observations()).toHaveLength(0);
  });

  it('delivers a Send of several timestamped values to Leshan', async () => {
    const t1 = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const t2 = new Date(Date.UTC(2024, 0, 2, 3, 4, 15));
    const after = leshan.cursor();
    const result = await client.send([
      { path: '/3303/0/5700', value: 19.5, timestamp: t1 },
      { path: '/3303/0/5700', value: 20.75, timestamp: t2 },
      { path: '/3303/0/5750', value: 'kiln', timestamp: t2 },
      // no value: read from the data model
      { path: '/3/0/0', timestamp: t2 },
    ]);
    expect(result).toEqual({ status: 'sent', messages: 1 });
    const received = await leshan.waitForEvent(isSend, 5000, { after });
    expect(received.format).toBe('SENML_CBOR');
    const byTime = new Map(received.records.map((r) => [r.timestamp, leafValues(r.nodes)]));
    expect(byTime.get(t1.getTime())).toEqual({ '/3303/0/5700': 19.5 });
    expect(byTime.get(t2.getTime())).toEqual({
      '/3303/0/5700': 20.75,
      '/3303/0/5750': 'kiln',
      '/3/0/0': 'lwm2m-adapters',
    });
    expect(received.records).toHaveLength(2);
  });

  it('delivers a Send in SenML JSON', async () => {
    const t = new Date(Date.UTC(2024, 5, 6, 7, 8, 9));
    const after = leshan.cursor();
    const result = await client.send([{ path: '/3303/0/5700', value: -4.5, timestamp: t }], {
      contentFormat: 110,
    });
    expect(result).toEqual({ status: 'sent', messages: 1 });
    const received = await leshan.waitForEvent(isSend, 5000, { after });
    expect(received.format).toBe('SENML_JSON');
    expect(received.records).toEqual([
      { timestamp: t.getTime(), nodes: { '/3303/0/5700': expect.objectContaining({ value: -4.5 }) } },
    ]);
  });

  it('refuses Send locally once Leshan writes Mute Send, and sends again when unmuted', async () => {
    const muted = await leshan.write(ep, '/1/0/23', { type: 'BOOLEAN', value: true });
    expect(muted.code, muted.errorMessage).toBe('2.04');
    const after = leshan.cursor();
    expect(await client.send([{ path: '/3303/0/5700', value: 99 }])).toEqual({
      status: 'muted',
      messages: 0,
    });

    const unmuted = await leshan.write(ep, '/1/0/23', { type: 'BOOLEAN', value: false });
    expect(unmuted.code, unmuted.errorMessage).toBe('2.04');
    expect(await client.send([{ path: '/3303/0/5700', value: 12.5 }])).toEqual({
      status: 'sent',
      messages: 1,
    });
    await leshan.waitForEvent(isSend, 5000, { after });
    // Everything Leshan received since muting is the one value sent after unmuting: the muted
    // Send never left the client (it is refused before any message is built).
    const received = leshan.events.slice(after).filter(isSend);
    expect(received).toHaveLength(1);
    expect(received.flatMap((e) => e.records.map((r) => leafValues(r.nodes)))).toEqual([
      { '/3303/0/5700': 12.5 },
    ]);
  });
});
