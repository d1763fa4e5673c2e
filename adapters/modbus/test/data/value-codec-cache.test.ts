/**
 * ValueCodecCache: points whose layouts differ only in address share a codec; any other difference
 * (type, bit, word/byte order, length, encoding, table kind) gets its own. A shared codec decodes and
 * encodes each point correctly (golden register bytes).
 */
import { describe, expect, it } from 'vitest';
import { pointLayout } from '../../src/data/point-layout.js';
import { ValueCodecCache } from '../../src/data/value-codec-cache.js';

const BE = { byteOrder: 'big', wordOrder: 'big' } as const;

describe('ValueCodecCache', () => {
  it('shares one codec among points that differ only in address', () => {
    const cache = new ValueCodecCache();
    const a = cache.codecFor(pointLayout({ table: 'holding', address: 0, type: 'float32' }, BE));
    const b = cache.codecFor(pointLayout({ table: 'holding', address: 100, type: 'float32' }, BE));
    expect(b).toBe(a);
    expect(cache.size).toBe(1);
  });

  it('gives layouts that differ only in address the first such layout as their shared format', () => {
    const cache = new ValueCodecCache();
    const first = pointLayout({ table: 'holding', address: 0, type: 'float32' }, BE);
    const second = pointLayout({ table: 'holding', address: 100, type: 'float32' }, BE);
    const other = pointLayout({ table: 'holding', address: 0, type: 'int32' }, BE);
    expect(cache.sharedOf(first).format).toBe(first);
    expect(cache.sharedOf(second).format).toBe(first);
    expect(cache.sharedOf(other).format).toBe(other);
    expect(cache.size).toBe(2);
  });

  it('keeps codecs apart for every other layout difference', () => {
    const cache = new ValueCodecCache();
    const layouts = [
      pointLayout({ table: 'holding', address: 0, type: 'float32' }, BE),
      pointLayout({ table: 'holding', address: 0, type: 'int32' }, BE),
      pointLayout(
        { table: 'holding', address: 0, type: 'float32' },
        { byteOrder: 'big', wordOrder: 'little' },
      ),
      pointLayout(
        { table: 'holding', address: 0, type: 'float32' },
        { byteOrder: 'little', wordOrder: 'big' },
      ),
      pointLayout({ table: 'holding', address: 0, bit: 3 }, BE),
      pointLayout({ table: 'holding', address: 0, bit: 4 }, BE),
      pointLayout({ table: 'holding', address: 0, type: 'string', length: 4 }, BE),
      pointLayout({ table: 'holding', address: 0, type: 'string', length: 6 }, BE),
      pointLayout({ table: 'holding', address: 0, type: 'string', length: 4, encoding: 'utf8' }, BE),
      pointLayout({ table: 'coil', address: 0 }, BE),
      pointLayout({ table: 'holding', address: 0, type: 'bool' }, BE),
    ];
    const codecs = layouts.map((layout) => cache.codecFor(layout));
    expect(new Set(codecs).size).toBe(layouts.length);
    expect(cache.size).toBe(layouts.length);
  });

  it('a shared codec decodes and encodes each of its points', () => {
    const cache = new ValueCodecCache();
    const first = cache.codecFor(pointLayout({ table: 'holding', address: 0, type: 'float32' }, BE));
    const second = cache.codecFor(pointLayout({ table: 'holding', address: 2, type: 'float32' }, BE));
    // registers 0-1: 21.5 (0x41AC0000), registers 2-3: -1 (0xBF800000)
    const data = Uint8Array.from([0x41, 0xac, 0x00, 0x00, 0xbf, 0x80, 0x00, 0x00]);
    expect(first.decode(data, 0)).toBe(21.5);
    expect(second.decode(data, 2)).toBe(-1);
    expect(first.decode(data, 0)).toBe(21.5);
    const a = first.encodeRegisters(21.5);
    const b = second.encodeRegisters(-1);
    // each encode returns its own bytes: the scratch buffer is not shared with the result
    expect([...a]).toEqual([0x41, 0xac, 0x00, 0x00]);
    expect([...b]).toEqual([0xbf, 0x80, 0x00, 0x00]);
  });
});
