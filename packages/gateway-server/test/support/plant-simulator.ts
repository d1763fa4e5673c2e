/**
 * The Modbus simulator the gateway-server acceptance tests put behind adapter-host: unit 1 (a
 * boiler: temperature at holding 0, set point at holding 10, coils 3 and 10) and unit 3 (a chiller:
 * temperature at holding 0), on 127.0.0.1 with an ephemeral port. Temperatures start at 21.5 and
 * 7.1 (scale 0.1). Every value is set, and a set value stops its simulated signal, so what a test
 * writes stays (a write from a Modbus client does not stop a signal).
 */
import {
  createModbusSimulator,
  type ModbusSimulator,
  simulatorConfigFromPoints,
} from '@lwm2m-adapters/modbus/simulator';

export async function startPlantSimulator(
  options: { readonly setPoint?: number } = {},
): Promise<{ simulator: ModbusSimulator; port: number }> {
  const simulator = createModbusSimulator(
    simulatorConfigFromPoints([
      {
        unitId: 1,
        points: [
          { table: 'holdingRegisters', address: 0, type: 'int16' },
          { table: 'holdingRegisters', address: 10, type: 'int16' },
          { table: 'coils', address: 3, type: 'bool' },
          { table: 'coils', address: 10, type: 'bool' },
        ],
      },
      { unitId: 3, points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }] },
    ]),
  );
  simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 215 });
  simulator.setValue(1, 'holdingRegisters', 10, { type: 'int16', value: options.setPoint ?? 0 });
  simulator.setValue(3, 'holdingRegisters', 0, { type: 'int16', value: 71 });
  const port = (await simulator.start()).tcpPort as number;
  return { simulator, port };
}
