import { CodedError } from '@lwm2m-adapters/errors';
import { silentLogger } from '@lwm2m-adapters/kit';
import type { AdapterProbe, AdapterSession, ProbeValues, SessionContext } from '@lwm2m-adapters/sdk';
import { type ModbusConnection, modbusConnectionSchema } from '../config/connection-schema.js';
import type { ModbusPoint } from '../config/point-schema.js';
import { isBitTable, MODBUS_TABLES, ModbusLimits, type ModbusTable } from '../protocol/function-codes.js';
import {
  DEFAULT_PROBE_TYPES,
  interpretRegisters,
  PROBE_TYPES,
  type ProbeType,
} from './register-interpretations.js';

const MAX_PROBE_COUNT = 2000;

function usage(message: string): CodedError {
  return new CodedError('CONFIG_INVALID', message);
}

function whole(values: ProbeValues, name: string, fallback: number, min: number, max: number): number {
  const given = values[name];
  if (given === undefined) return fallback;
  const text = String(given);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw usage(`--${name} ${JSON.stringify(text)}: expected a whole number ${min}..${max}`);
  return Number(text);
}

/**
 * The connection a probe target names: `tcp://host[:502]`, `rtu-over-tcp://host:port`, or a
 * serial line `rtu:/dev/ttyUSB0` / `ascii:/dev/ttyUSB0` (with --baud, --parity).
 */
export function probeConnection(target: string, values: ProbeValues): ModbusConnection {
  const unitId = whole(values, 'unit', 1, 0, 255);
  const timeout =
    values.timeout === undefined ? {} : { timeoutMs: whole(values, 'timeout', 1000, 10, 60_000) };
  const socket = /^(tcp|rtu-over-tcp):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(target);
  const serial = /^(rtu|ascii):(?:\/\/)?(\/.+)$/.exec(target);
  let input: Record<string, unknown>;
  if (socket !== null) {
    input = {
      transport: socket[1],
      host: (socket[2] ?? '').replace(/^\[|\]$/g, ''),
      ...(socket[3] === undefined ? {} : { port: Number(socket[3]) }),
    };
  } else if (serial !== null) {
    input = {
      transport: serial[1],
      path: serial[2],
      ...(values.baud === undefined ? {} : { baudRate: whole(values, 'baud', 19_200, 50, 4_000_000) }),
      ...(values.parity === undefined ? {} : { parity: values.parity }),
    };
  } else {
    throw usage(
      `probe target ${JSON.stringify(target)}: expected tcp://host[:port], rtu-over-tcp://host:port, rtu:/dev/ttyX or ascii:/dev/ttyX`,
    );
  }
  const parsed = modbusConnectionSchema.safeParse({ ...input, unitId, ...timeout });
  if (!parsed.success)
    throw usage(parsed.error.issues.map((i) => `${i.path.join('.') || 'target'}: ${i.message}`).join('; '));
  return parsed.data;
}

function probeTypes(values: ProbeValues): readonly ProbeType[] {
  const given = values.type;
  if (given === undefined || typeof given === 'boolean') return DEFAULT_PROBE_TYPES;
  const list = (typeof given === 'string' ? [given] : given).flatMap((t) => t.split(','));
  for (const type of list) {
    if (!(PROBE_TYPES as readonly string[]).includes(type))
      throw usage(`--type ${JSON.stringify(type)}: expected one of ${PROBE_TYPES.join(', ')}`);
  }
  // the raw register is always shown next to the interpretations asked for
  return [...new Set<ProbeType>(['hex', ...(list as ProbeType[])])];
}

/** Points that read `count` items from `address`: bytes runs of registers, single bits of bit tables. */
function probePoints(
  table: ModbusTable,
  address: number,
  count: number,
): { id: string; source: ModbusPoint }[] {
  if (isBitTable(table)) {
    return Array.from({ length: count }, (_, i) => ({
      id: `bit-${address + i}`,
      source: { table, address: address + i, type: 'bool' as const },
    }));
  }
  const points: { id: string; source: ModbusPoint }[] = [];
  for (let start = 0; start < count; start += ModbusLimits.MAX_READ_REGISTERS) {
    const length = Math.min(ModbusLimits.MAX_READ_REGISTERS, count - start);
    points.push({
      id: `run-${address + start}`,
      source: { table, address: address + start, type: 'bytes', length },
    });
  }
  return points;
}

/**
 * `adapter-host probe modbus <target>`: reads a run of coils or registers once through an ordinary
 * session (the same link, framing and timeouts as a mapping gets) and shows every data-type
 * interpretation side by side, so a mapping can be written from what the device really holds.
 */
export function createModbusProbe(
  createSession: (context: SessionContext<ModbusConnection, ModbusPoint>) => AdapterSession,
): AdapterProbe {
  return {
    synopsis: 'tcp://host[:port] | rtu-over-tcp://host:port | rtu:/dev/ttyX | ascii:/dev/ttyX [options]',
    options: {
      unit: { value: 'N', description: 'unit id (slave address), default 1' },
      table: { value: 'TABLE', description: 'holding (default), input, coil or discrete' },
      address: { value: 'N', description: 'first address, 0-based (holding register 40001 is 0), default 0' },
      count: { value: 'N', description: `registers or bits to read, default 10, at most ${MAX_PROBE_COUNT}` },
      type: {
        value: 'TYPE',
        multiple: true,
        description: `only these interpretations (${PROBE_TYPES.join(', ')}); repeatable`,
      },
      baud: { value: 'N', description: 'serial line speed (rtu:, ascii:), default 19200' },
      parity: { value: 'P', description: 'serial parity: none, even (default) or odd' },
      timeout: { value: 'MS', description: 'reply timeout in milliseconds' },
    },
    async run(target, values) {
      const connection = probeConnection(target, values);
      const table = (values.table ?? 'holding') as string;
      if (!(MODBUS_TABLES as readonly string[]).includes(table))
        throw usage(`--table ${JSON.stringify(table)}: expected ${MODBUS_TABLES.join(', ')}`);
      const bitTable = isBitTable(table as ModbusTable);
      const address = whole(values, 'address', 0, 0, 65_535);
      const count = whole(values, 'count', 10, 1, MAX_PROBE_COUNT);
      if (address + count > 65_536)
        throw usage(`--address ${address} --count ${count} runs past address 65535`);
      const types = bitTable ? [] : probeTypes(values);
      const points = probePoints(table as ModbusTable, address, count);
      const session = createSession({
        deviceId: `probe ${target}`,
        connection,
        points: points.map((p) => ({ ...p, access: { read: true, write: false, execute: false } })),
        logger: silentLogger,
      });
      try {
        await session.start();
        const readings = await session.read(points.map((p) => p.id));
        const failed = readings.find((r) => !r.ok);
        if (failed !== undefined && !failed.ok) throw failed.error;
        const where = `unit ${connection.unitId}, ${table} ${address}..${address + count - 1}`;
        if (bitTable) {
          return {
            columns: ['address', 'value'],
            rows: readings.map((r, i) => [String(address + i), r.ok ? String(r.value) : '']),
            notes: [`${where}: ${count} bit(s) read`],
          };
        }
        const wire = new Uint8Array(count * 2);
        readings.forEach((r, i) => {
          if (r.ok && r.value instanceof Uint8Array)
            wire.set(r.value, i * ModbusLimits.MAX_READ_REGISTERS * 2);
        });
        const { columns, rows } = interpretRegisters(address, wire, types);
        return {
          columns,
          rows,
          notes: [
            `${where}: ${count} register(s) read`,
            'ABCD: most significant register first (wordOrder: big); CDAB: word-swapped (wordOrder: little)',
          ],
        };
      } finally {
        await session.close();
      }
    },
  };
}
