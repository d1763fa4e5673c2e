/**
 * The client engine against the Eclipse Leshan demo server (Maven Central, 2.0.0-M4) over
 * CoAP/UDP on loopback: registration, reads in every format Leshan speaks (objlnk, opaque, unsigned
 * and time resources too), writes, execute with arguments, discover, write-attributes + observe
 * with pmin/pmax and with st / gt / lt, and re-registration by itself after Leshan restarts.
 *
 * Corelnk is not read here: M4's SenML decoder rejects the type ("Unsupported type CORELINK"); the
 * Leshan library harness covers it (leshan-resource-types.test.ts).
 */

import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type LeshanEvent,
  type LeshanNode,
  type LeshanServer,
  startLeshanServer,
} from '../../../../test/peers/leshan.js';
import type { LwM2mClient } from '../../src/index.js';
import { type LoopbackClient, openLoopbackClient } from './support/loopback-client.js';

const ep = 'lwm2m-adapters-interop-1';

let leshan: LeshanServer;
let transport: UdpTransport;
let loopback: LoopbackClient;
let client: LwM2mClient;
let temperature = 21.5;
const executed: string[] = [];
/** /3303/1/5700 (observed with st) and /3303/2/5700 (observed with gt / lt), with their read counts. */
const stepped = { value: 20, reads: 0 };
const bounded = { value: 20, reads: 0 };
const created = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

/** Resource id → value (`values` for a multiple resource) of an instance Leshan decoded. */
function resourcesOf(content: LeshanNode | undefined): Record<number, unknown> {
  // the node schemas are loose objects, so TypeScript cannot narrow the union by `resources`
  const resources = (content as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) throw new Error(`not an instance: ${JSON.stringify(content)}`);
  return Object.fromEntries(
    (resources as { id: number; value?: unknown; values?: unknown }[]).map((r) => [
      r.id,
      'values' in r ? r.values : r.value,
    ]),
  );
}

type Notification = Extract<LeshanEvent, { type: 'NOTIFICATION' }>;
const notificationOf =
  (path: string) =>
  (e: LeshanEvent): e is Notification =>
    e.type === 'NOTIFICATION' && e.endpoint === ep && e.path === path;
const notifiedValue = (n: Notification): unknown => ('value' in n.value ? n.value.value : undefined);

/**
 * Reports a change and waits until the engine has read the new value (its gt/lt/st check), so a
 * change that should stay silent is judged before the next one is made.
 */
async function changeAndWaitForEvaluation(
  path: string,
  resource: { value: number; reads: number },
  value: number,
): Promise<void> {
  const reads = resource.reads;
  resource.value = value;
  client.changed(path);
  await vi.waitFor(() => expect(resource.reads).toBeGreaterThan(reads), { timeout: 2000, interval: 5 });
  // the evaluation continues after the read (compare, maybe notify): let it finish
  await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  leshan = await startLeshanServer();
  loopback = await openLoopbackClient({
    endpointName: ep,
    serverPort: leshan.coapPort,
    lifetime: 20,
    device: { manufacturer: 'lwm2m-adapters', modelNumber: 'interop', serialNumber: 'SN-1' },
  });
  ({ client, transport } = loopback);
  client.objects.defineObject(3303, {
    instances: {
      0: {
        5700: { read: () => temperature },
        5701: 'Cel',
        5601: -3.25,
        5602: 71.5,
        5605: {
          execute: (args) => {
            executed.push(JSON.stringify(args));
          },
        },
        5750: 'boiler',
      },
      1: {
        5700: {
          read: () => {
            stepped.reads++;
            return stepped.value;
          },
        },
        5701: 'Cel',
      },
      2: {
        5700: {
          read: () => {
            bounded.reads++;
            return bounded.value;
          },
        },
        5701: 'Cel',
      },
    },
  });
  // Objlnk (single and multiple), Opaque, Unsigned Integer (one above 2^31) in Cellular Connectivity.
  client.objects.defineObject(10, {
    instances: {
      0: {
        3: { objectId: 3303, instanceId: 0 },
        7: new Uint8Array([0x01, 0x02, 0xfe]),
        11: ['11:0', { objectId: 11, instanceId: 1 }],
        12: 4294967295,
        13: 7,
      },
    },
  });
  // Opaque (multiple) and Time in BinaryAppDataContainer.
  client.objects.defineObject(19, {
    instances: { 0: { 0: [new Uint8Array([0xca, 0xfe]), new Uint8Array([])], 2: created, 3: 'log' } },
  });
  const registered = leshan.events.waitForEvent(
    (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
    15_000,
  );
  client.start();
  await registered;
}, 60_000);

afterAll(async () => {
  await loopback?.close();
  await leshan?.stop();
}, 30_000);

describe('LwM2M client engine against Leshan', () => {
  it('registers with its objects and LwM2M 1.1', async () => {
    const registration = await leshan.api.client(ep);
    expect(registration?.lwM2mVersion).toBe('1.1');
    expect(registration?.lifetime).toBe(20);
    const urls = registration?.objectLinks.map((l) => l.url) ?? [];
    expect(urls).toEqual(expect.arrayContaining(['/1/0', '/3/0', '/3303/0']));
    expect(urls).not.toContain('/0/0');
  });

  it.each(['TLV', 'SENML_JSON', 'SENML_CBOR'] as const)('serves a Read of /3/0 in %s', async (format) => {
    const response = await leshan.api.read(ep, '/3/0', { format });
    expect(response.code, response.errorMessage).toBe('2.05');
    expect(JSON.stringify(response.content)).toContain('lwm2m-adapters');
  });

  it('serves a Read of a float resource in text and of the whole object in TLV', async () => {
    const text = await leshan.api.read(ep, '/3303/0/5700', { format: 'TEXT' });
    expect(text.code).toBe('2.05');
    expect(JSON.stringify(text.content)).toContain('21.5');
    const object = await leshan.api.read(ep, '/3303', { format: 'TLV' });
    expect(object.code).toBe('2.05');
  });

  it('answers 4.04 for an unknown object and 4.05 for a write on a read-only resource', async () => {
    expect((await leshan.api.read(ep, '/3304/0')).code).toBe('4.04');
    expect(
      (await leshan.api.write(ep, '/3303/0/5700', { id: 5700, value: 30.5 }, { format: 'TEXT' })).code,
    ).toBe('4.05');
  });

  it('answers 4.01 to a device-management request from a peer that is not its server', async () => {
    const stranger = await UdpTransport.open({ host: '127.0.0.1' });
    const strangerEndpoint = new CoapEndpoint({ sink: stranger });
    stranger.setReceiver(strangerEndpoint);
    try {
      const response = await strangerEndpoint.request(transport.localAddress, {
        method: 'GET',
        uriPath: ['3', '0', '0'],
      });
      expect(response.code).toBe('4.01');
    } finally {
      strangerEndpoint.close();
      await stranger.close();
    }
  });

  it('applies a Write (replace) and reads it back', async () => {
    const written = await leshan.api.write(ep, '/3303/0/5750', 'furnace', { format: 'TEXT' });
    expect(written.code, written.errorMessage).toBe('2.04');
    expect(JSON.stringify((await leshan.api.read(ep, '/3303/0/5750', { format: 'TEXT' })).content)).toContain(
      'furnace',
    );
  });

  it('applies a partial-update Write (POST) on an instance, leaving other resources alone', async () => {
    const written = await leshan.api.write(
      ep,
      '/3303/0',
      { id: 0, resources: [{ id: 5750, value: 'kiln' }] },
      { format: 'TLV', replace: false },
    );
    expect(written.code, written.errorMessage).toBe('2.04');
    const read = JSON.stringify((await leshan.api.read(ep, '/3303/0', { format: 'SENML_JSON' })).content);
    expect(read).toContain('kiln');
    expect(read).toContain('Cel');
  });

  it.each(['TLV', 'SENML_CBOR'] as const)(
    'serves the Server object (integer, boolean, string) in %s',
    async (format) => {
      const response = await leshan.api.read(ep, '/1/0', { format });
      expect(response.code, response.errorMessage).toBe('2.05');
      const content = JSON.stringify(response.content);
      expect(content).toContain('"id":1,"value":20');
      expect(content).toMatch(/"id":6,"value":(true|false)/);
      expect(content).toContain('"id":7,"value":"U"');
    },
  );

  it.each(['TLV', 'SENML_JSON', 'SENML_CBOR'] as const)(
    'serves objlnk, opaque, unsigned and time resources in %s',
    async (format) => {
      const cellular = await leshan.api.read(ep, '/10/0', { format });
      expect(cellular.code, cellular.errorMessage).toBe('2.05');
      // The demo prints Objlnk as {objectId, objectInstanceId}, Opaque as hex, Unsigned as Gson's
      // view of Leshan's ULong ({value}).
      expect(resourcesOf(cellular.content)).toMatchObject({
        3: { objectId: 3303, objectInstanceId: 0 },
        7: '0102fe',
        11: { 0: { objectId: 11, objectInstanceId: 0 }, 1: { objectId: 11, objectInstanceId: 1 } },
        13: { value: 7 },
      });
      if (format !== 'TLV') {
        // Leshan's TLV decoder reads an unsigned integer as signed (4294967295 in 4 bytes comes
        // out as -1, a Leshan limitation); SenML carries it as a plain number.
        expect(resourcesOf(cellular.content)[12]).toEqual({ value: 4294967295 });
      }
      const container = await leshan.api.read(ep, '/19/0', { format });
      expect(container.code, container.errorMessage).toBe('2.05');
      expect(resourcesOf(container.content)).toMatchObject({
        0: { 0: 'cafe', 1: '' },
        2: '2024-01-02T03:04:05Z',
        3: 'log',
      });
    },
  );

  it('serves single objlnk, unsigned and time resources as text, and opaque as octets', async () => {
    const read = async (path: string, format: 'TEXT' | 'OPAQUE') => {
      const response = await leshan.api.read(ep, path, { format });
      expect(response.code, `${path} ${format}: ${response.errorMessage}`).toBe('2.05');
      return response.content !== undefined && 'value' in response.content
        ? response.content.value
        : undefined;
    };
    expect(await read('/10/0/3', 'TEXT')).toEqual({ objectId: 3303, objectInstanceId: 0 });
    expect(await read('/10/0/12', 'TEXT')).toEqual({ value: 4294967295 });
    expect(await read('/19/0/2', 'TEXT')).toBe('2024-01-02T03:04:05Z');
    expect(await read('/10/0/7', 'OPAQUE')).toBe('0102fe');
    // Text has no representation for Opaque in Leshan's eyes, and none for a multiple resource.
    expect((await leshan.api.read(ep, '/10/0/11', { format: 'TEXT' })).code).toBe('4.06');
  });

  it('executes with arguments', async () => {
    const response = await leshan.api.execute(ep, '/3303/0/5605', "0='reset',1");
    expect(response.code, response.errorMessage).toBe('2.04');
    expect(executed.at(-1)).toContain('reset');
  });

  it('answers Discover with link attributes', async () => {
    const response = await leshan.api.discover(ep, '/3303/0');
    expect(response.code).toBe('2.05');
    expect(response.objectLinks?.map((l) => l.url)).toEqual(
      expect.arrayContaining(['/3303/0', '/3303/0/5700']),
    );
  });

  it('notifies an observed value when it changes, honouring pmin/pmax', async () => {
    const attrs = await leshan.api.writeAttributes(ep, '/3303/0/5700', { pmin: 1, pmax: 3 });
    expect(attrs.code, attrs.errorMessage).toBe('2.04');
    const observed = await leshan.api.observe(ep, '/3303/0/5700', { format: 'TEXT' });
    expect(observed.code, observed.errorMessage).toBe('2.05');
    const after = leshan.events.cursor();
    temperature = 25.25;
    client.changed('/3303/0/5700');
    const notification = await leshan.events.waitForEvent(
      (e) => e.type === 'NOTIFICATION' && e.endpoint === ep && JSON.stringify(e).includes('25.25'),
      6000,
      { after },
    );
    // pmin = 1 s: the changed value is not notified earlier than 1 s after the observe response.
    expect(notification.type).toBe('NOTIFICATION');
    // pmax = 3 s: without changes a notification still comes.
    const periodic = leshan.events.cursor();
    await leshan.events.waitForEvent((e) => e.type === 'NOTIFICATION' && e.endpoint === ep, 6000, {
      after: periodic,
    });
    await leshan.api.cancelObserve(ep, '/3303/0/5700');
  }, 20_000);

  it('notifies an observed value only once it moved by the step (st)', async () => {
    const path = '/3303/1/5700';
    const attrs = await leshan.api.writeAttributes(ep, path, { st: 2 });
    expect(attrs.code, attrs.errorMessage).toBe('2.04');
    const observed = await leshan.api.observe(ep, path, { format: 'TEXT' });
    expect(observed.code, observed.errorMessage).toBe('2.05');
    const after = leshan.events.cursor();
    const sent = client.observationStats.notificationsSent;
    await changeAndWaitForEvaluation(path, stepped, 21.5); // |21.5 - 20| < 2
    await changeAndWaitForEvaluation(path, stepped, 18.5); // |18.5 - 20| < 2
    expect(client.observationStats.notificationsSent).toBe(sent);
    await changeAndWaitForEvaluation(path, stepped, 22); // |22 - 20| >= 2
    const notification = await leshan.events.waitForEvent(notificationOf(path), 5000, { after });
    expect(notifiedValue(notification)).toBe(22);
    // the step counts from the last notified value (22) now
    await changeAndWaitForEvaluation(path, stepped, 20.5);
    await changeAndWaitForEvaluation(path, stepped, 19.5);
    const next = await leshan.events.waitForEvent(notificationOf(path), 5000, {
      after: leshan.events.events.indexOf(notification) + 1,
    });
    expect(notifiedValue(next)).toBe(19.5);
    await leshan.api.cancelObserve(ep, path);
  });

  it('notifies an observed value when it crosses gt or lt, not while it stays on one side', async () => {
    const path = '/3303/2/5700';
    const attrs = await leshan.api.writeAttributes(ep, path, { gt: 30, lt: 10 });
    expect(attrs.code, attrs.errorMessage).toBe('2.04');
    const observed = await leshan.api.observe(ep, path, { format: 'TEXT' });
    expect(observed.code, observed.errorMessage).toBe('2.05');
    const expectNotified = async (value: number, from: number) => {
      const n = await leshan.events.waitForEvent(notificationOf(path), 5000, { after: from });
      expect(notifiedValue(n)).toBe(value);
      return leshan.events.events.indexOf(n) + 1;
    };
    let cursor = leshan.events.cursor();
    await changeAndWaitForEvaluation(path, bounded, 25); // between lt and gt: silent
    await changeAndWaitForEvaluation(path, bounded, 31); // crosses gt upwards
    cursor = await expectNotified(31, cursor);
    await changeAndWaitForEvaluation(path, bounded, 35); // stays above gt: silent
    await changeAndWaitForEvaluation(path, bounded, 29); // crosses gt downwards
    cursor = await expectNotified(29, cursor);
    await changeAndWaitForEvaluation(path, bounded, 12); // above lt: silent
    await changeAndWaitForEvaluation(path, bounded, 9.5); // crosses lt
    await expectNotified(9.5, cursor);
    await leshan.api.cancelObserve(ep, path);
  });

  it('registers again by itself after Leshan restarts', async () => {
    const after = leshan.events.cursor();
    await leshan.restart();
    await leshan.events.waitForEvent(
      (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
      30_000,
      {
        after,
      },
    );
    expect((await leshan.api.client(ep))?.endpoint).toBe(ep);
  }, 45_000);
});
