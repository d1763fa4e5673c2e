import { startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { openPtyPair } from '../../../../test/peers/socat-pty.js';
import { interopUnits } from '../support/interop-fixture.js';
import { describePymodbusInterop } from '../support/interop-suite.js';

describePymodbusInterop('Modbus ASCII on a serial line (socat pty pair, pymodbus ASCII framer)', async () => {
  const pty = await openPtyPair();
  try {
    const device = await startPymodbusDevice({
      transport: 'serial',
      framer: 'ascii',
      serialPort: pty.deviceEnd,
      baudRate: 19200,
      units: interopUnits,
    });
    return {
      // a pty carries 8-bit characters; ASCII mode's usual 7 data bits would be set on a real line
      connection: {
        transport: 'ascii',
        path: pty.masterEnd,
        baudRate: 19200,
        parity: 'none',
        dataBits: 8,
        guardMs: 50,
      },
      device,
      teardown: () => pty.close(),
    };
  } catch (err) {
    await pty.close();
    throw err;
  }
});
