import { CodedError } from '@lwm2m-adapters/errors';
import type { SimulationDevice, SimulationValue } from '@lwm2m-adapters/sdk';
import type { ModbusConnection } from './config/connection-schema.js';
import type { ModbusPoint } from './config/point-schema.js';
import { orderName } from './data/byte-order.js';
import { pointLayout } from './data/point-layout.js';
import type { ListenerConfigInput } from './simulator/config/config-schema.js';
import type { SimulatedPointSpec, SimulatedUnitSpec } from './simulator/config/from-points.js';
import type { TableName } from './simulator/memory/table-name.js';
import { type WordOrder, wordOrders } from './simulator/values/typed-value.js';

/** A mapped Modbus device, its connection and points validated by the adapter's schemas. */
export type MappedModbusDevice = SimulationDevice<ModbusConnection, ModbusPoint>;

/** A simulator to start: where it listens and the units (one per mapped device) it serves. */
export interface SimulatedEndpoint {
  /** `tcp://127.0.0.1:5020`, `rtu-over-tcp://...`. */
  readonly key: string;
  /** How the mapped connections reach it. */
  readonly transport: 'tcp' | 'rtu-over-tcp';
  readonly listener: ListenerConfigInput;
  readonly deviceIds: readonly string[];
  readonly units: readonly SimulatedUnitSpec[];
}

export interface MappingSimulationPlan {
  readonly endpoints: readonly SimulatedEndpoint[];
  /** Devices on serial lines: a simulator must sit on the other end of the line (modbus-simulator --rtu-path). */
  readonly serialDevices: readonly { readonly deviceId: string; readonly path: string }[];
}

/** Simulator word order of a resolved byte permutation (2-byte permutations map to their 4-byte form). */
function simulatorOrder(
  permutation: readonly number[],
  deviceId: string,
  address: number,
): WordOrder | undefined {
  if (permutation.length === 0) return undefined;
  const name = orderName(permutation);
  const widened = name === 'AB' ? 'ABCD' : name === 'BA' ? 'BADC' : name;
  if ((wordOrders as readonly string[]).includes(widened)) return widened as WordOrder;
  throw new CodedError(
    'CONFIG_INVALID',
    `${deviceId}: register ${address} uses byte order ${name}, which the simulator cannot serve (it knows ${wordOrders.join(', ')})`,
  );
}

const simulatorTables: Readonly<Record<ModbusPoint['table'], TableName>> = {
  coil: 'coils',
  discrete: 'discreteInputs',
  holding: 'holdingRegisters',
  input: 'inputRegisters',
};

function simulatedPoint(
  device: MappedModbusDevice,
  point: ModbusPoint,
  values: readonly SimulationValue[] | undefined,
): SimulatedPointSpec {
  const layout = pointLayout(point, {
    byteOrder: device.connection.byteOrder,
    wordOrder: device.connection.wordOrder,
  });
  const table = simulatorTables[layout.table];
  if (layout.type === 'string' || layout.type === 'bytes') {
    // The simulator serves bytes points as text of the same register length.
    return { table, address: layout.address, type: 'string', length: layout.count };
  }
  return {
    table,
    address: layout.address,
    type: layout.type,
    wordOrder: simulatorOrder(layout.permutation, device.deviceId, layout.address),
    bit: layout.bit,
    ...(values === undefined ? {} : { values }),
  };
}

/**
 * Groups mapped Modbus devices by the endpoint they connect to, one simulated unit per device, so
 * that `adapter-host simulate plc.yml` serves exactly what `adapter-host --mapping plc.yml` reads.
 */
export function planMappingSimulation(devices: readonly MappedModbusDevice[]): MappingSimulationPlan {
  const endpoints = new Map<
    string,
    {
      transport: SimulatedEndpoint['transport'];
      listener: ListenerConfigInput;
      deviceIds: string[];
      units: Map<number, SimulatedPointSpec[]>;
    }
  >();
  const serialDevices: { deviceId: string; path: string }[] = [];
  for (const device of devices) {
    const c = device.connection;
    if (c.transport === 'rtu' || c.transport === 'ascii') {
      serialDevices.push({ deviceId: device.deviceId, path: c.path });
      continue;
    }
    const key = `${c.transport}://${c.host}:${c.port}`;
    let endpoint = endpoints.get(key);
    if (endpoint === undefined) {
      endpoint = {
        transport: c.transport,
        listener: {
          transport: 'tcp',
          host: c.host,
          port: c.port,
          framing: c.transport === 'tcp' ? 'tcp' : 'rtu',
        },
        deviceIds: [],
        units: new Map(),
      };
      endpoints.set(key, endpoint);
    }
    endpoint.deviceIds.push(device.deviceId);
    const unit = endpoint.units.get(c.unitId) ?? [];
    unit.push(...device.points.map((p) => simulatedPoint(device, p.source, p.values)));
    endpoint.units.set(c.unitId, unit);
  }
  return {
    endpoints: [...endpoints].map(([key, e]) => ({
      key,
      transport: e.transport,
      listener: e.listener,
      deviceIds: e.deviceIds,
      units: [...e.units].map(([unitId, points]) => ({ unitId, points })),
    })),
    serialDevices,
  };
}
