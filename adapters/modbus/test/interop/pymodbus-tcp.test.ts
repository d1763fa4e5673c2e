import { type AdapterSession, silentLogger } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PymodbusDevice, startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { createModbusAdapter } from '../../src/index.js';
import { interopUnits } from '../support/interop-fixture.js';
import { describePymodbusInterop } from '../support/interop-suite.js';

describePymodbusInterop('Modbus TCP', async () => {
  const device = await startPymodbusDevice({ transport: 'tcp', framer: 'socket', units: interopUnits });
  return {
    connection: { transport: 'tcp', host: '127.0.0.1', port: device.port },
    device,
    teardown: async () => undefined,
  };
});

describe('pymodbus interop: Modbus TCP pipelining', () => {
  let device: PymodbusDevice | undefined;
  const adapter = createModbusAdapter();
  let session: AdapterSession | undefined;

  beforeAll(async () => {
    device = await startPymodbusDevice({
      transport: 'tcp',
      framer: 'socket',
      units: {
        1: {
          size: 400,
          values: Array.from({ length: 40 }, (_, i) => ({
            table: 'holding' as const,
            address: i * 10,
            type: 'uint16',
            value: 1000 + i,
          })),
        },
      },
    });
  }, 30_000);

  afterAll(async () => {
    try {
      await session?.close();
    } finally {
      await device?.stop();
    }
  });

  it('matches every pipelined reply to its own request, even from a peer that lags behind', async () => {
    // pymodbus 3.16 takes one frame per received TCP segment: requests that arrive together wait
    // for the next segment, so some pipelined requests time out. The adapter must still never
    // hand a reply to the wrong request: every value read is right, every failure a timeout.
    const points = Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      source: adapter.pointSchema.parse({ table: 'holding', address: i * 10 }),
      access: { read: true, write: false, execute: false },
    }));
    session = adapter.createSession({
      deviceId: 'pipelined',
      connection: adapter.connectionSchema.parse({
        transport: 'tcp',
        host: '127.0.0.1',
        port: device!.port,
        maxInFlight: 4,
        timeoutMs: 300,
        quarantine: { afterTimeouts: 1000 },
      }),
      points,
      logger: silentLogger,
    });
    await session.start();
    let ok = 0;
    for (let round = 0; round < 3; round++) {
      const readings = await session.read(points.map((p) => p.id));
      readings.forEach((r, i) => {
        if (r.ok) {
          ok++;
          expect(r.value).toBe(1000 + i);
        } else expect(r.error.code).toBe('DEVICE_TIMEOUT');
      });
    }
    expect(ok).toBeGreaterThan(60);
    expect(session.stats()).toMatchObject({ requests: 120, 'link.inFlight': 0 });
    expect(session.stats()['errors.DEVICE_RESPONSE_INVALID']).toBeUndefined();
  });
});
