/**
 * Our LwM2M server engine (Lwm2mServer on a CoapEndpoint on a loopback UDP socket) against a real
 * third-party client, the Eclipse Leshan client library in its harness: Register (endpoint,
 * version, objects with versions, advertised content formats), Read in TLV, SenML JSON and SenML
 * CBOR decoded to typed values, Write of a boolean, an integer and a string read back, Execute,
 * Observe with a notification of a value the test changed, active cancel, De-register.
 */
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import {
  ContentFormat,
  type LwM2mNode,
  node,
  ObjectRegistry,
  type ResourceValue,
  value,
} from '@lwm2m-adapters/lwm2m-core';
import { Lwm2mServer, type Lwm2mServerEvents, type ServerNotification } from '@lwm2m-adapters/lwm2m-server';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanClient, type LeshanClientEvent, startLeshanClient } from './leshan-client.js';
import { PeerEventLog } from './peer-event-log.js';

const EP = 'leshan-client-interop';

/** What the server emitted, kept as emitted (a notification decodes its node on first access). */
type ServerEvent = {
  [K in keyof Lwm2mServerEvents]: { readonly name: K; readonly event: Lwm2mServerEvents[K] };
}[keyof Lwm2mServerEvents];

let transport: UdpTransport;
let coap: CoapEndpoint;
let server: Lwm2mServer;
const serverEvents = new PeerEventLog<ServerEvent>('server event', (e) => e.name);
let client: LeshanClient;

beforeAll(async () => {
  transport = await UdpTransport.open({ host: '127.0.0.1', port: 0 });
  coap = new CoapEndpoint({ sink: transport });
  transport.setReceiver(coap);
  server = new Lwm2mServer({ endpoint: coap, model: ObjectRegistry.withOmaObjects() });
  for (const name of ['registered', 'updated', 'deregistered', 'notification'] as const) {
    server.on(name, (event) => serverEvents.push({ name, event } as ServerEvent));
  }
  client = await startLeshanClient({
    serverUri: `coap://127.0.0.1:${transport.localAddress.port}`,
    endpoint: EP,
    lifetime: 120,
  });
  console.info(`Leshan client harness up in ${client.startupMs} ms`);
}, 60_000);

afterAll(async () => {
  await client?.close();
  server?.close();
  coap?.close();
  await transport?.close();
});

/** Leaf values of a decoded node by path below `at`: `{"/3/0/0": {type: 'string', ...}}`. */
function leaves(n: LwM2mNode | undefined, at: string): Record<string, ResourceValue> {
  const out: Record<string, ResourceValue> = {};
  const visit = (x: LwM2mNode, path: string) => {
    switch (x.kind) {
      case 'object':
        for (const i of x.instances) visit(i, `${path}/${i.id}`);
        break;
      case 'instance':
        for (const r of x.resources) visit(r, `${path}/${r.id}`);
        break;
      case 'multiple-resource':
        for (const ri of x.instances) visit(ri, `${path}/${ri.id}`);
        break;
      case 'resource':
      case 'resource-instance':
        out[path] = x.value;
        break;
    }
  };
  if (n !== undefined) visit(n, at);
  return out;
}

const isRequest =
  (operation: string, path: string) =>
  (e: LeshanClientEvent): e is Extract<LeshanClientEvent, { event: 'request' }> =>
    e.event === 'request' && e.operation === operation && e.path === path;

const FORMATS = [
  ['TLV', ContentFormat.TLV],
  ['SenML JSON', ContentFormat.SENML_JSON],
  ['SenML CBOR', ContentFormat.SENML_CBOR],
] as const;

describe('Leshan client against our server engine', () => {
  it('registers with its endpoint, version, objects and content formats', async () => {
    const registered = await serverEvents.waitFor((e) => e.name === 'registered', 20_000);
    if (registered.name !== 'registered') throw new Error('unreachable');
    const registration = registered.event.registration;
    expect(registration).toMatchObject({
      endpoint: EP,
      lwm2mVersion: '1.1',
      lifetime: 120,
      binding: 'U',
      queueMode: false,
      rootPath: '/',
    });
    expect(registration.peer.address).toBe('127.0.0.1');
    // Leshan's default encoders: CBOR, SenML JSON, SenML CBOR, TLV, OMA JSON (TEXT/OPAQUE implied)
    expect([...registration.contentFormats].sort((a, b) => a - b)).toEqual([60, 110, 112, 11542, 11543]);
    expect(
      registration.objects.map((o) => ({ id: o.id, version: o.version, instances: o.instances })),
    ).toEqual([
      { id: 1, version: undefined, instances: [0] },
      { id: 3, version: '1.2', instances: [0] },
      { id: 3303, version: '1.1', instances: [0] },
      { id: 3311, version: undefined, instances: [0] },
    ]);
    const onClient = await client.events.waitFor((e) => e.event === 'registered', 5000);
    expect(onClient).toMatchObject({ registrationId: `/rd/${registration.id}` });
  });

  it.each(FORMATS)('reads the Device object in %s, typed by the model', async (_name, format) => {
    const from = client.events.cursor();
    const before = Date.now();
    const result = await server.read(EP, '/3/0', { format });
    expect(result).toMatchObject({ code: '2.05', success: true, contentFormat: format });
    const values = leaves(result.node, '/3/0');
    const time = values['/3/0/13'];
    if (time?.type !== 'time') throw new Error(`/3/0/13 is not a time: ${JSON.stringify(time)}`);
    // whole seconds on the wire; the client's clock is this machine's
    expect(Math.abs(time.value.getTime() - before)).toBeLessThan(5000);
    delete values['/3/0/13'];
    expect(values).toEqual({
      '/3/0/0': value.string('Eclipse Leshan'),
      '/3/0/1': value.string('leshan-client-cf harness'),
      '/3/0/2': value.string('LC-0001'),
      '/3/0/3': value.string('2.0.0-M15'),
      '/3/0/9': value.integer(87),
      '/3/0/11/0': value.integer(0),
      '/3/0/16': value.string('U'),
    });
    const seen = await client.events.waitFor(isRequest('read', '/3/0'), 5000, { after: from });
    expect(seen).toMatchObject({ contentFormat: format, code: '2.05' });
  });

  it.each(FORMATS)('reads a float resource in %s', async (_name, format) => {
    await client.set('/3303/0/5700', 23.25);
    const result = await server.read(EP, '/3303/0/5700', { format });
    expect(result).toMatchObject({ code: '2.05', contentFormat: format });
    expect(result.node).toEqual(node.resource(5700, value.float(23.25)));
  });

  it.each(FORMATS)('reads the Temperature object /3303 in %s', async (_name, format) => {
    await client.set('/3303/0/5700', 22.75);
    const result = await server.read(EP, '/3303', { format });
    expect(result).toMatchObject({ code: '2.05', contentFormat: format });
    expect(result.node?.kind).toBe('object');
    expect(leaves(result.node, '/3303')).toMatchObject({
      '/3303/0/5700': value.float(22.75),
      '/3303/0/5701': value.string('Cel'),
      '/3303/0/5603': value.float(-40),
      '/3303/0/5750': value.string('room'),
    });
  });

  it.each(FORMATS)(
    'writes the Light Control instance in one request in %s (replace, then partial update)',
    async (_name, format) => {
      const replace = await server.write(
        EP,
        '/3311/0',
        node.instance(0, [
          node.resource(5850, value.boolean(true)),
          node.resource(5851, value.integer(33)),
          node.resource(5706, value.string('amber')),
        ]),
        { format },
      );
      expect(replace).toMatchObject({ code: '2.04' });
      const update = await server.write(
        EP,
        '/3311/0',
        node.instance(0, [node.resource(5851, value.integer(66))]),
        {
          format,
          mode: 'update',
        },
      );
      expect(update).toMatchObject({ code: '2.04' });
      expect(await client.get('/3311/0/5850')).toBe(true);
      expect(await client.get('/3311/0/5851')).toBe(66);
      expect(await client.get('/3311/0/5706')).toBe('amber');
    },
  );

  it.each([
    ['the default format (text/plain per resource)', undefined, true, 80, 'warm white'],
    ['TLV', ContentFormat.TLV, false, 5, 'red'],
    ['SenML JSON', ContentFormat.SENML_JSON, true, 100, 'blue'],
    ['SenML CBOR', ContentFormat.SENML_CBOR, false, 0, 'green'],
  ] as const)(
    'writes a boolean, an integer and a string in %s and reads them back',
    async (_name, format, on, dimmer, colour) => {
      const from = client.events.cursor();
      const writes: [string, ResourceValue][] = [
        ['/3311/0/5850', value.boolean(on)],
        ['/3311/0/5851', value.integer(dimmer)],
        ['/3311/0/5706', value.string(colour)],
      ];
      for (const [path, v] of writes) {
        const id = Number(path.split('/')[3]);
        const written = await server.write(
          EP,
          path,
          node.resource(id, v),
          format === undefined ? {} : { format },
        );
        expect(written, path).toMatchObject({ code: '2.04', success: true });
      }
      const back = await server.read(EP, '/3311/0', { format: ContentFormat.SENML_CBOR });
      expect(back.code).toBe('2.05');
      const values = leaves(back.node, '/3311/0');
      for (const [path, v] of writes) expect(values[path], path).toEqual(v);
      // and the client holds what Leshan decoded
      expect(await client.get('/3311/0/5850')).toBe(on);
      expect(await client.get('/3311/0/5851')).toBe(dimmer);
      expect(await client.get('/3311/0/5706')).toBe(colour);
      const seen = await client.events.waitFor(isRequest('write', '/3311/0/5706'), 5000, { after: from });
      expect(seen).toMatchObject({ code: '2.04', values: { '/3311/0/5706': colour } });
      if (format !== undefined) expect(seen.contentFormat).toBe(format);
    },
  );

  it('reads and writes a value larger than a datagram (Block2 from Leshan, Block1 to it)', async () => {
    const big = `${'x'.repeat(3000)}|end`;
    await client.set('/3311/0/5706', big);
    const read = await server.read(EP, '/3311/0/5706', { format: ContentFormat.SENML_CBOR });
    expect(read).toMatchObject({ code: '2.05', contentFormat: ContentFormat.SENML_CBOR });
    expect(read.node).toEqual(node.resource(5706, value.string(big)));

    const bigger = `${'y'.repeat(4000)}|end`;
    const written = await server.write(EP, '/3311/0/5706', node.resource(5706, value.string(bigger)), {
      format: ContentFormat.TLV,
    });
    expect(written).toMatchObject({ code: '2.04' });
    expect(await client.get('/3311/0/5706')).toBe(bigger);
  });

  it('executes Reboot /3/0/4 at the client', async () => {
    const from = client.events.cursor();
    const result = await server.execute(EP, '/3/0/4');
    expect(result).toMatchObject({ code: '2.04', success: true });
    await client.events.waitFor((e) => e.event === 'executed' && e.path === '/3/0/4', 5000, { after: from });
    const seen = await client.events.waitFor(isRequest('execute', '/3/0/4'), 5000, { after: from });
    expect(seen.code).toBe('2.04');
  });

  it('executes with arguments and answers 4.05 for a resource that is not executable', async () => {
    const from = client.events.cursor();
    await client.set('/3303/0/5700', 30);
    await client.set('/3303/0/5700', 20);
    expect(await client.get('/3303/0/5602')).toBe(30);
    expect(await server.execute(EP, '/3303/0/5605', { arguments: "0='x'" })).toMatchObject({ code: '2.04' });
    const executed = await client.events.waitFor(
      (e) => e.event === 'executed' && e.path === '/3303/0/5605',
      5000,
      {
        after: from,
      },
    );
    expect(executed).toMatchObject({ arguments: "0='x'" });
    expect(await client.get('/3303/0/5602')).toBe(20);
    expect((await server.execute(EP, '/3303/0/5700')).code).toBe('4.05');
  });

  it('observes the temperature: a value the device changes arrives as a notification; active cancel', async () => {
    await client.set('/3303/0/5700', 21);
    const notifications: ServerNotification[] = [];
    const from = client.events.cursor();
    const observed = await server.observe(EP, '/3303/0/5700', {
      format: ContentFormat.SENML_CBOR,
      onNotification: (n) => notifications.push(n),
    });
    expect(observed).toMatchObject({ code: '2.05', contentFormat: ContentFormat.SENML_CBOR });
    expect(observed.node).toEqual(node.resource(5700, value.float(21)));
    expect(observed.observation).toBeDefined();
    const seen = await client.events.waitFor(isRequest('observe', '/3303/0/5700'), 5000, { after: from });
    expect(seen).toMatchObject({ contentFormat: ContentFormat.SENML_CBOR, code: '2.05' });

    const mark = serverEvents.cursor();
    await client.set('/3303/0/5700', 24.5);
    const notified = await serverEvents.waitFor((e) => e.name === 'notification', 5000, { after: mark });
    if (notified.name !== 'notification') throw new Error('unreachable');
    expect(notified.event).toMatchObject({ code: '2.05', contentFormat: ContentFormat.SENML_CBOR });
    expect(notified.event.node).toEqual(node.resource(5700, value.float(24.5)));
    expect(notifications.map((n) => n.node)).toEqual([node.resource(5700, value.float(24.5))]);

    const cancelled = await observed.observation?.cancel({ active: true });
    expect(cancelled?.code).toBe('2.05');
    expect(await observed.observation?.ended).toBeDefined();
    expect(server.observations(EP)).toEqual([]);
  });

  it('sends a Registration Update the server accepts', async () => {
    const mark = serverEvents.cursor();
    const clientMark = client.events.cursor();
    await client.update();
    const updated = await serverEvents.waitFor((e) => e.name === 'updated', 5000, { after: mark });
    expect(updated.event).toMatchObject({ registration: { endpoint: EP } });
    await client.events.waitFor((e) => e.event === 'updated', 5000, { after: clientMark });
  });

  it('de-registers on stop and registers again on start', async () => {
    let mark = serverEvents.cursor();
    await client.stop();
    const gone = await serverEvents.waitFor((e) => e.name === 'deregistered', 5000, { after: mark });
    expect(gone.event).toMatchObject({ reason: 'deregistered', registration: { endpoint: EP } });
    await client.events.waitFor((e) => e.event === 'deregistered', 5000);
    expect(server.registration(EP)).toBeUndefined();

    mark = serverEvents.cursor();
    const clientMark = client.events.cursor();
    await client.start();
    await serverEvents.waitFor((e) => e.name === 'registered', 10_000, { after: mark });
    await client.events.waitFor((e) => e.event === 'registered', 5000, { after: clientMark });
    expect(server.registration(EP)?.endpoint).toBe(EP);
  });
});
