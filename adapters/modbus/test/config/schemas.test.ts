import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modbusConnectionSchema } from '../../src/config/connection-schema.js';
import { checkModbusPoints } from '../../src/config/point-checks.js';
import { modbusPointSchema } from '../../src/config/point-schema.js';
import { adapter } from '../../src/index.js';

const issues = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('connection schema', () => {
  it('fills defaults per transport', () => {
    const tcp = modbusConnectionSchema.parse({ transport: 'tcp', host: 'plc' });
    expect(tcp).toMatchObject({
      transport: 'tcp',
      host: 'plc',
      port: 502,
      unitId: 1,
      maxInFlight: 1,
      maxGap: 0,
      maxRegistersPerRequest: 125,
      maxBitsPerRequest: 2000,
      reconnect: { initialMs: 500, maxMs: 30_000 },
      quarantine: { afterTimeouts: 3, initialMs: 5000, maxMs: 300_000 },
    });
    const rtu = modbusConnectionSchema.parse({ transport: 'rtu', path: '/dev/ttyUSB0', unitId: 7 });
    expect(rtu).toMatchObject({ baudRate: 19_200, parity: 'even', dataBits: 8, stopBits: 1, guardMs: 100 });
    // no default: requestTimeoutMs derives it (1000 ms on TCP, from the line speed on serial lines)
    expect(tcp.timeoutMs).toBeUndefined();
    expect(rtu.timeoutMs).toBeUndefined();
    const ascii = modbusConnectionSchema.parse({ transport: 'ascii', path: '/dev/ttyS1' });
    expect(ascii).toMatchObject({ dataBits: 7 });
    const gateway = modbusConnectionSchema.parse({ transport: 'rtu-over-tcp', host: 'gw', port: 4001 });
    expect(gateway).toMatchObject({ port: 4001, guardMs: 100 });
    expect(
      modbusConnectionSchema.parse({ transport: 'tcp', host: 'h', quarantine: { afterTimeouts: 5 } })
        .quarantine,
    ).toEqual({ afterTimeouts: 5, initialMs: 5000, maxMs: 300_000 });
  });

  it('requires what each transport needs and rejects what it does not have', () => {
    expect(issues(modbusConnectionSchema, { transport: 'tcp' })).toEqual([expect.stringMatching(/^host:/)]);
    expect(issues(modbusConnectionSchema, { transport: 'rtu', host: 'x' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^path:/), expect.stringMatching(/host/)]),
    );
    expect(issues(modbusConnectionSchema, { transport: 'rtu', path: '/dev/x', maxInFlight: 2 })).toEqual([
      expect.stringMatching(/maxInFlight/),
    ]);
    expect(issues(modbusConnectionSchema, { transport: 'udp', host: 'x' })).toEqual([
      expect.stringMatching(/^transport:/),
    ]);
    expect(issues(modbusConnectionSchema, { transport: 'tcp', host: 'h', unitId: 256 })).toEqual([
      expect.stringMatching(/^unitId:/),
    ]);
    expect(issues(modbusConnectionSchema, { transport: 'rtu', path: '/dev/x', unitId: 0 })).toEqual([
      expect.stringMatching(/^unitId: unit 0 is the broadcast address/),
    ]);
    expect(
      issues(modbusConnectionSchema, { transport: 'tcp', host: 'h', maxRegistersPerRequest: 126 }),
    ).toEqual([expect.stringMatching(/^maxRegistersPerRequest:/)]);
    expect(
      issues(modbusConnectionSchema, {
        transport: 'tcp',
        host: 'h',
        reconnect: { initialMs: 5000, maxMs: 100 },
      }),
    ).toEqual(['reconnect.maxMs: maxMs must be at least initialMs']);
  });

  it('converts to JSON Schema with descriptions for editor tooltips', () => {
    const schema = JSON.stringify(z.toJSONSchema(modbusConnectionSchema, { io: 'input' }));
    expect(schema).toContain('Modbus unit id');
    expect(schema).toContain('pipelining');
    const point = JSON.stringify(z.toJSONSchema(modbusPointSchema, { io: 'input' }));
    expect(point).toContain('0-based');
    expect(point).toContain('CDAB');
  });
});

describe('point schema', () => {
  it('accepts the documented bindings', () => {
    for (const p of [
      { table: 'coil', address: 0 },
      { table: 'coil', address: 0, pulseMs: 500 },
      { table: 'discrete', address: 65535, type: 'bool' },
      { table: 'holding', address: 100, type: 'float32', order: 'CDAB' },
      { table: 'holding', address: 100, type: 'uint64', order: 'GHEFCDAB' },
      { table: 'input', address: 3, type: 'int32', wordOrder: 'little', byteOrder: 'little' },
      { table: 'holding', address: 3, bit: 15 },
      { table: 'holding', address: 3, type: 'string', length: 10, encoding: 'utf8', byteOrder: 'little' },
      { table: 'input', address: 3, type: 'bytes', length: 4 },
    ]) {
      expect(issues(modbusPointSchema, p), JSON.stringify(p)).toEqual([]);
    }
  });

  it('rejects inconsistent bindings with the field at fault', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ table: 'coil', address: 0, type: 'uint16' }, /^type: a coil holds one bit/],
      [{ table: 'coil', address: 0, bit: 1 }, /^bit: bit does not apply to a coil/],
      [{ table: 'holding', address: 0, bit: 1, type: 'uint16' }, /^type: a register bit is a bool/],
      [{ table: 'holding', address: 0, bit: 16 }, /^bit:/],
      [{ table: 'holding', address: 0, type: 'string' }, /^length: a string point needs its length/],
      [{ table: 'holding', address: 0, type: 'float32', length: 2 }, /^length: length applies to string/],
      [{ table: 'holding', address: 0, type: 'float32', order: 'ABCDEFGH' }, /^order: a float32 has 4 bytes/],
      [{ table: 'holding', address: 0, type: 'float32', order: 'AACD' }, /^order:/],
      [
        { table: 'holding', address: 0, type: 'float32', order: 'CDAB', wordOrder: 'little' },
        /^order: give either/,
      ],
      [
        { table: 'holding', address: 0, type: 'string', length: 2, order: 'BA' },
        /^order: order does not apply/,
      ],
      [{ table: 'holding', address: 0, pulseMs: 10 }, /^pulseMs: pulseMs applies to coils only/],
      [{ table: 'holding', address: 0, encoding: 'utf8' }, /^encoding:/],
      [{ table: 'holding', address: -1 }, /^address:/],
      [{ table: 'holding', address: 1.5 }, /^address:/],
      [{ table: 'holding', address: 0, unit: 3 }, /unit/],
      [
        { table: 'holding', address: 65534, type: 'float64' },
        /^address: a float64 at 65534 spans 4 registers, past/,
      ],
    ];
    for (const [p, message] of cases) {
      expect(issues(modbusPointSchema, p), JSON.stringify(p)).toEqual([expect.stringMatching(message)]);
    }
  });
});

describe('checkPoints', () => {
  const connection = modbusConnectionSchema.parse({ transport: 'tcp', host: 'h', maxRegistersPerRequest: 8 });
  const rw = { read: true, write: true, execute: false };
  const spec = (id: string, source: Record<string, unknown>, access = rw) => ({
    id,
    source: modbusPointSchema.parse(source),
    access,
  });

  it('passes a clean map, including bits of a register that is also read whole', () => {
    expect(
      checkModbusPoints(connection, [
        spec('a', { table: 'holding', address: 0, type: 'float32' }),
        spec('b', { table: 'holding', address: 2 }),
        spec('b0', { table: 'holding', address: 2, bit: 0 }),
        spec('b1', { table: 'holding', address: 2, bit: 1 }),
        spec('a2', { table: 'holding', address: 0, type: 'float32' }),
        spec('c', { table: 'coil', address: 0, pulseMs: 100 }, { read: false, write: false, execute: true }),
        spec(
          'i',
          { table: 'input', address: 0, type: 'float32' },
          { read: true, write: false, execute: false },
        ),
      ]),
    ).toEqual([]);
  });

  it('reports partial overlaps, oversize points, read-only writes and non-coil execute', () => {
    const found = checkModbusPoints(connection, [
      spec('t', { table: 'holding', address: 100, type: 'float32' }),
      spec('x', { table: 'holding', address: 101 }),
      spec('s', { table: 'holding', address: 200, type: 'string', length: 9 }),
      spec('in', { table: 'input', address: 0 }),
      spec('e', { table: 'holding', address: 300 }, { read: true, write: false, execute: true }),
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          pointId: 'x',
          field: ['address'],
          message: expect.stringMatching(/101 \(uint16\) overlap 100\.\.101 \(float32\) of point t/),
        }),
        expect.objectContaining({
          pointId: 's',
          field: ['length'],
          message: expect.stringMatching(/at most 8 per request/),
        }),
        expect.objectContaining({
          pointId: 'in',
          field: ['table'],
          message: expect.stringMatching(/read-only/),
        }),
        expect.objectContaining({
          pointId: 'e',
          field: ['table'],
          message: expect.stringMatching(/execute needs a coil/),
        }),
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('is what the adapter definition runs', () => {
    expect(adapter.checkPoints).toBe(checkModbusPoints);
  });
});
