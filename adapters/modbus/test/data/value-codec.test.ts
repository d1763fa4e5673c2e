import type { RawValue } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import { type ModbusPoint, modbusPointSchema } from '../../src/config/point-schema.js';
import { BIG_ENDIAN_DEFAULTS, pointLayout } from '../../src/data/point-layout.js';
import { createValueCodec } from '../../src/data/value-codec.js';

const hex = (s: string) => Uint8Array.from(s.split(' ').filter(Boolean), (b) => Number.parseInt(b, 16));
const point = (p: Record<string, unknown>): ModbusPoint =>
  modbusPointSchema.parse({ table: 'holding', address: 0, ...p });

interface Golden {
  readonly name: string;
  readonly point: Record<string, unknown>;
  readonly value: RawValue;
  /** Wire bytes, registers high byte first as Modbus sends them. */
  readonly wire: string;
}

/** Golden byte vectors: value <-> bytes on the wire, for every type and order. */
const golden: Golden[] = [
  { name: 'uint16', point: { type: 'uint16' }, value: 0xabcd, wire: 'AB CD' },
  { name: 'uint16 BA', point: { type: 'uint16', byteOrder: 'little' }, value: 0xabcd, wire: 'CD AB' },
  { name: 'int16 -2', point: { type: 'int16' }, value: -2, wire: 'FF FE' },
  { name: 'int16 min', point: { type: 'int16' }, value: -32768, wire: '80 00' },
  { name: 'int16 BA', point: { type: 'int16', order: 'BA' }, value: -2, wire: 'FE FF' },
  { name: 'uint32 ABCD', point: { type: 'uint32' }, value: 0x11223344, wire: '11 22 33 44' },
  { name: 'uint32 BADC', point: { type: 'uint32', order: 'BADC' }, value: 0x11223344, wire: '22 11 44 33' },
  { name: 'uint32 CDAB', point: { type: 'uint32', order: 'CDAB' }, value: 0x11223344, wire: '33 44 11 22' },
  { name: 'uint32 DCBA', point: { type: 'uint32', order: 'DCBA' }, value: 0x11223344, wire: '44 33 22 11' },
  { name: 'uint32 max', point: { type: 'uint32' }, value: 4294967295, wire: 'FF FF FF FF' },
  { name: 'int32 -123456789 ABCD', point: { type: 'int32' }, value: -123456789, wire: 'F8 A4 32 EB' },
  {
    name: 'int32 -123456789 CDAB',
    point: { type: 'int32', wordOrder: 'little' },
    value: -123456789,
    wire: '32 EB F8 A4',
  },
  {
    name: 'int32 -123456789 BADC',
    point: { type: 'int32', byteOrder: 'little' },
    value: -123456789,
    wire: 'A4 F8 EB 32',
  },
  {
    name: 'int32 -123456789 DCBA',
    point: { type: 'int32', byteOrder: 'little', wordOrder: 'little' },
    value: -123456789,
    wire: 'EB 32 A4 F8',
  },
  { name: 'float32 1.5 ABCD', point: { type: 'float32' }, value: 1.5, wire: '3F C0 00 00' },
  { name: 'float32 1.5 CDAB', point: { type: 'float32', order: 'CDAB' }, value: 1.5, wire: '00 00 3F C0' },
  { name: 'float32 1.5 BADC', point: { type: 'float32', order: 'BADC' }, value: 1.5, wire: 'C0 3F 00 00' },
  { name: 'float32 1.5 DCBA', point: { type: 'float32', order: 'DCBA' }, value: 1.5, wire: '00 00 C0 3F' },
  { name: 'float32 -21.25', point: { type: 'float32' }, value: -21.25, wire: 'C1 AA 00 00' },
  {
    name: 'float32 Infinity',
    point: { type: 'float32' },
    value: Number.POSITIVE_INFINITY,
    wire: '7F 80 00 00',
  },
  {
    name: 'uint64 ABCDEFGH',
    point: { type: 'uint64' },
    value: 0x0102030405060708n,
    wire: '01 02 03 04 05 06 07 08',
  },
  {
    name: 'uint64 GHEFCDAB',
    point: { type: 'uint64', order: 'GHEFCDAB' },
    value: 0x0102030405060708n,
    wire: '07 08 05 06 03 04 01 02',
  },
  {
    name: 'uint64 word little = GHEFCDAB',
    point: { type: 'uint64', wordOrder: 'little' },
    value: 0x0102030405060708n,
    wire: '07 08 05 06 03 04 01 02',
  },
  {
    name: 'uint64 BADCFEHG',
    point: { type: 'uint64', order: 'BADCFEHG' },
    value: 0x0102030405060708n,
    wire: '02 01 04 03 06 05 08 07',
  },
  {
    name: 'uint64 HGFEDCBA',
    point: { type: 'uint64', byteOrder: 'little', wordOrder: 'little' },
    value: 0x0102030405060708n,
    wire: '08 07 06 05 04 03 02 01',
  },
  {
    name: 'uint64 CDABGHEF (32-bit halves swapped)',
    point: { type: 'uint64', order: 'CDABGHEF' },
    value: 0x0102030405060708n,
    wire: '03 04 01 02 07 08 05 06',
  },
  {
    name: 'uint64 max (bigint)',
    point: { type: 'uint64' },
    value: 18446744073709551615n,
    wire: 'FF FF FF FF FF FF FF FF',
  },
  {
    name: 'uint64 2^53 (bigint)',
    point: { type: 'uint64' },
    value: 9007199254740992n,
    wire: '00 20 00 00 00 00 00 00',
  },
  {
    name: 'uint64 2^53-1 (number)',
    point: { type: 'uint64' },
    value: 9007199254740991,
    wire: '00 1F FF FF FF FF FF FF',
  },
  { name: 'int64 -1 (number)', point: { type: 'int64' }, value: -1, wire: 'FF FF FF FF FF FF FF FF' },
  {
    name: 'int64 min (bigint)',
    point: { type: 'int64' },
    value: -9223372036854775808n,
    wire: '80 00 00 00 00 00 00 00',
  },
  {
    name: 'int64 -2^53-1 (bigint) HGFEDCBA',
    point: { type: 'int64', order: 'HGFEDCBA' },
    value: -9007199254740993n,
    wire: 'FF FF FF FF FF FF DF FF',
  },
  {
    name: 'int64 ABCDEFGH (bigint)',
    point: { type: 'int64' },
    value: -0x0102030405060708n,
    wire: 'FE FD FC FB FA F9 F8 F8',
  },
  {
    name: 'int64 GHEFCDAB (bigint)',
    point: { type: 'int64', wordOrder: 'little' },
    value: -0x0102030405060708n,
    wire: 'F8 F8 FA F9 FC FB FE FD',
  },
  {
    name: 'int64 BADCFEHG (bigint)',
    point: { type: 'int64', byteOrder: 'little' },
    value: -0x0102030405060708n,
    wire: 'FD FE FB FC F9 FA F8 F8',
  },
  {
    name: 'uint64 2^63 (bigint)',
    point: { type: 'uint64' },
    value: 2n ** 63n,
    wire: '80 00 00 00 00 00 00 00',
  },
  { name: 'float64 1.5', point: { type: 'float64' }, value: 1.5, wire: '3F F8 00 00 00 00 00 00' },
  {
    name: 'float64 pi ABCDEFGH',
    point: { type: 'float64' },
    value: Math.PI,
    wire: '40 09 21 FB 54 44 2D 18',
  },
  {
    name: 'float64 1.5 GHEFCDAB',
    point: { type: 'float64', order: 'GHEFCDAB' },
    value: 1.5,
    wire: '00 00 00 00 00 00 3F F8',
  },
  {
    name: 'float64 pi BADCFEHG',
    point: { type: 'float64', order: 'BADCFEHG' },
    value: Math.PI,
    wire: '09 40 FB 21 44 54 18 2D',
  },
  {
    name: 'float64 pi HGFEDCBA',
    point: { type: 'float64', order: 'HGFEDCBA' },
    value: Math.PI,
    wire: '18 2D 44 54 FB 21 09 40',
  },
  { name: 'string ascii', point: { type: 'string', length: 3 }, value: 'ABCDE', wire: '41 42 43 44 45 00' },
  { name: 'string full', point: { type: 'string', length: 2 }, value: 'ABCD', wire: '41 42 43 44' },
  {
    name: 'string byte-swapped',
    point: { type: 'string', length: 3, byteOrder: 'little' },
    value: 'ABCDE',
    wire: '42 41 44 43 00 45',
  },
  {
    name: 'string utf8',
    point: { type: 'string', length: 3, encoding: 'utf8' },
    value: 'é€',
    wire: 'C3 A9 E2 82 AC 00',
  },
  {
    name: 'string latin1',
    point: { type: 'string', length: 1, encoding: 'latin1' },
    value: 'é',
    wire: 'E9 00',
  },
  { name: 'string empty', point: { type: 'string', length: 2 }, value: '', wire: '00 00 00 00' },
  {
    name: 'string NUL padded',
    point: { type: 'string', length: 4 },
    value: 'idle',
    wire: '69 64 6C 65 00 00 00 00',
  },
  { name: 'bytes', point: { type: 'bytes', length: 2 }, value: hex('01 02 03 04'), wire: '01 02 03 04' },
  {
    name: 'bytes byte-swapped',
    point: { type: 'bytes', length: 2, byteOrder: 'little' },
    value: hex('01 02 03 04'),
    wire: '02 01 04 03',
  },
  { name: 'bool register', point: { type: 'bool' }, value: true, wire: '00 01' },
  { name: 'bool register false', point: { type: 'bool' }, value: false, wire: '00 00' },
];

describe('value codec golden vectors', () => {
  for (const g of golden) {
    it(`${g.name}: encodes to ${g.wire} and decodes back`, () => {
      const codec = createValueCodec(pointLayout(point(g.point)));
      const wire = hex(g.wire);
      expect(codec.encodeRegisters(g.value)).toEqual(wire);
      const framed = new Uint8Array([0xee, 0xee, ...wire, 0xee, 0xee]);
      expect(codec.decode(framed, 1)).toEqual(g.value);
    });
  }

  it('decodes a utf8 string cut inside a character with a replacement character', () => {
    const codec = createValueCodec(pointLayout(point({ type: 'string', length: 2, encoding: 'utf8' })));
    expect(codec.decode(hex('C3 A9 E2 82'), 0)).toBe('é\ufffd');
  });

  it('returns numbers for 64-bit integers within 2^53 and bigints beyond', () => {
    const codec = createValueCodec(pointLayout(point({ type: 'int64' })));
    expect(typeof codec.decode(hex('00 1F FF FF FF FF FF FF'), 0)).toBe('number');
    expect(typeof codec.decode(hex('00 20 00 00 00 00 00 00'), 0)).toBe('bigint');
    expect(typeof codec.decode(hex('FF E0 00 00 00 00 00 01'), 0)).toBe('number'); // -(2^53 - 1)
    expect(typeof codec.decode(hex('FF DF FF FF FF FF FF FF'), 0)).toBe('bigint'); // -(2^53 + 1)
  });

  it('reads a register bit, respecting byteOrder', () => {
    const bit3 = createValueCodec(pointLayout(point({ bit: 3 })));
    expect(bit3.decode(hex('00 08'), 0)).toBe(true);
    expect(bit3.decode(hex('FF F7'), 0)).toBe(false);
    const bit15 = createValueCodec(pointLayout(point({ bit: 15 })));
    expect(bit15.decode(hex('80 00'), 0)).toBe(true);
    const swapped = createValueCodec(pointLayout(point({ bit: 0, byteOrder: 'little' })));
    expect(swapped.decode(hex('01 00'), 0)).toBe(true);
    expect(swapped.decode(hex('00 01'), 0)).toBe(false);
  });

  it('sets and clears a register bit keeping the other bits (read-modify-write)', () => {
    const bit4 = createValueCodec(pointLayout(point({ bit: 4 })));
    expect(bit4.withBit(hex('A5 0F'), true)).toEqual(hex('A5 1F'));
    expect(bit4.withBit(hex('A5 1F'), false)).toEqual(hex('A5 0F'));
    const swapped = createValueCodec(pointLayout(point({ bit: 8, byteOrder: 'little' })));
    expect(swapped.withBit(hex('00 00'), true)).toEqual(hex('00 01'));
  });

  it('decodes packed coil bits (LSB of the first byte is the first coil)', () => {
    const codec = createValueCodec(pointLayout(point({ table: 'coil' })));
    const data = hex('CD 01'); // coils 0..7 = 1,0,1,1,0,0,1,1 ; coil 8 = 1
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => codec.decode(data, i))).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('applies connection order defaults unless the point overrides them', () => {
    const defaults = { byteOrder: 'big', wordOrder: 'little' } as const;
    const inherited = createValueCodec(pointLayout(point({ type: 'uint32' }), defaults));
    expect(inherited.encodeRegisters(0x11223344)).toEqual(hex('33 44 11 22'));
    const own = createValueCodec(pointLayout(point({ type: 'uint32', order: 'ABCD' }), defaults));
    expect(own.encodeRegisters(0x11223344)).toEqual(hex('11 22 33 44'));
    const plain = createValueCodec(pointLayout(point({ type: 'uint32' }), BIG_ENDIAN_DEFAULTS));
    expect(plain.encodeRegisters(0x11223344)).toEqual(hex('11 22 33 44'));
  });
});
