import { startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { interopUnits } from '../support/interop-fixture.js';
import { describePymodbusInterop } from '../support/interop-suite.js';

describePymodbusInterop(
  'RTU frames over TCP (a serial gateway: pymodbus TCP server with the RTU framer)',
  async () => {
    const device = await startPymodbusDevice({ transport: 'tcp', framer: 'rtu', units: interopUnits });
    return {
      connection: { transport: 'rtu-over-tcp', host: '127.0.0.1', port: device.port, guardMs: 50 },
      device,
      teardown: async () => undefined,
    };
  },
);
