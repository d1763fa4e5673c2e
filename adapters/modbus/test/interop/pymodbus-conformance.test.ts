import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { adapter } from '../../src/index.js';
import { conformanceConnection, conformancePoints } from '../support/conformance-points.js';

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
      connection: conformanceConnection(device.port),
      ...conformancePoints,
      stopDevice: () => device.stop(),
      restartDevice: () => device.restart(),
      teardown: () => device.stop(),
    };
  },
});
