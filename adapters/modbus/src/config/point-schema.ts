import { z } from 'zod';
import { isValidOrder } from '../data/byte-order.js';
import { MODBUS_DATA_TYPES, registerCount } from '../data/data-types.js';
import { isBitTable, ModbusLimits } from '../protocol/function-codes.js';

/**
 * Where one point lives on a Modbus device and how its value is encoded.
 *
 * Addresses are PDU addresses, 0-based, per table: "holding register 40001" in the traditional
 * 1-based numbering is `table: holding, address: 0`; "input register 30010" is
 * `table: input, address: 9`.
 */
const modbusPointFields = z
  .object({
    table: z
      .enum(['coil', 'discrete', 'input', 'holding'])
      .describe(
        'Modbus table: coil (read/write bits, FC1/5/15), discrete (read-only bits, FC2), input (read-only registers, FC4) or holding (read/write registers, FC3/6/16)',
      ),
    address: z
      .int()
      .min(0)
      .max(65535)
      .describe(
        'PDU address of the first coil or register, 0-based within the table (holding register 40001 is address 0, 40101 is 100)',
      ),
    type: z
      .enum(MODBUS_DATA_TYPES)
      .optional()
      .describe(
        'Value type: bool, int16, uint16, int32, uint32, int64, uint64 (a bigint beyond 2^53), float32, float64, string or bytes. Default: bool for coils and discrete inputs (and for a register bit), uint16 for registers',
      ),
    bit: z
      .int()
      .min(0)
      .max(15)
      .optional()
      .describe(
        'Bit of a holding or input register (0 = least significant) read as a bool; writing it reads the register and writes it back with the bit changed (FC3 then FC6)',
      ),
    length: z
      .int()
      .min(1)
      .max(ModbusLimits.MAX_READ_REGISTERS)
      .optional()
      .describe('Length in registers (2 bytes each) of a string or bytes point; required for those types'),
    encoding: z
      .enum(['ascii', 'latin1', 'utf8'])
      .optional()
      .describe(
        'Character encoding of a string point (default ascii). Strings end at the first NUL byte; writes are padded with NUL bytes',
      ),
    byteOrder: z
      .enum(['big', 'little'])
      .optional()
      .describe(
        'Byte order inside each register: big = high byte first, as Modbus sends it (default: the connection byteOrder). For strings: big = first character in the high byte',
      ),
    wordOrder: z
      .enum(['big', 'little'])
      .optional()
      .describe(
        'Register order of 32/64-bit values: big = most significant register first (default: the connection wordOrder); little = "word swapped"',
      ),
    order: z
      .string()
      .regex(/^[A-H]{2,8}$/, 'letters A-H, e.g. ABCD, CDAB, BADC, DCBA, GHEFCDAB')
      .optional()
      .describe(
        'Explicit byte order of a numeric value, instead of byteOrder/wordOrder: the value bytes from most significant (A) to least, in the order they are on the wire, e.g. ABCD, CDAB, BADC, DCBA, ABCDEFGH, GHEFCDAB, BADCFEHG, HGFEDCBA',
      ),
    pulseMs: z
      .int()
      .min(1)
      .max(60_000)
      .optional()
      .describe(
        'For an executable coil: execute writes true, waits pulseMs and writes false. Without it execute only writes true',
      ),
  })
  .strict();

/** A point binding as parsed (the schema's output). */
export type ModbusPoint = z.output<typeof modbusPointFields>;

/**
 * Where one point lives on a Modbus device and how its value is encoded (see above), with the
 * checks between its fields.
 */
export const modbusPointSchema = modbusPointFields
  .superRefine(
    (point, ctx) =>
      checkConsistency(point, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message })),
    {
      // Runs beside problems of other fields, so all are reported at once; but not when the table
      // or the type is wrong, since every check depends on them.
      when: (payload) =>
        typeof payload.value === 'object' &&
        payload.value !== null &&
        !payload.issues.some((issue) => issue.path?.[0] === 'table' || issue.path?.[0] === 'type'),
    },
  )
  .describe(
    'Where the point lives on the Modbus device (table, 0-based address) and how its value is encoded',
  );

const ORDER_PATTERN = /^[A-H]{2,8}$/;

/**
 * The checks between fields. Other fields than the table and type may have failed their own checks
 * (and are reported): a check that needs a field's value runs only when that value is valid.
 */
function checkConsistency(point: ModbusPoint, issue: (path: string, message: string) => void): void {
  const type = point.type;
  if (isBitTable(point.table)) {
    if (type !== undefined && type !== 'bool')
      issue('type', `a ${point.table} holds one bit: its type is bool, not ${type}`);
    for (const key of ['bit', 'length', 'encoding', 'byteOrder', 'wordOrder', 'order'] as const) {
      if (point[key] !== undefined) issue(key, `${key} does not apply to a ${point.table} (a single bit)`);
    }
  } else if (point.bit !== undefined) {
    if (type !== undefined && type !== 'bool') issue('type', `a register bit is a bool, not ${type}`);
  }
  if (point.pulseMs !== undefined && point.table !== 'coil')
    issue('pulseMs', 'pulseMs applies to coils only');
  const resolved = type ?? (isBitTable(point.table) || point.bit !== undefined ? 'bool' : 'uint16');
  if (resolved === 'string' || resolved === 'bytes') {
    if (point.length === undefined) issue('length', `a ${resolved} point needs its length in registers`);
    if (point.order !== undefined) issue('order', `order does not apply to ${resolved}; use byteOrder`);
    if (point.wordOrder !== undefined) issue('wordOrder', `wordOrder does not apply to ${resolved}`);
  } else if (!isBitTable(point.table)) {
    if (point.length !== undefined)
      issue('length', `length applies to string and bytes points, not ${resolved}`);
    if (point.order !== undefined) {
      const bytes = registerCount(resolved, undefined) * 2;
      if (resolved === 'bool') {
        issue('order', 'order does not apply to a bool; use byteOrder');
      } else if (ORDER_PATTERN.test(point.order) && !isValidOrder(point.order, bytes)) {
        issue(
          'order',
          `a ${resolved} has ${bytes} bytes: order must use each of the letters A..${String.fromCharCode(64 + bytes)} once`,
        );
      }
      if (point.byteOrder !== undefined || point.wordOrder !== undefined) {
        issue('order', 'give either order or byteOrder/wordOrder, not both');
      }
    }
  }
  if (point.encoding !== undefined && resolved !== 'string')
    issue('encoding', 'encoding applies to string points only');
  const addressValid = Number.isInteger(point.address) && point.address >= 0 && point.address <= 65535;
  const lengthValid =
    point.length === undefined ||
    (Number.isInteger(point.length) && point.length >= 1 && point.length <= ModbusLimits.MAX_READ_REGISTERS);
  if (!addressValid || !lengthValid) return;
  const span = isBitTable(point.table) ? 1 : registerCount(resolved, point.length);
  if (point.address + span > 65536) {
    issue(
      'address',
      `a ${resolved} at ${point.address} spans ${span} registers, past the last address 65535`,
    );
  }
}
