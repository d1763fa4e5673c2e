/**
 * Every reading of a run of registers `adapter-host probe modbus` prints side by side: what each
 * data type and word order would make of the registers starting at each address. Pure.
 */

/** The interpretations a probe can show, by the name `--type` takes. */
export const PROBE_TYPES = [
  'hex',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'uint64',
  'int64',
  'float64',
  'string',
] as const;

export type ProbeType = (typeof PROBE_TYPES)[number];

/** Shown when no `--type` is given: what registers of unknown devices hold most often. */
export const DEFAULT_PROBE_TYPES: readonly ProbeType[] = [
  'hex',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'string',
];

/** One column: a type read in one register order. */
interface Column {
  readonly title: string;
  readonly registers: number;
  read(view: DataView): string;
}

function float(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const text = value.toPrecision(7);
  return String(Number(text));
}

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Columns of one type: big word order (ABCD, as the Modbus specification reads) and, for wider types, word-swapped. */
function columnsOf(type: ProbeType): Column[] {
  switch (type) {
    case 'hex':
      return [
        { title: 'hex', registers: 1, read: (v) => `0x${v.getUint16(0).toString(16).padStart(4, '0')}` },
      ];
    case 'uint16':
      return [{ title: 'uint16', registers: 1, read: (v) => String(v.getUint16(0)) }];
    case 'int16':
      return [{ title: 'int16', registers: 1, read: (v) => String(v.getInt16(0)) }];
    case 'string':
      return [
        { title: 'ascii', registers: 1, read: (v) => printable(v.getUint8(0)) + printable(v.getUint8(1)) },
      ];
    case 'uint32':
    case 'int32':
    case 'float32': {
      const get = (v: DataView): number =>
        type === 'uint32' ? v.getUint32(0) : type === 'int32' ? v.getInt32(0) : v.getFloat32(0);
      const text = (n: number): string => (type === 'float32' ? float(n) : String(n));
      return [
        { title: `${type} ABCD`, registers: 2, read: (v) => text(get(v)) },
        { title: `${type} CDAB`, registers: 2, read: (v) => text(get(swapWords(v, 2))) },
      ];
    }
    case 'uint64':
    case 'int64':
    case 'float64': {
      const get = (v: DataView): string =>
        type === 'uint64'
          ? String(v.getBigUint64(0))
          : type === 'int64'
            ? String(v.getBigInt64(0))
            : float(v.getFloat64(0));
      return [
        { title: `${type} ABCDEFGH`, registers: 4, read: get },
        { title: `${type} GHEFCDAB`, registers: 4, read: (v) => get(swapWords(v, 4)) },
      ];
    }
  }
}

/** The registers of `view` in reverse order (the least significant register first on the wire). */
function swapWords(view: DataView, registers: number): DataView {
  const swapped = new DataView(new ArrayBuffer(registers * 2));
  for (let i = 0; i < registers; i++) swapped.setUint16(i * 2, view.getUint16((registers - 1 - i) * 2));
  return swapped;
}

/**
 * The table of interpretations: one row per register starting at `address`, one column per type
 * and order; a value that would run past the registers read is left empty.
 */
export function interpretRegisters(
  address: number,
  wire: Uint8Array,
  types: readonly ProbeType[],
): { columns: string[]; rows: string[][] } {
  const columns = types.flatMap(columnsOf);
  const count = Math.floor(wire.length / 2);
  const rows: string[][] = [];
  for (let i = 0; i < count; i++) {
    const row = [String(address + i)];
    for (const column of columns) {
      if (i + column.registers > count) {
        row.push('');
        continue;
      }
      row.push(column.read(new DataView(wire.buffer, wire.byteOffset + i * 2, column.registers * 2)));
    }
    rows.push(row);
  }
  return { columns: ['address', ...columns.map((c) => c.title)], rows };
}
