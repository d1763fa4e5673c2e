/**
 * A subscribing adapter behind the real client engine, wired as the host wires it (sampling plan
 * → rangesByPrefix → runner): a server's Observe and Write-Attributes become a device-side
 * subscription with the attributes' options; what the device pushes is notified; new attributes
 * modify the subscription; an array point is observed as its whole resource; a cancel closes it.
 */
import { LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, expect, it } from 'vitest';
import { DeviceRunner } from '../../src/runtime/device/device-runner.js';
import { rangesByPrefix } from '../../src/runtime/topology/host-topology.js';
import { EngineLink, SERVER } from './support/engine-link.js';
import { FakeClock } from './support/fake-clock.js';
import { PushingDevice, pushingDevice } from './support/pushing-adapter.js';

const MAPPING = `version: 1
devices:
  - id: ua
    adapter: pushing
    connection: {}
    points:
      /3303/0/5700: { source: { variable: temp }, scale: 0.1 }
      /13/0/0: { source: { variable: volts, kind: integer, array: true }, access: rw }
`;

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function served() {
  const clock = new FakeClock();
  const device = new PushingDevice(clock);
  device.variables.set('temp', 215);
  device.variables.set('volts', [230, 231]);
  const compiled = await pushingDevice(MAPPING, device);
  const link = new EngineLink();
  const client = new LwM2mClient({
    endpointName: 'ua',
    server: { peer: SERVER, shortServerId: 1, lifetime: 300 },
    registry: mappingObjectRegistry({
      mappingVersion: 1,
      source: { file: 'pushing.yml', sha256: '0'.repeat(64) },
      objectDefinitions: [],
      devices: [compiled],
    }),
    link,
    clock,
  });
  const runner = new DeviceRunner({
    device: compiled,
    adapter: device.definition,
    logger: silentLogger,
    clock,
    onValueChanged: (point, afterWrite) => {
      if (!afterWrite) client.changed(point.reportedPath);
    },
  });
  for (const [objectId, declaration] of runner.objectDeclarations()) {
    client.objects.defineObject(objectId, declaration);
  }
  client.on('sampling', (plan) => runner.setObserved(rangesByPrefix(plan).get(undefined) ?? []));
  closing.push(async () => {
    const closed = Promise.all([client.close(), runner.close()]);
    await clock.advance(0);
    await closed;
  });
  client.start();
  await clock.advance(0);
  await runner.start();
  const serve = async (request: Parameters<EngineLink['serve']>[0]) => {
    const answer = link.serve(request);
    await clock.endTurn();
    return answer;
  };
  const settle = async () => {
    await clock.advance(0);
    await runner.subscriptionsSettled();
    await clock.advance(0);
  };
  return { clock, device, runner, link, serve, settle };
}

it('turns an observation and its attributes into a subscription, and notifies what the device pushes', async () => {
  const { clock, device, link, serve, settle } = await served();
  expect((await serve({ method: 'PUT', path: '/3303/0/5700', query: ['pmin=2', 'st=1'] }))?.code).toBe(
    '2.04',
  );
  const observed = await serve({ path: '/3303/0/5700', observe: 0, accept: 0, token: 'b1' });
  expect(observed?.code).toBe('2.05');
  await settle();
  // pmin 2 s → sampled every 2 s; st 1 °C → 10 raw units (scale 0.1)
  expect(device.live().map((s) => [s.pointIds, s.options])).toEqual([
    [['/3303/0/5700'], { samplingIntervalMs: 2000, deadband: 10 }],
  ]);
  const reads = device.reads.length;
  device.set('temp', 300);
  await clock.advance(2000);
  expect(link.notified('b1')).toEqual(['30']);
  expect(device.reads.length).toBe(reads); // the notification came from the pushed value

  // new attributes: the same subscription, modified
  expect((await serve({ method: 'PUT', path: '/3303/0/5700', query: ['pmin=5'] }))?.code).toBe('2.04');
  await settle();
  expect(device.subscriptions).toHaveLength(1);
  expect(device.subscriptions[0]?.modified).toEqual([{ samplingIntervalMs: 5000, deadband: 10 }]);

  // cancelled: closed
  await serve({ path: '/3303/0/5700', observe: 1, accept: 0, token: 'b1' });
  await settle();
  expect(device.live()).toEqual([]);
});

it('observes an array point as its whole multiple-instance resource', async () => {
  const { clock, device, link, serve, settle } = await served();
  const observed = await serve({ path: '/13/0/0', observe: 0, accept: 110, token: 'c1' });
  expect(observed?.code).toBe('2.05');
  await settle();
  expect(device.live().map((s) => s.pointIds)).toEqual([['/13/0/0']]);
  device.set('volts', [229, 231, 12]);
  await clock.advance(1000);
  const [notification] = link.notified('c1');
  expect(JSON.parse(notification ?? '[]')).toEqual([
    { bn: '/13/0/', n: '0/0', v: 229 },
    { n: '0/1', v: 231 },
    { n: '0/2', v: 12 },
  ]);
});

it('writes an array point through the engine: a Write replaces the whole array', async () => {
  const { device, serve } = await served();
  const written = await serve({
    method: 'PUT',
    path: '/13/0/0',
    contentFormat: 110,
    payload: JSON.stringify([
      { bn: '/13/0/0/', n: '0', v: 4 },
      { n: '1', v: 5 },
    ]),
  });
  expect(written?.code).toBe('2.04');
  expect(device.writes).toEqual([{ pointId: '/13/0/0', value: [4, 5] }]);
  const read = await serve({ path: '/13/0/0', accept: 110 });
  expect(JSON.parse(new TextDecoder().decode(read?.payload))).toEqual([
    { bn: '/13/0/', n: '0/0', v: 4 },
    { n: '0/1', v: 5 },
  ]);
});
