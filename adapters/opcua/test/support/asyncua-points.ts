import type { PointSpec } from '@lwm2m-adapters/sdk';

const rw = { read: true, write: true, execute: false } as const;
const ro = { read: true, write: false, execute: false } as const;
const exec = { read: false, write: false, execute: true } as const;

export const NAMESPACE_URI = 'urn:lwm2m-adapters:asyncua-test';

/** What asyncua_server.py starts with. */
export const INITIAL_VALUES = {
  Boolean: true,
  SByte: -5,
  Byte: 200,
  Int16: -30000,
  UInt16: 60000,
  Int32: -2000000000,
  UInt32: 4000000000,
  Int64: -(2n ** 62n) - 3n,
  UInt64: 2n ** 64n - 5n,
  Float: 21.5,
  Double: Math.PI,
  String: 'idle',
  DateTime: new Date('2024-01-02T03:04:05.678Z'),
  ByteString: new Uint8Array([0, 1, 0xfe, 0xff]),
} as const;

export const SCALAR_TYPES = Object.keys(INITIAL_VALUES) as (keyof typeof INITIAL_VALUES)[];

/** The points of the asyncua test server (namespace index `ns`), as a mapping would write them. */
export function asyncuaPoints(ns: number): PointSpec<unknown>[] {
  return [
    ...SCALAR_TYPES.map((type) => ({
      id: type,
      source: { node: `ns=${ns};s=Boiler1.${type}`, type },
      access: rw,
    })),
    {
      id: 'DoubleArray',
      source: { node: `ns=${ns};s=Boiler1.DoubleArray`, type: 'Double', array: true },
      access: rw,
    },
    {
      id: 'Int64Array',
      source: { node: `ns=${ns};s=Boiler1.Int64Array`, type: 'Int64', array: true },
      access: rw,
    },
    {
      id: 'Setpoint',
      source: { node: `nsu=${NAMESPACE_URI};s=Boiler1.Setpoint`, type: 'Double' },
      access: rw,
    },
    { id: 'Counter', source: { node: `ns=${ns};i=5000`, type: 'UInt32' }, access: ro },
    { id: 'Temperature', source: { node: `/${ns}:Boiler1/${ns}:Temperature`, type: 'Double' }, access: ro },
    { id: 'ReadOnly', source: { node: `ns=${ns};s=Boiler1.ReadOnly`, type: 'Int32' }, access: rw },
    { id: 'LastCall', source: { node: `ns=${ns};s=Boiler1.LastCall`, type: 'String' }, access: ro },
    { id: 'Add', source: { object: `ns=${ns};s=Boiler1`, method: `ns=${ns};s=Boiler1.Add` }, access: exec },
    {
      id: 'CloseSessions',
      source: { object: `ns=${ns};s=Boiler1`, method: `ns=${ns};s=Boiler1.CloseSessions` },
      access: exec,
    },
    { id: 'Missing', source: { node: `ns=${ns};s=Boiler1.Missing`, type: 'Double' }, access: rw },
    { id: 'MissingPath', source: { node: `/${ns}:Boiler1/${ns}:Nothing`, type: 'Double' }, access: ro },
    { id: 'WrongType', source: { node: `ns=${ns};s=Boiler1.Int16`, type: 'Double' }, access: ro },
    {
      id: 'WrongShape',
      source: { node: `ns=${ns};s=Boiler1.Double`, type: 'Double', array: true },
      access: ro,
    },
  ];
}
