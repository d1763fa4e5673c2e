/**
 * DeviceRunner behind the real client engine: an in-process LwM2M client (EngineLink instead of a
 * socket), a scripted in-memory device and a fake clock, wired as the host wires them. What is
 * checked is what the device and the server see: device reads after a write to an observed point.
 */
import { LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { mappingObjectRegistry } from '@lwm2m-adapters/mapping';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRunner } from '../../src/runtime/device-runner.js';
import { EngineLink, SERVER, text } from './support/engine-link.js';
import { FakeClock } from './support/fake-clock.js';
import { compileScripted, ScriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: lamp
    adapter: scripted
    connection: {}
    points:
      /3311/0/5851: { source: { register: 20, max: 1000 }, access: rw }
      /3311/0/5850: { source: { register: 21, kind: boolean }, access: rw }
`;

const closing: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A registered client serving one runner's objects, its sampling plan routed to the runner. */
async function served() {
  const clock = new FakeClock();
  const device = new ScriptedDevice(clock);
  device.registers.set(20, 40);
  device.registers.set(21, false);
  const mapping = await compileScripted(MAPPING, device);
  const runner = new DeviceRunner({
    device: mapping.devices[0]!,
    adapter: device.definition,
    logger: silentLogger,
    clock,
    // one background read when observed, then none within the test
    observedPollMs: 60_000,
  });
  const link = new EngineLink();
  const client = new LwM2mClient({
    endpointName: 'lamp',
    server: { peer: SERVER, shortServerId: 1, lifetime: 300 },
    registry: mappingObjectRegistry(mapping),
    link,
    clock,
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
    const written = await serve({ method: 'PUT', path: '/3311/0/5851', contentFormat: 0, payload: '75' });
    expect(written?.code).toBe('2.04');
    await clock.advance(0);
    device.release();
    await clock.advance(0);

    expect(device.log.writes).toEqual([{ pointId: '/3311/0/5851', value: 75 }]);
    // the write's own re-read answers the observation too: one device read, not two
    expect(device.readsOf('/3311/0/5851')).toBe(before + 1);
    expect(link.notified('b1')).toEqual(['75']);
  });
});
