/**
 * The client engine against the Eclipse Leshan demo server (Maven Central, 2.0.0-M4) over
 * CoAP/UDP on loopback: registration, reads in every format Leshan speaks, writes, execute with
 * arguments, discover, write-attributes + observe with pmin/pmax, and re-registration by itself
 * after Leshan restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { endpointLink, LwM2mClient } from '../../src/client/index.js';
import { CoapEndpoint } from '../../src/coap/coap-endpoint.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import { UdpTransport } from '../../src/transport/udp-transport.js';

const ep = 'lwm2m-adapters-interop-1';

let leshan: LeshanServer;
let transport: UdpTransport;
let endpoint: CoapEndpoint;
let client: LwM2mClient;
let temperature = 21.5;
const executed: string[] = [];

beforeAll(async () => {
  leshan = await startLeshanServer();
  transport = await UdpTransport.open({ host: '127.0.0.1' });
  endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  client = new LwM2mClient({
    endpointName: ep,
    server: { peer: { address: '127.0.0.1', port: leshan.coapPort }, shortServerId: 1, lifetime: 20 },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(endpoint),
    device: { manufacturer: 'lwm2m-adapters', modelNumber: 'interop', serialNumber: 'SN-1' },
  });
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
    },
  });
  const registered = leshan.events.waitForEvent(
    (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
    15_000,
  );
  client.start();
  await registered;
}, 60_000);

afterAll(async () => {
  await client?.close();
  endpoint?.close();
  await transport?.close();
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
