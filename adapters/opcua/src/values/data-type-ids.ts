import type { OpcuaDataType } from '../config/point-schema.js';

/**
 * The built-in DataType ids of OPC UA Part 6 §5.1.2 (node-opcua's `DataType` enum has the same
 * numbers), and the NodeIds `i=<id>` of the DataType nodes in namespace 0. Kept here so that
 * converting and checking values does not load node-opcua.
 */
export const DATA_TYPE_IDS: Readonly<Record<OpcuaDataType, number>> = {
  Boolean: 1,
  SByte: 2,
  Byte: 3,
  Int16: 4,
  UInt16: 5,
  Int32: 6,
  UInt32: 7,
  Int64: 8,
  UInt64: 9,
  Float: 10,
  Double: 11,
  String: 12,
  DateTime: 13,
  ByteString: 15,
};

const TYPE_BY_ID = new Map<number, OpcuaDataType>(
  Object.entries(DATA_TYPE_IDS).map(([name, id]) => [id, name as OpcuaDataType]),
);

/** The built-in type of a DataType id (undefined for others, e.g. 0 Null or a structure). */
export function dataTypeOfId(id: number): OpcuaDataType | undefined {
  return TYPE_BY_ID.get(id);
}

/**
 * DataType nodes (namespace 0) that are subtypes of a built-in type and carried as it on the wire:
 * a variable declared with one of these fits a point of the built-in type.
 * Enumeration (29) and its subtypes travel as Int32; UtcTime (294) as DateTime; Duration (290) as
 * Double; Counter (289), IntegerId (288) as UInt32; LocaleId (295), NumericRange (291) as String.
 */
export const DATA_TYPE_ALIASES: ReadonlyMap<number, OpcuaDataType> = new Map([
  [29, 'Int32'],
  [294, 'DateTime'],
  [290, 'Double'],
  [289, 'UInt32'],
  [288, 'UInt32'],
  [295, 'String'],
  [291, 'String'],
  [311, 'ByteString'], // ApplicationInstanceCertificate
  [316, 'ByteString'], // ContinuationPoint
]);

/** Array dimensions a ValueRank allows: -1 scalar, 1 one-dimensional array, -3 scalar or 1-D, -2 any. */
export function valueRankFits(valueRank: number, array: boolean): boolean {
  if (array) return valueRank === 1 || valueRank === -2 || valueRank === -3 || valueRank === 0;
  return valueRank === -1 || valueRank === -2 || valueRank === -3;
}
