import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { createModbusAdapter } from '../../src/index.js';
import { MemoryModbusDevice } from '../support/memory-modbus-device.js';

const device = new MemoryModbusDevice();
const adapter = createModbusAdapter({ openByteStream: device.opener('mbap') });
const rw = { read: true, write: true, execute: false };

describeAdapterConformance('modbus over an in-memory Modbus TCP device', {
  adapter,
  async setup() {
    const unit = device.unit(3);
    unit.limit = 1000;
    unit.holding[10] = 215;
    unit.setBytes('holding', 20, Uint8Array.of(0x41, 0xac, 0, 0)); // float32 21.5
    unit.coils[0] = 1;
    return {
      connection: { transport: 'tcp', host: 'memory', unitId: 3, reconnect: { initialMs: 50, maxMs: 200 } },
      points: [
        { id: '/3303/0/5700', source: { table: 'holding', address: 20, type: 'float32' }, access: rw },
        { id: '/3308/0/5900', source: { table: 'holding', address: 10, type: 'int16' }, access: rw },
        { id: '/3311/0/5850', source: { table: 'coil', address: 0 }, access: rw },
        {
          id: '/3341/0/5527',
          source: { table: 'holding', address: 30, type: 'string', length: 4 },
          access: rw,
        },
      ],
      readable: ['/3303/0/5700', '/3308/0/5900', '/3311/0/5850', '/3341/0/5527'],
      writes: [
        { pointId: '/3308/0/5900', value: -72 },
        { pointId: '/3311/0/5850', value: false },
        { pointId: '/3341/0/5527', value: 'running' },
        { pointId: '/3303/0/5700', value: 19.25 },
      ],
      invalidWrites: [
        { pointId: '/3308/0/5900', value: 40000 },
        { pointId: '/3308/0/5900', value: 1.5 },
        { pointId: '/3311/0/5850', value: 'yes' },
        { pointId: '/3341/0/5527', value: 'far too long for 4 registers' },
      ],
      unknownPoint: { id: '/3303/1/5700', source: { table: 'holding', address: 5000 }, access: rw },
      stopDevice: async () => {
        device.refuseConnections = true;
        device.dropConnections();
      },
      restartDevice: async () => {
        device.refuseConnections = false;
      },
      teardown: async () => undefined,
    };
  },
});
