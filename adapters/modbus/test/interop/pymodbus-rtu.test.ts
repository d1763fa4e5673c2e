import { startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { openPtyPair } from '../../../../test/peers/socat-pty.js';
import { interopUnits } from '../support/interop-fixture.js';
import { describePymodbusInterop } from '../support/interop-suite.js';

describePymodbusInterop('Modbus RTU on a serial line (socat pty pair, pymodbus RTU framer)', async () => {
  const pty = await openPtyPair();
  try {
    const device = await startPymodbusDevice({
      transport: 'serial',
      framer: 'rtu',
      serialPort: pty.deviceEnd,
      baudRate: 19200,
      units: interopUnits,
    });
    return {
      connection: { transport: 'rtu', path: pty.masterEnd, baudRate: 19200, parity: 'none', guardMs: 50 },
      device,
      teardown: () => pty.close(),
    };
  } catch (err) {
    await pty.close();
    throw err;
  }
});
