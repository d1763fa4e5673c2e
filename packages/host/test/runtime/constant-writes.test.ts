/**
 * A mapping constant is read-only to the server unless the mapping says `writable: true`: a Write
 * to it is refused 4.05 and later reads keep the mapping's value. A writable constant keeps what
 * the server wrote (in memory; no device is involved).
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
  - id: boiler
    adapter: scripted
    connection: {}
    points:
      /3303/0/5700: { source: { register: 1 } }
      /3303/0/5750: Boiler room
      /3303/1/5700: { source: { register: 2 } }
      /3303/1/5750: { value: Return pipe, writable: true }
`;

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function served() {
  const clock = new FakeClock();
  const device = new ScriptedDevice(clock);
  device.registers.set(1, 20);
  device.registers.set(2, 30);
  const mapping = await compileScripted(MAPPING, device);
  const link = new EngineLink();
  const client = new LwM2mClient({
    endpointName: 'boiler',
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
    onValueChanged: () => {},
  });
  for (const [objectId, declaration] of runner.objectDeclarations()) {
    client.objects.defineObject(objectId, declaration);
  }
  closing.push(async () => {
    const closed = Promise.all([client.close(), runner.close()]);
    await clock.advance(0);
    await closed;
  });
  client.start();
  await clock.advance(0);
  return { link };
}

const write = (path: string, value: string) => ({
  method: 'PUT' as const,
  path,
  contentFormat: 0,
  payload: value,
});

describe('mapping constants under server writes', () => {
  it('a Write to a constant is refused 4.05 and reads keep the mapping value', async () => {
    const { link } = await served();
    expect((await link.serve(write('/3303/0/5750', 'hacked')))?.code).toBe('4.05');
    expect(text((await link.serve({ path: '/3303/0/5750', accept: 0 }))?.payload)).toBe('Boiler room');
    // Write-Composite and a Write to the instance are refused as a whole too
    const replace = await link.serve({
      method: 'POST',
      path: '/3303/0',
      contentFormat: 110,
      payload: JSON.stringify([{ bn: '/3303/0/', n: '5750', vs: 'hacked' }]),
    });
    expect(replace?.code).toBe('4.05');
    expect(text((await link.serve({ path: '/3303/0/5750', accept: 0 }))?.payload)).toBe('Boiler room');
  });

  it('a constant marked writable takes the written value (in memory) and reads return it', async () => {
    const { link } = await served();
    expect((await link.serve(write('/3303/1/5750', 'Flow pipe')))?.code).toBe('2.04');
    expect(text((await link.serve({ path: '/3303/1/5750', accept: 0 }))?.payload)).toBe('Flow pipe');
  });
});
