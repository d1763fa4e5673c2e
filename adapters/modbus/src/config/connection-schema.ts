import { reconnectBackoffSchema } from '@lwm2m-adapters/sdk';
import { z } from 'zod';
import { ModbusLimits } from '../protocol/function-codes.js';

const quarantineSchema = z
  .object({
    afterTimeouts: z
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe(
        'Consecutive timeouts (or gateway "target failed to respond" exceptions) that quarantine the unit',
      ),
    initialMs: z
      .int()
      .min(10)
      .max(3_600_000)
      .default(5000)
      .describe(
        'First quarantine period; requests to the unit fail at once with DEVICE_UNREACHABLE meanwhile',
      ),
    maxMs: z
      .int()
      .min(10)
      .max(86_400_000)
      .default(300_000)
      .describe(
        'Longest quarantine period; the period doubles each time the probe after a quarantine times out',
      ),
  })
  .strict()
  .refine((q) => q.maxMs >= q.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] });

/** Settings every transport has. */
const commonFields = {
  unitId: z
    .int()
    .min(0)
    .max(255)
    .default(1)
    .describe(
      'Modbus unit id (slave address) of this device, 0..255 (1..247 on a serial line, where 0 is broadcast). Devices of one mapping that share a link use different unit ids',
    ),
  timeoutMs: z
    .int()
    .min(10)
    .max(60_000)
    .optional()
    .describe(
      'Time a request may wait for its reply; then it fails with DEVICE_TIMEOUT. Default: 1000 on tcp and rtu-over-tcp; on rtu and ascii, the time the request and its reply take on the wire at baudRate plus 200 ms for the device to answer (a dead unit then holds the shared line briefly); set it for slower devices',
    ),
  maxGap: z
    .int()
    .min(0)
    .max(ModbusLimits.MAX_READ_REGISTERS - 2)
    .default(0)
    .describe(
      'Most unmapped registers the planner may read between two points to merge them into one request (0 = merge only adjacent points). Raise it only when the device answers reads of unmapped registers',
    ),
  maxBitGap: z
    .int()
    .min(0)
    .max(ModbusLimits.MAX_READ_BITS - 2)
    .default(0)
    .describe('Most unmapped coils/discrete inputs the planner may read between two points to merge them'),
  maxRegistersPerRequest: z
    .int()
    .min(1)
    .max(ModbusLimits.MAX_READ_REGISTERS)
    .default(ModbusLimits.MAX_READ_REGISTERS)
    .describe('Largest FC3/FC4 read (the protocol allows 125; some devices accept fewer)'),
  maxBitsPerRequest: z
    .int()
    .min(1)
    .max(ModbusLimits.MAX_READ_BITS)
    .default(ModbusLimits.MAX_READ_BITS)
    .describe('Largest FC1/FC2 read (the protocol allows 2000; some devices accept fewer)'),
  byteOrder: z
    .enum(['big', 'little'])
    .default('big')
    .describe(
      "Default byte order inside registers for this device's points (big = high byte first, as Modbus sends it)",
    ),
  wordOrder: z
    .enum(['big', 'little'])
    .default('big')
    .describe(
      'Default register order of 32/64-bit values (big = most significant register first; little = "word swapped")',
    ),
  writeMultiple: z
    .boolean()
    .default(false)
    .describe(
      'Write single coils and registers with FC15/FC16 instead of FC5/FC6 (for devices without FC5/FC6)',
    ),
  maxQueue: z
    .int()
    .min(1)
    .max(100_000)
    .default(1000)
    .describe('Requests that may wait on the link; more fail at once with DEVICE_BUSY (link setting)'),
  reconnect: reconnectBackoffSchema
    .prefault({})
    .describe(
      'Reconnect backoff of the link after its connection is lost or cannot be opened (link setting)',
    ),
  quarantine: quarantineSchema
    .prefault({})
    .describe(
      'Quarantine of this unit when it stops answering, so a dead unit does not stall the others on the link',
    ),
};

const socketFields = {
  host: z.string().min(1).describe('Host name or IP address of the device or gateway'),
  port: z.int().min(1).max(65535).default(502).describe('TCP port (Modbus TCP: 502)'),
  connectTimeoutMs: z
    .int()
    .min(10)
    .max(120_000)
    .default(5000)
    .describe('Time a TCP connection attempt may take (link setting)'),
};

const serialFields = {
  path: z.string().min(1).describe('Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...'),
  baudRate: z.int().min(50).max(4_000_000).default(19_200).describe('Line speed in baud (link setting)'),
  parity: z
    .enum(['none', 'even', 'odd'])
    .default('even')
    .describe('Parity (Modbus default: even; link setting)'),
  stopBits: z
    .union([z.literal(1), z.literal(2)])
    .default(1)
    .describe('Stop bits (link setting)'),
};

/**
 * The unit id on a serial line (RTU, ASCII, RTU over TCP): 0 is the broadcast address there. Checked
 * on the field itself, so it is reported beside the other settings' problems (a missing `path`),
 * not only once they are fixed.
 */
const serialUnitId = commonFields.unitId.refine((unitId) => unitId !== 0, {
  message: 'unit 0 is the broadcast address on a serial line: devices do not reply to it; use 1..247',
});

const guardMs = z
  .int()
  .min(0)
  .max(10_000)
  .default(100)
  .describe(
    'After a timeout, how long the line must stay quiet before the next request, so a late reply is not taken for the next answer (link setting)',
  );

const tcpConnectionSchema = z
  .object({
    transport: z.literal('tcp').describe('Modbus TCP (MBAP header, transaction ids)'),
    ...socketFields,
    maxInFlight: z
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe(
        'Requests sent before earlier replies arrive (pipelining; default 1). Raise it only for devices and gateways that handle several transactions at once (link setting)',
      ),
    ...commonFields,
  })
  .strict();

const rtuOverTcpConnectionSchema = z
  .object({
    transport: z
      .literal('rtu-over-tcp')
      .describe('RTU frames (with CRC) tunnelled through TCP by a serial gateway'),
    ...socketFields,
    guardMs,
    ...commonFields,
    unitId: serialUnitId,
  })
  .strict();

const rtuConnectionSchema = z
  .object({
    transport: z.literal('rtu').describe('Modbus RTU on a serial line'),
    ...serialFields,
    dataBits: z
      .union([z.literal(7), z.literal(8)])
      .default(8)
      .describe('Data bits (RTU: 8; link setting)'),
    guardMs,
    ...commonFields,
    unitId: serialUnitId,
  })
  .strict();

const asciiConnectionSchema = z
  .object({
    transport: z.literal('ascii').describe('Modbus ASCII on a serial line'),
    ...serialFields,
    dataBits: z
      .union([z.literal(7), z.literal(8)])
      .default(7)
      .describe('Data bits (ASCII: 7; link setting)'),
    guardMs,
    ...commonFields,
    unitId: serialUnitId,
  })
  .strict();

/**
 * How to reach one Modbus device. Settings marked "link setting" belong to the shared link (one
 * TCP connection per host:port, one port per serial device): devices sharing a link must agree
 * on them.
 */
export const modbusConnectionSchema = z
  .discriminatedUnion('transport', [
    tcpConnectionSchema,
    rtuOverTcpConnectionSchema,
    rtuConnectionSchema,
    asciiConnectionSchema,
  ])
  .describe('How to reach the Modbus device: transport, endpoint, unit id, timeouts and request limits');

export type ModbusConnection = z.output<typeof modbusConnectionSchema>;
export type ModbusTransportKind = ModbusConnection['transport'];
