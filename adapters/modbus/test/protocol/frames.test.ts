import { describe, expect, it } from 'vitest';
import { AsciiFrameReader, asciiFrameWriter } from '../../src/protocol/ascii-frame.js';
import { crc16Modbus } from '../../src/protocol/crc16.js';
import type { FrameSink, ModbusFrame } from '../../src/protocol/frame-reader.js';
import { lrcModbus } from '../../src/protocol/lrc.js';
import { MbapFrameReader, mbapFrameWriter } from '../../src/protocol/mbap-frame.js';
import { RtuFrameReader, rtuFrameWriter } from '../../src/protocol/rtu-frame.js';

const hex = (s: string) => Uint8Array.from(s.split(' ').filter(Boolean), (b) => Number.parseInt(b, 16));
const ascii = (s: string) => new TextEncoder().encode(s);

function collector() {
  const frames: ModbusFrame[] = [];
  const corrupt: string[] = [];
  const sink: FrameSink = { frame: (f) => frames.push(f), corrupt: (r) => corrupt.push(r) };
  return { frames, corrupt, sink };
}

describe('checksums', () => {
  it('CRC-16/MODBUS of the specification example and the check value', () => {
    // Modbus over serial line V1.02, read holding registers: 01 03 00 00 00 0A -> CRC C5 CD (low byte first)
    expect(crc16Modbus(hex('01 03 00 00 00 0A'))).toBe(0xcdc5);
    expect(crc16Modbus(ascii('123456789'))).toBe(0x4b37);
  });

  it('LRC of the specification example', () => {
    // Modbus over serial line V1.02 §2.5.2.2: 11 03 00 6B 00 03 -> LRC 7E
    expect(lrcModbus(hex('11 03 00 6B 00 03'))).toBe(0x7e);
  });
});

describe('MBAP frames (Modbus TCP)', () => {
  it('encodes transaction id, protocol 0, length and unit before the PDU', () => {
    expect(new Uint8Array(mbapFrameWriter.encode(0x1234, 17, hex('03 00 6B 00 03')))).toEqual(
      hex('12 34 00 00 00 06 11 03 00 6B 00 03'),
    );
  });

  it('reassembles frames split and coalesced across chunks', () => {
    const { frames, corrupt, sink } = collector();
    const reader = new MbapFrameReader();
    const stream = hex('00 01 00 00 00 05 01 03 02 12 34 00 02 00 00 00 03 02 83 02');
    reader.push(stream.subarray(0, 3), sink);
    reader.push(stream.subarray(3, 12), sink);
    expect(frames).toHaveLength(1);
    reader.push(stream.subarray(12), sink);
    expect(frames).toEqual([
      { transactionId: 1, unit: 1, pdu: hex('03 02 12 34') },
      { transactionId: 2, unit: 2, pdu: hex('83 02') },
    ]);
    expect(corrupt).toEqual([]);
  });

  it('reports a stream that lost framing', () => {
    const { corrupt, sink } = collector();
    new MbapFrameReader().push(hex('00 01 00 07 00 05 01 03 02 12 34'), sink);
    expect(corrupt).toEqual(['MBAP header with protocol 7 and length 5']);
  });
});

describe('RTU frames', () => {
  it('appends the CRC low byte first', () => {
    expect(new Uint8Array(rtuFrameWriter.encode(0, 1, hex('03 00 00 00 0A')))).toEqual(
      hex('01 03 00 00 00 0A C5 CD'),
    );
  });

  it('frames replies by function code and byte count, byte by byte', () => {
    const { frames, corrupt, sink } = collector();
    const reader = new RtuFrameReader();
    const replies = [
      rtuFrameWriter.encode(0, 1, hex('03 04 00 01 00 02')),
      rtuFrameWriter.encode(0, 2, hex('83 02')),
      rtuFrameWriter.encode(0, 3, hex('06 00 10 AB CD')),
      rtuFrameWriter.encode(0, 4, hex('10 00 10 00 04')),
      rtuFrameWriter.encode(0, 5, hex('01 01 05')),
    ];
    for (const reply of replies) for (const byte of reply) reader.push(Uint8Array.of(byte), sink);
    expect(frames.map((f) => [f.unit, [...f.pdu]])).toEqual([
      [1, [3, 4, 0, 1, 0, 2]],
      [2, [0x83, 2]],
      [3, [6, 0, 0x10, 0xab, 0xcd]],
      [4, [0x10, 0, 0x10, 0, 4]],
      [5, [1, 1, 5]],
    ]);
    expect(corrupt).toEqual([]);
  });

  it('reports CRC mismatches and unknown function codes, dropping the buffer', () => {
    const { frames, corrupt, sink } = collector();
    const reader = new RtuFrameReader();
    const bad = rtuFrameWriter.encode(0, 1, hex('03 02 00 01'));
    bad[4] = bad[4]! ^ 0xff;
    reader.push(bad, sink);
    reader.push(hex('01 2B 00'), sink);
    expect(frames).toEqual([]);
    expect(corrupt).toEqual(['RTU frame with a CRC mismatch', 'RTU frame with unknown function code 43']);
    reader.push(hex('01'), sink);
    expect(reader.reset()).toBe(1);
  });
});

describe('ASCII frames', () => {
  it('encodes the specification example', () => {
    expect(new TextDecoder().decode(asciiFrameWriter.encode(0, 0x11, hex('03 00 6B 00 03')))).toBe(
      ':1103006B00037E\r\n',
    );
  });

  it('decodes frames, skipping noise between them, and reports bad LRC and hex', () => {
    const { frames, corrupt, sink } = collector();
    const reader = new AsciiFrameReader();
    reader.push(ascii('xx:1103006B00037E\r\n:11'), sink);
    reader.push(ascii('03006b00037e\r\n'), sink);
    reader.push(ascii(':1103006B00037F\r\n:11G3\r\n'), sink);
    expect(frames.map((f) => [f.unit, [...f.pdu]])).toEqual([
      [0x11, [3, 0, 0x6b, 0, 3]],
      [0x11, [3, 0, 0x6b, 0, 3]],
    ]);
    expect(corrupt).toEqual(['ASCII frame with an LRC mismatch', 'ASCII frame with 4 hex digits']);
  });
});
