import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { adapter } from '../../src/index.js';

const rw = { read: true, write: true, execute: false };

describeAdapterConformance('modbus (default instance) against pymodbus over Modbus TCP', {
  adapter,
  recoveryTimeoutMs: 10_000,
  async setup() {
    const device = await startPymodbusDevice({
      transport: 'tcp',
      framer: 'socket',
      units: {
        7: {
          size: 50,
          values: [
            { table: 'holding', address: 0, type: 'float32', value: 21.5, order: 'CDAB' },
            { table: 'holding', address: 2, type: 'int16', value: 60 },
            { table: 'coil', address: 3, value: true },
            { table: 'holding', address: 10, type: 'string', value: 'idle', length: 4 },
            { table: 'input', address: 4, type: 'uint64', value: 2n ** 63n },
          ],
        },
      },
    });
    return {
      connection: {
        transport: 'tcp',
        host: '127.0.0.1',
        port: device.port,
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
        { pointId: '/3341/0/5527', value: 'longer than eight' },
      ],
      unknownPoint: { id: '/3303/1/5700', source: { table: 'holding', address: 400 }, access: rw },
      stopDevice: () => device.stop(),
      restartDevice: () => device.restart(),
      teardown: () => device.stop(),
    };
  },
});
