/**
 * The Modbus adapter's simulator capability, as a host asks for it (`simulateDevices` from the SDK):
 * one simulator per TCP endpoint, serving each device as its unit where the connection points;
 * serial devices named with the reason.
 */
import { createServer, Socket } from 'node:net';
import { type SimulationRequest, silentLogger, simulateDevices } from '@lwm2m-adapters/sdk';
import { expect, it } from 'vitest';
import { createModbusAdapter } from '../src/index.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
    socket.connect(port, '127.0.0.1');
  });
}

const read = { read: true, write: false, execute: false };

it('serves TCP and RTU-over-TCP devices where they connect, and names serial ones', async () => {
  const [tcpPort, rtuPort] = [await freePort(), await freePort()];
  const tcp = { transport: 'tcp', host: '127.0.0.1', port: tcpPort };
  const devices: SimulationRequest[] = [
    {
      deviceId: 'boiler',
      connection: { ...tcp, unitId: 1 },
      points: [
        { id: '/3303/0/5700', source: { table: 'holding', address: 100, type: 'float32' }, access: read },
        // a mapping enum: only these raw values
        {
          id: '/3341/0/5527',
          source: { table: 'holding', address: 10, type: 'uint16' },
          access: read,
          values: [3, 7],
        },
      ],
    },
    {
      deviceId: 'pump',
      connection: { ...tcp, unitId: 2 },
      points: [{ id: '/3311/0/5850', source: { table: 'coil', address: 0 }, access: read }],
    },
    {
      deviceId: 'meter',
      connection: { transport: 'rtu-over-tcp', host: '127.0.0.1', port: rtuPort, unitId: 5 },
      points: [{ id: '/3305/0/5800', source: { table: 'input', address: 0, type: 'int16' }, access: read }],
    },
    {
      deviceId: 'drive',
      connection: { transport: 'rtu', path: '/dev/ttyUSB7', unitId: 3 },
      points: [{ id: '/3303/0/5700', source: { table: 'input', address: 0, type: 'int16' }, access: read }],
    },
  ];
  const adapter = createModbusAdapter();
  const simulation = await simulateDevices(adapter, devices);
  try {
    expect(simulation.unsimulated).toEqual([
      {
        deviceId: 'drive',
        reason: 'on serial line /dev/ttyUSB7; run modbus-simulator --rtu-path <other end of the line> for it',
      },
    ]);
    expect(
      simulation.simulators.map(({ deviceIds, detail, listeners }) => ({ deviceIds, detail, listeners })),
    ).toEqual([
      {
        deviceIds: ['boiler', 'pump'],
        detail: 'units 1, 2',
        listeners: [{ protocol: 'tcp', address: `127.0.0.1:${tcpPort}` }],
      },
      {
        deviceIds: ['meter'],
        detail: 'units 5',
        listeners: [{ protocol: 'rtu-over-tcp', address: `127.0.0.1:${rtuPort}` }],
      },
    ]);

    // the adapter reads every point of every simulated device from its simulator
    for (const device of devices.slice(0, 3)) {
      await using session = adapter.createSession({
        deviceId: device.deviceId,
        connection: adapter.connectionSchema.parse(device.connection),
        points: device.points.map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) })),
        logger: silentLogger,
      });
      await session.start();
      const readings = await session.read(device.points.map((p) => p.id));
      for (const r of readings) expect(r.ok, `${device.deviceId} ${r.pointId}`).toBe(true);
      if (device.deviceId === 'boiler') {
        const restricted = readings[1];
        expect(restricted?.ok && [3, 7].includes(Number(restricted.value))).toBe(true);
      }
    }
  } finally {
    await Promise.all(simulation.simulators.map((s) => s.close()));
  }
  expect(await refused(tcpPort)).toBe(true);
  expect(await refused(rtuPort)).toBe(true);
});
