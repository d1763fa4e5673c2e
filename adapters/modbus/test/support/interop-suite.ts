import type { AdapterSession, PointReading } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { createModbusAdapter } from '../../src/index.js';
import { interopPoints, interopSession, interopWrites, valuesOf } from './interop-fixture.js';

/** What a transport-specific interop file provides: a running pymodbus device and how to reach it. */
export interface InteropSetup {
  /** Connection settings (without unitId) that reach the device. */
  readonly connection: Record<string, unknown>;
  readonly device: PymodbusDevice;
  /** Stops everything the setup started (pty pairs...), after the device. */
  readonly teardown: () => Promise<void>;
}

const reading = async (session: AdapterSession, id: string): Promise<PointReading> =>
  (await session.read([id]))[0]!;

/**
 * The interop behaviour every transport must show against pymodbus: every type read, every write
 * function read back, exceptions and timeouts mapped, one link shared by several units with a
 * dead unit not stalling a live one, recovery after the device restarts.
 */
export function describePymodbusInterop(title: string, setup: () => Promise<InteropSetup>): void {
  describe(`pymodbus interop: ${title}`, () => {
    let fixture: InteropSetup | undefined;
    const adapter = createModbusAdapter();
    const sessions: AdapterSession[] = [];
    const open = (extra: Record<string, unknown>, deviceId: string) => {
      const session = interopSession(
        adapter,
        {
          ...fixture!.connection,
          timeoutMs: 400,
          reconnect: { initialMs: 100, maxMs: 400 },
          quarantine: { afterTimeouts: 3, initialMs: 300, maxMs: 600 },
          ...extra,
        },
        deviceId,
      );
      sessions.push(session);
      return session;
    };

    beforeAll(async () => {
      fixture = await setup();
    }, 30_000);

    afterAll(async () => {
      try {
        await Promise.allSettled(sessions.map((s) => s.close()));
      } finally {
        try {
          await fixture?.device.stop();
        } finally {
          await fixture?.teardown();
        }
      }
    }, 30_000);

    it('reads every type and byte order', async () => {
      const session = open({ unitId: 1 }, 'reader');
      await session.start();
      expect(session.state).toBe('connected');
      const ids = interopPoints.map((p) => p.id);
      const values = valuesOf(await session.read(ids));
      expect(values).toEqual(Object.fromEntries(interopPoints.map((p) => [p.id, p.expected])));
      // FC1 twice (coils 0..1 and 9: the bit gap is 0), FC2, FC3 0..45, FC4
      expect(session.stats()).toMatchObject({ requests: 5, replies: 5 });
    });

    it('writes with FC5, FC6, FC16 and bit read-modify-write, then FC15/FC16 with writeMultiple, and reads back', async () => {
      const session = open({ unitId: 1 }, 'writer');
      await session.start();
      for (const w of interopWrites) await session.write(w.id, w.value);
      const back = valuesOf(await session.read(interopWrites.map((w) => w.id)));
      expect(back).toEqual(Object.fromEntries(interopWrites.map((w) => [w.id, w.value])));
      // the bit write kept the other bits of register 45
      expect(valuesOf(await session.read(['status-bit0', 'status-bit15']))).toEqual({
        'status-bit0': true,
        'status-bit15': true,
      });
      const multi = open({ unitId: 1, writeMultiple: true }, 'multi-writer');
      await multi.start();
      await multi.write('w-coil', false);
      await multi.write('w-int16', 1234);
      expect(valuesOf(await session.read(['w-coil', 'w-int16']))).toEqual({
        'w-coil': false,
        'w-int16': 1234,
      });
    });

    it('maps exception 2 (illegal data address) to DEVICE_ADDRESS_UNKNOWN', async () => {
      const session = open({ unitId: 1 }, 'prober');
      await session.start();
      const missing = await reading(session, 'missing');
      expect(missing).toMatchObject({
        ok: false,
        error: { code: 'DEVICE_ADDRESS_UNKNOWN', responseCode: '4.04' },
      });
      expect(await reading(session, 'uint16')).toMatchObject({ ok: true, value: 54321 });
    });

    it('times out on a unit nobody answers for, while another unit on the same link keeps working', async () => {
      const live = open({ unitId: 2 }, 'live');
      const dead = open({ unitId: 42 }, 'dead');
      await Promise.all([live.start(), dead.start()]);
      const deadReading = dead.read(['unit-register']);
      const liveReadings: PointReading[] = [];
      for (let i = 0; i < 3; i++) liveReadings.push(await reading(live, 'unit-register'));
      const [timedOut] = await deadReading;
      expect(timedOut).toMatchObject({ ok: false, error: { code: 'DEVICE_TIMEOUT', retriable: true } });
      for (const r of liveReadings) expect(r).toMatchObject({ ok: true, value: 4242 });
      // after the guard, the live unit is still answered correctly (no late reply taken)
      expect(await reading(live, 'unit-register')).toMatchObject({ ok: true, value: 4242 });
      expect(adapter.openLinks()).toBe(1);
    });

    it('fails with a retriable error while the device is down and recovers after it restarts, same session', async () => {
      const session = open({ unitId: 1 }, 'survivor');
      await session.start();
      expect(await reading(session, 'uint16')).toMatchObject({ ok: true, value: 54321 });
      await fixture!.device.stop();
      const down = await reading(session, 'uint16');
      expect(down.ok).toBe(false);
      if (!down.ok) expect(['DEVICE_UNREACHABLE', 'DEVICE_TIMEOUT']).toContain(down.error.code);
      await fixture!.device.restart();
      const deadline = Date.now() + 10_000;
      let last = down;
      while (Date.now() < deadline) {
        last = await reading(session, 'uint16');
        if (last.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(last).toMatchObject({ ok: true, value: 54321 });
    }, 20_000);
  });
}
