/**
 * Serial-line rules (broadcast, unknown units, checksums), exercised through RTU and ASCII framing
 * over TCP so no pty is needed; the pty path is covered by the mbpoll RTU suite.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { plantConfig } from './support/plant-config.js';
import { asciiFrame, rtuCrcIsValid, rtuFrame } from './support/serial-frames.js';

class ByteLink {
  private received = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<ByteLink> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new ByteLink(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `bytes`, waits `quietMs` after the last byte received, returns what arrived. */
  async exchange(bytes: Buffer, quietMs = 80): Promise<Buffer> {
    this.received = Buffer.alloc(0);
    this.socket.write(bytes);
    let seen = -1;
    while (seen !== this.received.length) {
      seen = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('RTU framing (over TCP)', () => {
  let simulator: ModbusSimulator;
  let link: ByteLink;

  beforeAll(async () => {
    simulator = createModbusSimulator(plantConfig(), { listeners: [{ transport: 'tcp', framing: 'rtu' }] });
    const { tcpPort } = await simulator.start();
    link = await ByteLink.open(tcpPort!);
  });

  afterAll(async () => {
    link.close();
    await simulator.close();
  });

  beforeEach(() => {
    simulator.setFault(1, undefined);
  });

  it('answers with a valid CRC', async () => {
    const reply = await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 2]));
    expect(reply.toString('hex')).toBe(rtuFrame(1, [0x03, 0x04, 0, 100, 0, 101]).toString('hex'));
  });

  it('broadcast (unit 0) writes every unit and answers nothing; broadcast reads do nothing', async () => {
    const before = simulator.stats();
    expect(await link.exchange(rtuFrame(0, [0x06, 0, 5, 0x0b, 0xcd]))).toHaveLength(0);
    expect(simulator.getWords(1, 'holdingRegisters', 5, 1)).toEqual([0x0bcd]);
    expect(simulator.getWords(2, 'holdingRegisters', 5, 1)).toEqual([0x0bcd]);
    expect(await link.exchange(rtuFrame(0, [0x03, 0, 0, 0, 1]))).toHaveLength(0);
    expect(simulator.stats().unanswered).toBe(before.unanswered + 2);
  });

  it('stays silent for a unit nobody owns and for a frame with a bad CRC', async () => {
    expect(await link.exchange(rtuFrame(9, [0x03, 0, 0, 0, 1]))).toHaveLength(0);
    const corrupt = rtuFrame(1, [0x03, 0, 0, 0, 1]);
    corrupt[corrupt.length - 1]! ^= 0xff;
    const errors = simulator.stats().framingErrors;
    expect(await link.exchange(corrupt)).toHaveLength(0);
    expect(simulator.stats().framingErrors).toBeGreaterThan(errors);
    expect((await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 1]))).toString('hex')).toBe(
      rtuFrame(1, [0x03, 0x02, 0, 100]).toString('hex'),
    );
  });

  it('bad-crc persona: the reply carries a wrong CRC', async () => {
    simulator.setFault(1, { kind: 'bad-crc' });
    const reply = await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 1]));
    expect(reply.subarray(0, 5).toString('hex')).toBe('0103020064');
    expect(rtuCrcIsValid(reply)).toBe(false);
  });

  it('short-reply persona: a well-formed frame whose PDU is cut short', async () => {
    simulator.setFault(1, { kind: 'short-reply', dropBytes: 2 });
    const reply = await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 2]));
    expect(reply.toString('hex')).toBe(rtuFrame(1, [0x03, 0x04, 0, 100]).toString('hex'));
  });

  it('exception persona and dead unit', async () => {
    simulator.setFault(1, { kind: 'exception', code: 2 });
    expect((await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 1]))).toString('hex')).toBe(
      rtuFrame(1, [0x83, 0x02]).toString('hex'),
    );
    simulator.setFault(1, { kind: 'dead' });
    expect(await link.exchange(rtuFrame(1, [0x03, 0, 0, 0, 1]))).toHaveLength(0);
    expect((await link.exchange(rtuFrame(2, [0x03, 0, 0, 0, 1]))).toString('hex')).toBe(
      rtuFrame(2, [0x03, 0x02, 0, 200]).toString('hex'),
    );
  });
});

describe('ASCII framing (over TCP)', () => {
  it('answers with LRC, drops a bad LRC, corrupts it on the bad-crc persona', async () => {
    await using simulator = createModbusSimulator(plantConfig(), {
      listeners: [{ transport: 'tcp', framing: 'ascii' }],
    });
    const { tcpPort } = await simulator.start();
    const link = await ByteLink.open(tcpPort!);
    try {
      expect((await link.exchange(asciiFrame(1, [0x03, 0, 0, 0, 2]))).toString()).toBe(
        asciiFrame(1, [0x03, 0x04, 0, 100, 0, 101]).toString(),
      );
      expect(await link.exchange(Buffer.from(':010300000002FF\r\n'))).toHaveLength(0);
      simulator.setFault(1, { kind: 'bad-crc' });
      const reply = (await link.exchange(asciiFrame(1, [0x03, 0, 0, 0, 1]))).toString();
      expect(reply).toMatch(/^:0103020064[0-9A-F]{2}\r\n$/);
      expect(reply).not.toBe(asciiFrame(1, [0x03, 0x02, 0, 100]).toString());
    } finally {
      link.close();
    }
  });
});
