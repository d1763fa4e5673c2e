/**
 * DeviceRunner behind the real client engine: an in-process LwM2M client (EngineLink instead of a
 * socket), a scripted in-memory device and a fake clock, wired as the host wires them. What is
 * checked is what the device and the server see: device reads after a write to an observed point,
 * how often a written value is converted and checked, a Write-Composite checked as a whole, and
 * the cache bound measured on the injected clock.
 */
import { LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRunner } from '../../src/runtime/device/device-runner.js';
import { EngineLink, SERVER, text } from './support/engine-link.js';
import { FakeClock } from './support/fake-clock.js';
import { compileScripted, ScriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: lamp
    adapter: scripted
    connection: {}
    points:
      /3311/0/5851: { source: { register: 20, max: 40 }, access: rw, scale: 2 }
      /3311/0/5850: { source: { register: 21, kind: boolean }, access: rw }
      /3311/1/5851: { source: { register: 22, max: 40 }, access: rw, scale: 2 }
      /3311/1/5850: { source: { register: 23, kind: boolean }, access: rw }
`;

const closing: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A registered client serving one runner's objects; sampling plan and value changes routed as the host does. */
async function served() {
  const clock = new FakeClock();
  const device = new ScriptedDevice(clock);
  device.registers.set(20, 20);
  device.registers.set(21, false);
  device.registers.set(22, 10);
  device.registers.set(23, true);
  const mapping = await compileScripted(MAPPING, device);
  const link = new EngineLink();
  const client = new LwM2mClient({
    endpointName: 'lamp',
    server: { peer: SERVER, shortServerId: 1, lifetime: 300 },
    registry: mappingObjectRegistry(mapping),
    link,
    clock,
  });
  const runner = new DeviceRunner({
    device: mapping.devices[0]!,
    adapter: device.definition,
    logger: silentLogger,
    clock,
    // one background read when observed, then none within the test
    observedPollMs: 60_000,
    // as the host reports changes to the engine (per-device: no prefix)
    onValueChanged: (point, afterWrite) => {
      if (!afterWrite) client.changed(point.reportedPath);
    },
  });
  for (const [objectId, declaration] of runner.objectDeclarations()) {
    client.objects.defineObject(objectId, declaration);
  }
  client.on('sampling', (plan) =>
    runner.setObserved(
      plan.map((entry) => ({
        path: entry.path,
        minMs: entry.minPeriodSeconds === undefined ? undefined : entry.minPeriodSeconds * 1000,
        maxMs: entry.maxPeriodSeconds === undefined ? undefined : entry.maxPeriodSeconds * 1000,
      })),
    ),
  );
  closing.push(async () => {
    const closed = Promise.all([client.close(), runner.close()]);
    await clock.advance(0);
    await closed;
  });
  client.start();
  await clock.advance(0);
  expect(client.state).toBe('registered');
  await runner.start();
  /** A server request, answered once the turns it needs have run. */
  const serve = async (request: Parameters<EngineLink['serve']>[0]) => {
    const answer = link.serve(request);
    await clock.endTurn();
    return answer;
  };
  return { clock, device, runner, link, serve };
}

describe('DeviceRunner behind the client engine', () => {
  it('reads an observed point from the device once after a server Write', async () => {
    const { clock, device, link, serve } = await served();
    const observed = await serve({ path: '/3311/0/5851', observe: 0, accept: 0, token: 'b1' });
    expect(observed?.code).toBe('2.05');
    expect(text(observed?.payload)).toBe('40');
    await clock.advance(0); // the sampling plan: the point is read in the background from now on
    const before = device.readsOf('/3311/0/5851');

    // a real device answers after a while: reads wait until released
    device.hold();
    const written = await serve({ method: 'PUT', path: '/3311/0/5851', contentFormat: 0, payload: '70' });
    expect(written?.code).toBe('2.04');
    await clock.advance(0);
    device.release();
    await clock.advance(0);

    expect(device.log.writes).toEqual([{ pointId: '/3311/0/5851', value: 35 }]);
    // the write's own re-read answers the observation too: one device read, not two
    expect(device.readsOf('/3311/0/5851')).toBe(before + 1);
    expect(link.notified('b1')).toEqual(['70']);
  });

  it('converts and checks a written value once: the session gets the planned raw value', async () => {
    const { device, serve } = await served();
    const written = await serve({ method: 'PUT', path: '/3311/0/5851', contentFormat: 0, payload: '60' });
    expect(written?.code).toBe('2.04');
    // the adapter's check ran once (it ran twice before the write plan), on the scaled raw value
    expect(device.log.validations).toEqual([{ register: 20, value: 30 }]);
    expect(device.log.writes).toEqual([{ pointId: '/3311/0/5851', value: 30 }]);

    // refused by the mapping (not a multiple of the scale): the adapter is not even asked
    const refused = await serve({ method: 'PUT', path: '/3311/0/5851', contentFormat: 0, payload: '61' });
    expect(refused?.code).toBe('4.00');
    expect(device.log.validations).toHaveLength(1);
    expect(device.log.writes).toHaveLength(1);
  });

  it('checks a Write-Composite as a whole: a value the device cannot hold stops every write', async () => {
    const { device, serve } = await served();
    const composite = (dimmer: number) =>
      serve({
        method: 'IPATCH',
        path: '/',
        contentFormat: 110,
        payload: JSON.stringify([
          { n: '/3311/0/5850', vb: true },
          { n: '/3311/0/5851', v: dimmer },
        ]),
      });
    // 90 is 45 raw: a valid Dimmer, but beyond the register's 40, which only the adapter knows
    const refused = await composite(90);
    expect(refused?.code).toBe('4.00');
    expect(device.log.writes).toEqual([]);
    expect(device.log.validations).toEqual([
      { register: 21, value: true },
      { register: 20, value: 45 },
    ]);

    const accepted = await composite(30);
    expect(accepted?.code).toBe('2.04');
    expect(device.log.writes).toEqual([
      { pointId: '/3311/0/5850', value: true },
      { pointId: '/3311/0/5851', value: 15 },
    ]);
    // one check per value written, made while the request was validated
    expect(device.log.validations.slice(2)).toEqual([
      { register: 21, value: true },
      { register: 20, value: 15 },
    ]);
  });

  it('answers a Read from the cache within the cache bound on the injected clock, then from the device', async () => {
    const { clock, device, serve } = await served();
    const read = () => serve({ path: '/3311/0/5851', accept: 0 });
    expect(text((await read())?.payload)).toBe('40');
    expect(device.readsOf('/3311/0/5851')).toBe(1);
    device.registers.set(20, 45);
    await clock.advance(1000);
    expect(text((await read())?.payload)).toBe('40');
    expect(device.readsOf('/3311/0/5851')).toBe(1);
    await clock.advance(1);
    expect(text((await read())?.payload)).toBe('90');
    expect(device.readsOf('/3311/0/5851')).toBe(2);
  });

  it('reads an instance, and an object with several instances, with one adapter call', async () => {
    const { clock, device, serve } = await served();
    const instance = await serve({ path: '/3311/0', accept: 110 });
    expect(instance?.code).toBe('2.05');
    expect(device.log.reads).toEqual([['/3311/0/5850', '/3311/0/5851']]);

    await clock.advance(2000); // past the cache bound: the next Read asks the device
    const object = await serve({ path: '/3311', accept: 110 });
    expect(object?.code).toBe('2.05');
    // every instance's values, in order
    const records = JSON.parse(text(object?.payload)) as { v?: number; vb?: boolean }[];
    expect(records.map((r) => r.v ?? r.vb)).toEqual([false, 40, true, 20]);
    expect(device.log.reads.slice(1)).toEqual([
      ['/3311/0/5850', '/3311/0/5851', '/3311/1/5850', '/3311/1/5851'],
    ]);
  });
});
