import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { createModbusAdapter } from '../src/index.js';
import {
  createModbusSimulator,
  type ModbusSimulator,
  type SimulatorConfigInput,
} from '../src/simulator/index.js';

const rw = { read: true, write: true, execute: false };

/** A unit with fixed values (no signals), so read-backs after writes are exact. */
const config: SimulatorConfigInput = {
  units: [
    {
      unitId: 7,
      holdingRegisters: [
        {
          start: 0,
          count: 64,
          points: [
            { address: 0, type: 'float32', wordOrder: 'CDAB', value: 21.5 },
            { address: 2, type: 'int16', value: 60 },
            { address: 10, type: 'string', length: 4, value: 'idle' },
          ],
        },
      ],
      inputRegisters: [{ start: 0, count: 16, points: [{ address: 4, type: 'uint64', value: 2n ** 63n }] }],
      coils: [{ start: 0, count: 16, values: [false, false, false, true] }],
    },
  ],
};

describeAdapterConformance('modbus against its own simulator over Modbus TCP', {
  adapter: createModbusAdapter(),
  recoveryTimeoutMs: 10_000,
  async setup() {
    let simulator: ModbusSimulator = createModbusSimulator(config);
    const { tcpPort } = await simulator.start();
    const port = tcpPort!;
    return {
      connection: {
        transport: 'tcp',
        host: '127.0.0.1',
        port,
        unitId: 7,
        timeoutMs: 500,
        reconnect: { initialMs: 100, maxMs: 500 },
      },
      points: [
        {
          id: '/3303/0/5700',
          source: { table: 'holding', address: 0, type: 'float32', order: 'CDAB' },
          access: rw,
        },
        { id: '/3308/0/5900', source: { table: 'holding', address: 2, type: 'int16' }, access: rw },
        { id: '/3311/0/5850', source: { table: 'coil', address: 3 }, access: rw },
        {
          id: '/3341/0/5527',
          source: { table: 'holding', address: 10, type: 'string', length: 4 },
          access: rw,
        },
        {
          id: '/3/0/13',
          source: { table: 'input', address: 4, type: 'uint64' },
          access: { read: true, write: false, execute: false },
        },
      ],
      readable: ['/3303/0/5700', '/3308/0/5900', '/3311/0/5850', '/3341/0/5527', '/3/0/13'],
      writes: [
        { pointId: '/3308/0/5900', value: 72 },
        { pointId: '/3311/0/5850', value: false },
        { pointId: '/3341/0/5527', value: 'running' },
        { pointId: '/3303/0/5700', value: -3.75 },
      ],
      invalidWrites: [
        { pointId: '/3308/0/5900', value: 40_000 },
        { pointId: '/3308/0/5900', value: 1.5 },
        { pointId: '/3311/0/5850', value: 'yes' },
      ],
      unknownPoint: { id: '/3303/1/5700', source: { table: 'holding', address: 400 }, access: rw },
      stopDevice: () => simulator.close(),
      restartDevice: async () => {
        simulator = createModbusSimulator(config, {
          listeners: [{ transport: 'tcp', host: '127.0.0.1', port }],
        });
        await simulator.start();
      },
      teardown: () => simulator.close(),
    };
  },
});
