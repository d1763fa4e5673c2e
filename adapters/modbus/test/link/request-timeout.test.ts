import { describe, expect, it } from 'vitest';
import { modbusConnectionSchema } from '../../src/config/connection-schema.js';
import { requestTimeoutMs, SERIAL_RESPONSE_ALLOWANCE_MS } from '../../src/link/request-timeout.js';
import { readRequest, writeSingleRegisterRequest } from '../../src/protocol/modbus-request.js';

const connection = (fields: Record<string, unknown>) => modbusConnectionSchema.parse(fields);

describe('requestTimeoutMs', () => {
  it('takes the timeoutMs a mapping sets, on every transport', () => {
    const read = readRequest(1, 3, 0, 10);
    for (const fields of [
      { transport: 'tcp', host: 'plc' },
      { transport: 'rtu-over-tcp', host: 'gw' },
      { transport: 'rtu', path: '/dev/ttyUSB0' },
      { transport: 'ascii', path: '/dev/ttyUSB0' },
    ]) {
      expect(requestTimeoutMs(connection({ ...fields, timeoutMs: 750 }), read)).toBe(750);
    }
  });

  it('defaults to 1000 ms on TCP and RTU over TCP, where the line speed is unknown', () => {
    const read = readRequest(1, 3, 0, 10);
    expect(requestTimeoutMs(connection({ transport: 'tcp', host: 'plc' }), read)).toBe(1000);
    expect(requestTimeoutMs(connection({ transport: 'rtu-over-tcp', host: 'gw' }), read)).toBe(1000);
  });

  it('derives the default on a serial line from the line speed: both frames on the wire plus the allowance', () => {
    // 19200 baud 8E1: 11 bits a character. Read 10 registers: request 8 bytes, reply 3 + 20 + 2 = 25
    // bytes, 33 characters = 18.9 ms; two RTU silences of 3.5 characters = 4.0 ms.
    const rtu = connection({ transport: 'rtu', path: '/dev/ttyUSB0' });
    expect(SERIAL_RESPONSE_ALLOWANCE_MS).toBe(200);
    expect(requestTimeoutMs(rtu, readRequest(1, 3, 0, 10))).toBe(223);
    // the largest read at 9600 baud: 8 + 255 bytes = 301.4 ms, silences 8.0 ms
    const slow = connection({ transport: 'rtu', path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(requestTimeoutMs(slow, readRequest(1, 3, 0, 125))).toBe(510);
    // a write is echoed: 8 + 8 bytes
    expect(requestTimeoutMs(rtu, writeSingleRegisterRequest(1, 0, Uint8Array.of(0, 5)))).toBe(214);
    // ASCII 7E1 (10 bits): read 10 registers, ":" + 2 x (1 + 5 + 1) + CRLF = 17 and
    // ":" + 2 x (1 + 22 + 1) + CRLF = 51 characters at 19200 baud = 35.4 ms
    const ascii = connection({ transport: 'ascii', path: '/dev/ttyUSB0' });
    expect(requestTimeoutMs(ascii, readRequest(1, 3, 0, 10))).toBe(236);
  });
});
