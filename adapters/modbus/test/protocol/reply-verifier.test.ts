import { describe, expect, it } from 'vitest';
import { exceptionErrorCode } from '../../src/protocol/modbus-exception.js';
import {
  readRequest,
  writeMultipleCoilsRequest,
  writeMultipleRegistersRequest,
  writeSingleCoilRequest,
  writeSingleRegisterRequest,
} from '../../src/protocol/modbus-request.js';
import { verifyReply } from '../../src/protocol/reply-verifier.js';

const hex = (s: string) => Uint8Array.from(s.split(' ').filter(Boolean), (b) => Number.parseInt(b, 16));

describe('request PDUs', () => {
  it('encode every function code', () => {
    expect(readRequest(1, 3, 0x006b, 3).pdu).toEqual(hex('03 00 6B 00 03'));
    expect(readRequest(1, 1, 0x0013, 19).pdu).toEqual(hex('01 00 13 00 13'));
    expect(writeSingleCoilRequest(1, 0x00ac, true).pdu).toEqual(hex('05 00 AC FF 00'));
    expect(writeSingleCoilRequest(1, 0x00ac, false).pdu).toEqual(hex('05 00 AC 00 00'));
    expect(writeSingleRegisterRequest(1, 1, hex('00 03')).pdu).toEqual(hex('06 00 01 00 03'));
    // specification example: coils 20..29 = CD 01
    expect(
      writeMultipleCoilsRequest(1, 0x13, [true, false, true, true, false, false, true, true, true, false])
        .pdu,
    ).toEqual(hex('0F 00 13 00 0A 02 CD 01'));
    expect(writeMultipleRegistersRequest(1, 1, hex('00 0A 01 02')).pdu).toEqual(
      hex('10 00 01 00 02 04 00 0A 01 02'),
    );
  });

  it('refuse quantities the protocol does not allow', () => {
    expect(() => writeMultipleRegistersRequest(1, 0, new Uint8Array(248))).toThrow(RangeError);
    expect(() => writeMultipleRegistersRequest(1, 0, new Uint8Array(3))).toThrow(RangeError);
    expect(() => writeMultipleCoilsRequest(1, 0, [])).toThrow(RangeError);
  });
});

describe('verifyReply', () => {
  const read = readRequest(1, 3, 100, 2);
  const coils = readRequest(1, 1, 0, 10);

  it('returns the data of a matching read reply', () => {
    expect(verifyReply(read, hex('03 04 00 01 00 02'))).toEqual(hex('00 01 00 02'));
    expect(verifyReply(coils, hex('01 02 CD 01'))).toEqual(hex('CD 01'));
  });

  it('accepts write echoes', () => {
    expect(verifyReply(writeSingleRegisterRequest(1, 1, hex('00 03')), hex('06 00 01 00 03'))).toEqual(
      new Uint8Array(),
    );
    expect(
      verifyReply(writeMultipleRegistersRequest(1, 1, hex('00 0A 01 02')), hex('10 00 01 00 02')),
    ).toEqual(new Uint8Array());
  });

  it('rejects mismatched function, byte count, length and echo as DEVICE_RESPONSE_INVALID', () => {
    const invalid = expect.objectContaining({ code: 'DEVICE_RESPONSE_INVALID' });
    expect(() => verifyReply(read, hex('04 04 00 01 00 02'))).toThrow(invalid);
    expect(() => verifyReply(read, hex('03 02 00 01'))).toThrow(invalid);
    expect(() => verifyReply(read, hex('03 04 00 01 00'))).toThrow(invalid);
    expect(() => verifyReply(read, hex('03 04 00 01 00 02 00'))).toThrow(invalid);
    expect(() => verifyReply(coils, hex('01 01 CD'))).toThrow(invalid);
    expect(() => verifyReply(read, hex('03'))).toThrow(invalid);
    expect(() => verifyReply(writeSingleCoilRequest(1, 5, true), hex('05 00 05 00 00'))).toThrow(invalid);
    expect(() =>
      verifyReply(writeMultipleRegistersRequest(1, 1, hex('00 0A')), hex('10 00 01 00 02')),
    ).toThrow(invalid);
    expect(() => verifyReply(read, hex('83 02 00'))).toThrow(invalid);
  });

  it('maps every exception code onto the catalogue', () => {
    const cases: [number, string][] = [
      [0x01, 'DEVICE_OPERATION_UNSUPPORTED'],
      [0x02, 'DEVICE_ADDRESS_UNKNOWN'],
      [0x03, 'DEVICE_VALUE_REJECTED'],
      [0x04, 'DEVICE_FAILURE'],
      [0x05, 'DEVICE_BUSY'],
      [0x06, 'DEVICE_BUSY'],
      [0x07, 'DEVICE_FAILURE'],
      [0x08, 'DEVICE_FAILURE'],
      [0x0a, 'DEVICE_UNREACHABLE'],
      [0x0b, 'DEVICE_UNREACHABLE'],
      [0x42, 'DEVICE_FAILURE'],
    ];
    for (const [exception, code] of cases) {
      expect(exceptionErrorCode(exception)).toBe(code);
      expect(() => verifyReply(read, Uint8Array.of(0x83, exception))).toThrow(
        expect.objectContaining({ code, details: { exceptionCode: exception } }),
      );
    }
    expect(() => verifyReply(read, hex('83 02'))).toThrow(
      /unit 1 FC3 100\+2: Modbus exception 0x02 \(illegal data address\)/,
    );
  });
});
