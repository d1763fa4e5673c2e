import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc16Modbus as crc16, hasValidCrc } from '../../src/protocol/crc16.js';
import { lrcModbus as lrc } from '../../src/protocol/lrc.js';
import { asciiFraming } from '../../src/simulator/framing/ascii-framing.js';
import type { FrameHandler, Framing } from '../../src/simulator/framing/framing.js';
import { rtuFraming } from '../../src/simulator/framing/rtu-framing.js';
import { tcpFraming } from '../../src/simulator/framing/tcp-framing.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const referenceCrc16 = createRequire(import.meta.url)('modbus-serial/utils/crc16') as (
  bytes: Buffer,
) => number;

interface Captured {
  readonly frames: { unitId: number; pdu: string; transactionId: number }[];
  readonly errors: string[];
}

function decoderFor(framing: Framing) {
  const captured: Captured = { frames: [], errors: [] };
  const handler: FrameHandler = {
    frame: (unitId, pdu, transactionId) =>
      captured.frames.push({ unitId, pdu: Buffer.from(pdu).toString('hex'), transactionId }),
    framingError: (reason) => captured.errors.push(reason),
  };
  return { decoder: framing.createDecoder(handler), captured };
}

describe('CRC-16/MODBUS', () => {
  it('matches the catalogue check value and the specification examples', () => {
    expect(crc16(Buffer.from('123456789', 'ascii'))).toBe(0x4b37);
    // Modbus over serial line V1.02, read 3 registers from 107 of slave 17: CRC 76 87 (low byte first).
    expect(crc16(hex('11 03 00 6B 00 03'))).toBe(0x8776);
    expect(crc16(hex('01 03 00 00 00 01'))).toBe(0x0a84);
    expect(hasValidCrc(hex('11 03 00 6B 00 03 76 87'), 0, 8)).toBe(true);
    expect(hasValidCrc(hex('11 03 00 6B 00 03 87 76'), 0, 8)).toBe(false);
  });

  it('agrees with an independent implementation (modbus-serial) on random frames', () => {
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const bytes = Buffer.alloc(1 + (n % 255));
      for (let i = 0; i < bytes.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      expect(crc16(bytes)).toBe(referenceCrc16(bytes));
    }
  });
});

describe('LRC', () => {
  it('is the two’s complement of the byte sum (specification example)', () => {
    expect(lrc(hex('11 03 00 6B 00 03'))).toBe(0x7e);
    expect(lrc(hex('01 03 00 00 00 01'))).toBe(0xfb);
    expect(lrc(Buffer.alloc(0))).toBe(0);
  });
});

describe('MBAP framing', () => {
  const request = hex('0001 0000 0006 11 03 006B 0003');

  it('decodes a frame, also when split byte by byte, and several pipelined in one chunk', () => {
    const { decoder, captured } = decoderFor(tcpFraming);
    expect(decoder.push(request)).toBe(true);
    for (const byte of request) expect(decoder.push(Buffer.of(byte))).toBe(true);
    const pipelined = Buffer.concat([
      hex('0002 0000 0006 01 01 0000 0010'),
      hex('0003 0000 0006 02 04 0001 0001'),
    ]);
    expect(decoder.push(Buffer.concat([pipelined, request.subarray(0, 9)]))).toBe(true);
    expect(decoder.push(request.subarray(9))).toBe(true);
    expect(captured.frames).toEqual([
      { unitId: 0x11, pdu: '03006b0003', transactionId: 1 },
      { unitId: 0x11, pdu: '03006b0003', transactionId: 1 },
      { unitId: 1, pdu: '0100000010', transactionId: 2 },
      { unitId: 2, pdu: '0400010001', transactionId: 3 },
      { unitId: 0x11, pdu: '03006b0003', transactionId: 1 },
    ]);
    expect(captured.errors).toEqual([]);
  });

  it('gives up on a stream whose header is not MBAP (protocol id, length)', () => {
    for (const bad of ['0001 0001 0006 01 03 0000 0001', '0001 0000 0001 01', '0001 0000 00FF 01 03']) {
      const { decoder, captured } = decoderFor(tcpFraming);
      expect(decoder.push(hex(bad))).toBe(false);
      expect(captured.errors).toHaveLength(1);
    }
    const { decoder } = decoderFor(tcpFraming);
    expect(decoder.push(hex('0001 00'))).toBe(true);
    expect(decoder.push(hex('01 0006 01 03 0000 0001'))).toBe(false);
  });

  it('frames a reply with a consistent length', () => {
    for (const corruptChecksum of [false, true]) {
      // MBAP has no checksum: the bad-crc persona changes nothing.
      expect(
        Buffer.from(tcpFraming.encodeReply(0x11, hex('03 06 022B 0000 0064'), 0x1234, { corruptChecksum })),
      ).toEqual(hex('1234 0000 0009 11 03 06 022B 0000 0064'));
    }
  });
});

describe('RTU framing', () => {
  const request = hex('11 03 00 6B 00 03 76 87');

  it('finds frame ends from the function code and byte count, split or pipelined', () => {
    const { decoder, captured } = decoderFor(rtuFraming);
    decoder.push(request);
    for (const byte of request) decoder.push(Buffer.of(byte));
    const writeMultiple = Buffer.from(hex('01 10 0001 0002 04 000A 0102'));
    const withCrc = Buffer.concat([writeMultiple, Buffer.alloc(2)]);
    withCrc.writeUInt16LE(crc16(writeMultiple), writeMultiple.length);
    decoder.push(withCrc.subarray(0, 7));
    decoder.push(Buffer.concat([withCrc.subarray(7), request]));
    expect(captured.frames.map((f) => `${f.unitId}:${f.pdu}`)).toEqual([
      '17:03006b0003',
      '17:03006b0003',
      '1:100001000204000a0102',
      '17:03006b0003',
    ]);
    expect(captured.errors).toEqual([]);
  });

  it('drops a frame with a bad CRC and resynchronises on the next one', () => {
    const { decoder, captured } = decoderFor(rtuFraming);
    decoder.push(Buffer.concat([hex('11 03 00 6B 00 03 00 00'), hex('FF 00'), request]));
    expect(captured.frames).toHaveLength(1);
    expect(captured.errors.length).toBeGreaterThanOrEqual(1);
  });

  it('finds a request behind garbage of unknown function code once the line goes silent', () => {
    const { decoder, captured } = decoderFor(rtuFraming);
    decoder.push(Buffer.concat([hex('FF 00 42'), request]));
    expect(captured.frames).toHaveLength(0);
    decoder.silence();
    expect(captured.frames).toEqual([{ unitId: 0x11, pdu: '03006b0003', transactionId: 0 }]);
  });

  it('ends a frame of unknown length at its first valid CRC, and drops leftovers on silence', () => {
    const { decoder, captured } = decoderFor(rtuFraming);
    const unknown = hex('05 42 01 02 03');
    const framed = Buffer.concat([unknown, Buffer.alloc(2)]);
    framed.writeUInt16LE(crc16(unknown), unknown.length);
    decoder.push(framed);
    expect(captured.frames).toEqual([{ unitId: 5, pdu: '42010203', transactionId: 0 }]);
    decoder.push(hex('05 03 00'));
    decoder.silence();
    expect(captured.errors).toEqual(['incomplete RTU frame before line silence']);
    decoder.push(request);
    expect(captured.frames).toHaveLength(2);
  });

  it('stays bounded on endless garbage', () => {
    const { decoder, captured } = decoderFor(rtuFraming);
    const garbage = Buffer.alloc(100_000, 0x42);
    decoder.push(garbage);
    decoder.push(request);
    expect(captured.frames).toHaveLength(1);
  });

  it('appends the CRC low byte first, or a wrong one on request', () => {
    const pdu = hex('03 06 022B 0000 0064');
    const good = rtuFraming.encodeReply(0x11, pdu, 0, { corruptChecksum: false });
    // Golden: CRC-16/MODBUS of 11 03 06 02 2B 00 00 00 64 is 0xBAC8, sent C8 BA.
    expect(Buffer.from(good)).toEqual(hex('11 03 06 022B 0000 0064 C8 BA'));
    expect(hasValidCrc(good, 0, good.length)).toBe(true);
    const bad = rtuFraming.encodeReply(0x11, pdu, 0, { corruptChecksum: true });
    expect(Buffer.from(bad)).toEqual(hex('11 03 06 022B 0000 0064 37 45'));
    expect(hasValidCrc(bad, 0, bad.length)).toBe(false);
    expect(bad.subarray(0, -2)).toEqual(good.subarray(0, -2));
    // Exception reply: unit 1, FC 0x83, exception 2.
    expect(Buffer.from(rtuFraming.encodeReply(1, hex('83 02'), 0, { corruptChecksum: false }))).toEqual(
      hex('01 83 02 C0 F1'),
    );
  });
});

describe('ASCII framing', () => {
  it('decodes the specification example, lower case and split, and checks the LRC', () => {
    const { decoder, captured } = decoderFor(asciiFraming);
    decoder.push(Buffer.from(':1103006B00037E\r\n'));
    decoder.push(Buffer.from('noise:1103006b0003'));
    decoder.push(Buffer.from('7e\r\n'));
    decoder.push(Buffer.from(':1103006B00037F\r\n'));
    decoder.push(Buffer.from(':11030:1103006B00037E\r\n'));
    expect(captured.frames).toEqual([
      { unitId: 0x11, pdu: '03006b0003', transactionId: 0 },
      { unitId: 0x11, pdu: '03006b0003', transactionId: 0 },
      { unitId: 0x11, pdu: '03006b0003', transactionId: 0 },
    ]);
    expect(captured.errors).toEqual(['ASCII frame with an LRC mismatch', 'ASCII frame restarted by ":"']);
  });

  it('stays bounded on a frame that never ends', () => {
    const { decoder, captured } = decoderFor(asciiFraming);
    decoder.push(Buffer.from(`:${'0'.repeat(100_000)}`));
    decoder.push(Buffer.from(':1103006B00037E\r\n'));
    expect(captured.frames).toHaveLength(1);
    expect(captured.errors).toEqual(['ASCII frame longer than 513 characters']);
  });

  it('encodes upper-case hex with LRC and CR LF, or a wrong LRC on request', () => {
    const pdu = hex('03 06 022B 0000 0064');
    const text = (frame: Uint8Array) => Buffer.from(frame).toString('latin1');
    // Golden: the bytes sum to 0xAB, so the LRC is 0x55.
    expect(text(asciiFraming.encodeReply(0x11, pdu, 0, { corruptChecksum: false }))).toBe(
      ':110306022B0000006455\r\n',
    );
    expect(lrc(hex('11 03 06 022B 0000 0064'))).toBe(0x55);
    expect(text(asciiFraming.encodeReply(0x11, pdu, 0, { corruptChecksum: true }))).toBe(
      ':110306022B0000006456\r\n',
    );
    expect(text(asciiFraming.encodeReply(1, hex('83 02'), 0, { corruptChecksum: true }))).toBe(
      ':0183027B\r\n',
    );
  });
});
