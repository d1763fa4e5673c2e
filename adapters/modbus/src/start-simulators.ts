import { type AdapterSimulation, type SimulatorHandle, simulatorHandle } from '@lwm2m-adapters/sdk';
import { type MappedModbusDevice, planMappingSimulation } from './mapping-simulation.js';
import { createModbusSimulator, type ModbusSimulator, simulatorConfigFromPoints } from './simulator/index.js';

/**
 * The Modbus adapter's simulator capability: one simulator per TCP / RTU-over-TCP endpoint the
 * devices connect to, listening there, one unit per device with a changing value behind every
 * point. Devices on serial lines are left to `modbus-simulator --rtu-path` on the other end of the
 * line. Loaded only when simulating: a host that runs a mapping never loads the simulator.
 */
export async function startModbusSimulators(
  devices: readonly MappedModbusDevice[],
): Promise<AdapterSimulation> {
  const plan = planMappingSimulation(devices);
  const started: ModbusSimulator[] = [];
  const simulators: SimulatorHandle[] = [];
  try {
    for (const endpoint of plan.endpoints) {
      const simulator = createModbusSimulator(simulatorConfigFromPoints(endpoint.units), {
        listeners: [endpoint.listener],
      });
      started.push(simulator);
      const addresses = await simulator.start();
      simulators.push(
        simulatorHandle({
          deviceIds: endpoint.deviceIds,
          detail: `units ${endpoint.units.map((u) => u.unitId).join(', ')}`,
          listeners: addresses.listeners.map((l) => ({
            protocol: endpoint.transport,
            address: l.transport === 'tcp' ? `${l.host}:${l.port}` : l.path,
          })),
          close: () => simulator.close(),
        }),
      );
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
  return {
    simulators,
    unsimulated: plan.serialDevices.map((s) => ({
      deviceId: s.deviceId,
      reason: `on serial line ${s.path}; run modbus-simulator --rtu-path <other end of the line> for it`,
    })),
  };
}
