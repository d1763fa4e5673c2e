import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { createModbusAdapter } from '../src/index.js';
import {
  createModbusSimulator,
  type ModbusSimulator,
  type SimulatorConfigInput,
} from '../src/simulator/index.js';
import { conformanceConnection, conformancePoints } from './support/conformance-points.js';

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
      connection: conformanceConnection(port),
      ...conformancePoints,
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
