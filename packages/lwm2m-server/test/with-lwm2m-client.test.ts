/**
 * Our LwM2M client engine against the server engine, both on CoapEndpoints linked in memory on one
 * fake clock: Register (the client's real links), Read, Write-Attributes, Observe with NON
 * notifications, Send, active cancel, De-register.
 */
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ContentFormat, node, ObjectRegistry, value } from '@lwm2m-adapters/lwm2m-core';
import { expect, it } from 'vitest';
import type { Lwm2mServerEvents, ServerNotification } from '../src/index.js';
import { harness, SERVER_PEER, settle } from './support/server-harness.js';

it('registers, is read and observed, sends, is un-observed and de-registers', async () => {
  const h = harness();
  const events: string[] = [];
  const record = <K extends keyof Lwm2mServerEvents>(name: K) =>
    h.server.on(name, (event) => {
      const registration = 'registration' in event ? event.registration : undefined;
      events.push(`${name} ${registration?.endpoint ?? ''}`);
    });
  record('registered');
  record('send');
  record('deregistered');
  const temperature = { value: 21.5 };
  const client = new LwM2mClient({
    endpointName: 'plc-7',
    server: { peer: SERVER_PEER, shortServerId: 1, lifetime: 300 },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(h.client),
    clock: h.clock,
  });
  client.objects.defineObject(3303, {
    instances: { 0: { 5700: { read: () => temperature.value }, 5701: 'Cel' } },
  });
  client.start();
  await settle(40);
  const registration = h.server.registration('plc-7')!;
  expect(registration).toMatchObject({
    lifetime: 300,
    lwm2mVersion: '1.1',
    // the client announces its preferred format alone (ct=110), as LwM2M 1.1 servers expect
    contentFormats: [110],
  });
  expect(registration.objects.map((o) => o.id)).toEqual(expect.arrayContaining([1, 3, 3303]));

  const read = h.server.read(registration, '/3303/0/5700', { format: ContentFormat.TEXT });
  await settle(40);
  expect((await read).node).toEqual(node.resource(5700, value.float(21.5)));

  const attributes = h.server.writeAttributes('plc-7', '/3303/0/5700', { pmin: 0 });
  await settle(40);
  expect((await attributes).code).toBe('2.04');

  const notifications: ServerNotification[] = [];
  const observed = h.server.observe('plc-7', '/3303/0/5700', {
    format: ContentFormat.TEXT,
    onNotification: (n) => notifications.push(n),
  });
  await settle(40);
  const { observation } = await observed;
  temperature.value = 22.25;
  client.changed('/3303/0/5700');
  h.clock.advance(0);
  await settle(40);
  expect(notifications.map((n) => [n.node, n.confirmable])).toEqual([
    [node.resource(5700, value.float(22.25)), false],
  ]);

  const sent = client.send([{ path: '/3303/0/5700' }]);
  await settle(40);
  expect(await sent).toMatchObject({ status: 'sent', messages: 1 });

  const cancel = observation!.cancel({ active: true });
  await settle(40);
  expect((await cancel)?.code).toBe('2.05');
  expect(client.observations()).toEqual([]);

  const closed = client.close();
  await settle(40);
  await closed;
  expect(events).toEqual(['registered plc-7', 'send plc-7', 'deregistered plc-7']);
  expect(h.serverEndpoint.stats().internalErrors + h.client.stats().internalErrors).toBe(0);
});
