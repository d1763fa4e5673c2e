/**
 * Device health as the host tells it: a session can be connected (its socket open, its line up)
 * while the device answers nothing, every read failing with a retriable error (a frozen PLC, a
 * quarantined unit on a shared RTU line). Such a device is unresponsive, with its last success and
 * its last error; one that answers (even with an error of its own) is ok.
 */
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRunner } from '../../src/runtime/device/device-runner.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { ScriptedDevice, scriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: press
    adapter: scripted
    connection: {}
    points:
      /3303/0/5700: { source: { register: 1, kind: number } }
      /3303/0/5601: { source: { register: 2, kind: number } }
`;

const runners: DeviceRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

async function started() {
  const clock = new FakeClock();
  const device = new ScriptedDevice(clock);
  device.registers.set(1, 21.5);
  device.registers.set(2, 3);
  const runner = new DeviceRunner({
    device: await scriptedDevice(MAPPING, device),
    adapter: device.definition,
    logger: silentLogger,
    clock,
  });
  runners.push(runner);
  await runner.start();
  /** One read of both points, as a server's Read of the instance would ask. */
  const readAll = async () => {
    const reads = Promise.allSettled([runner.readPoint('/3303/0/5700'), runner.readPoint('/3303/0/5601')]);
    await clock.endTurn();
    await settle();
    await reads;
    await clock.advance(2000); // past the cache bound: the next read asks the device
  };
  return { clock, device, runner, readAll };
}

describe('DeviceRunner health', () => {
  it('is ok while the device answers', async () => {
    const { clock, runner, readAll } = await started();
    const before = clock.now();
    await readAll();
    expect(runner.state).toBe('connected');
    expect(runner.health()).toEqual({
      state: 'ok',
      lastSuccessAt: before,
      lastError: undefined,
      lastErrorAt: undefined,
      unansweredReads: 0,
    });
  });

  it('calls a connected device whose reads all fail unresponsive, with its last success and last error', async () => {
    const { clock, device, runner, readAll } = await started();
    await readAll();
    const answeredAt = clock.now() - 2000;
    // the device stops answering: every register read fails with DEVICE_TIMEOUT (retriable)
    device.registers.clear();
    await readAll();
    await readAll();
    // two unanswered reads may be a glitch
    expect(runner.health()).toMatchObject({ state: 'ok', unansweredReads: 2 });
    const failedAt = clock.now();
    await readAll();
    expect(runner.state).toBe('connected');
    expect(runner.health()).toEqual({
      state: 'unresponsive',
      lastSuccessAt: answeredAt,
      lastError: expect.stringMatching(/^DEVICE_TIMEOUT: register of \/3303\/0\/5\d+ is empty$/),
      lastErrorAt: failedAt,
      unansweredReads: 3,
    });

    // it answers again: ok, the last error kept with its time
    device.registers.set(1, 22);
    device.registers.set(2, 3);
    const recoveredAt = clock.now();
    await readAll();
    expect(runner.health()).toMatchObject({
      state: 'ok',
      lastSuccessAt: recoveredAt,
      lastErrorAt: failedAt,
      unansweredReads: 0,
    });
  });

  it('counts a read with one good point as answered', async () => {
    const { device, runner, readAll } = await started();
    device.registers.delete(2);
    for (let i = 0; i < 4; i++) await readAll();
    expect(runner.health()).toMatchObject({ state: 'ok', unansweredReads: 0 });
    expect(runner.stats().badPoints).toBe(1);
  });
});
