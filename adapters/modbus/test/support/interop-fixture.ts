import { type PointSpec, type RawValue, silentLogger } from '@lwm2m-adapters/sdk';
import type { PymodbusValue } from '../../../../test/peers/pymodbus.js';
import type { createModbusAdapter, ModbusPoint } from '../../src/index.js';

/** A point of the interop map: the adapter binding, what pymodbus holds (encoded by Python) and the expected reading. */
interface InteropPoint {
  readonly id: string;
  readonly source: Record<string, unknown>;
  readonly device: PymodbusValue;
  readonly expected: RawValue;
}

const holding = (
  id: string,
  address: number,
  type: string,
  value: PymodbusValue['value'],
  extra: Record<string, unknown> = {},
  expected?: RawValue,
): InteropPoint => ({
  id,
  source: { table: 'holding', address, type, ...extra },
  device: { table: 'holding', address, type, value, ...extra },
  expected: expected ?? (value as RawValue),
});

/** Every type and order, values chosen to expose sign, width and order mistakes. */
export const interopPoints: readonly InteropPoint[] = [
  holding('int16', 0, 'int16', -1234),
  holding('uint16', 1, 'uint16', 54321),
  holding('int32-ABCD', 2, 'int32', -123456789, { order: 'ABCD' }),
  holding('int32-CDAB', 4, 'int32', -123456789, { order: 'CDAB' }),
  holding('uint32-BADC', 6, 'uint32', 3000000000, { order: 'BADC' }),
  holding('uint32-DCBA', 8, 'uint32', 3000000000, { order: 'DCBA' }),
  holding('float32-ABCD', 10, 'float32', 3.25),
  holding('float32-CDAB', 12, 'float32', -1.5e-3, { order: 'CDAB' }, Math.fround(-1.5e-3)),
  holding('int64-ABCDEFGH', 14, 'int64', -9007199254740993n, { order: 'ABCDEFGH' }),
  holding('uint64-GHEFCDAB', 18, 'uint64', 18446744073709551557n, { order: 'GHEFCDAB' }),
  holding('uint64-BADCFEHG', 22, 'uint64', 123456789012, { order: 'BADCFEHG' }),
  holding('float64-HGFEDCBA', 26, 'float64', Math.PI, { order: 'HGFEDCBA' }),
  holding('float64-ABCDEFGH', 30, 'float64', -2.5e100),
  holding('string-ascii', 34, 'string', 'pymodbus!', { length: 5 }),
  holding('string-swapped', 39, 'string', 'swap', { length: 2, byteOrder: 'little' }),
  holding('string-utf8', 41, 'string', 'héllo', { length: 4, encoding: 'utf8' }),
  {
    id: 'status-bit0',
    source: { table: 'holding', address: 45, bit: 0 },
    device: { table: 'holding', address: 45, type: 'uint16', value: 0b1010_0000_0000_0101 },
    expected: true,
  },
  {
    id: 'status-bit1',
    source: { table: 'holding', address: 45, bit: 1 },
    device: { table: 'holding', address: 45, type: 'uint16', value: 0b1010_0000_0000_0101 },
    expected: false,
  },
  {
    id: 'status-bit15',
    source: { table: 'holding', address: 45, bit: 15 },
    device: { table: 'holding', address: 45, type: 'uint16', value: 0b1010_0000_0000_0101 },
    expected: true,
  },
  {
    id: 'input-float32',
    source: { table: 'input', address: 0, type: 'float32' },
    device: { table: 'input', address: 0, type: 'float32', value: 21.5 },
    expected: 21.5,
  },
  {
    id: 'input-int16',
    source: { table: 'input', address: 2, type: 'int16' },
    device: { table: 'input', address: 2, type: 'int16', value: -7 },
    expected: -7,
  },
  {
    id: 'coil0',
    source: { table: 'coil', address: 0 },
    device: { table: 'coil', address: 0, value: true },
    expected: true,
  },
  {
    id: 'coil1',
    source: { table: 'coil', address: 1 },
    device: { table: 'coil', address: 1, value: false },
    expected: false,
  },
  {
    id: 'coil9',
    source: { table: 'coil', address: 9 },
    device: { table: 'coil', address: 9, value: true },
    expected: true,
  },
  {
    id: 'di1',
    source: { table: 'discrete', address: 1 },
    device: { table: 'discrete', address: 1, value: true },
    expected: true,
  },
];

/** Writable points of the map (beyond the ones above), with the value each test writes. */
export const interopWrites: readonly { id: string; source: Record<string, unknown>; value: RawValue }[] = [
  { id: 'w-int16', source: { table: 'holding', address: 100, type: 'int16' }, value: -555 },
  {
    id: 'w-float32',
    source: { table: 'holding', address: 101, type: 'float32', order: 'CDAB' },
    value: 12.5,
  },
  { id: 'w-uint64', source: { table: 'holding', address: 103, type: 'uint64' }, value: 2n ** 60n + 1n },
  { id: 'w-string', source: { table: 'holding', address: 107, type: 'string', length: 3 }, value: 'abc' },
  { id: 'w-bit1', source: { table: 'holding', address: 45, bit: 1 }, value: true },
  { id: 'w-coil', source: { table: 'coil', address: 5 }, value: true },
];

/** The pymodbus unit map: unit 1 holds the interop points, unit 2 a single register. */
export const interopUnits = {
  1: {
    size: 200,
    values: [
      ...new Map(interopPoints.map((p) => [`${p.device.table}:${p.device.address}`, p.device])).values(),
    ],
  },
  2: { size: 10, values: [{ table: 'holding', address: 0, type: 'uint16', value: 4242 }] },
} as const;

type Adapter = ReturnType<typeof createModbusAdapter>;

/** A session over the interop map (every point read/write) with the given connection. */
export function interopSession(adapter: Adapter, connection: Record<string, unknown>, deviceId = 'pymodbus') {
  const rw = { read: true, write: true, execute: false };
  const ro = { read: true, write: false, execute: false };
  const points: PointSpec<ModbusPoint>[] = [
    ...interopPoints.map((p) => ({
      id: p.id,
      source: adapter.pointSchema.parse(p.source),
      access: p.source.table === 'input' || p.source.table === 'discrete' ? ro : rw,
    })),
    ...interopWrites.map((w) => ({ id: w.id, source: adapter.pointSchema.parse(w.source), access: rw })),
    { id: 'missing', source: adapter.pointSchema.parse({ table: 'holding', address: 500 }), access: ro },
    { id: 'unit-register', source: adapter.pointSchema.parse({ table: 'holding', address: 0 }), access: ro },
  ];
  return adapter.createSession({
    deviceId,
    connection: adapter.connectionSchema.parse(connection),
    points,
    logger: silentLogger,
  });
}

/** Reading values by id ("CODE" for a failed reading). */
export function valuesOf(
  readings: readonly { pointId: string; ok: boolean; value?: RawValue; error?: { code: string } }[],
) {
  return Object.fromEntries(readings.map((r) => [r.pointId, r.ok ? r.value : r.error?.code]));
}
