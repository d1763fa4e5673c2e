import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { plantConfig } from './support/plant-config.js';
import { RawMbapClient } from './support/raw-mbap-client.js';

const readTwo = [0x03, 0x00, 0x00, 0x00, 0x02];
const writeFirst = (value: number) => [0x06, 0x00, 0x00, value >>> 8, value & 0xff];

describe('fault personas over Modbus TCP', () => {
  let simulator: ModbusSimulator;
  let client: RawMbapClient;

  beforeAll(async () => {
    simulator = createModbusSimulator(plantConfig());
    const { tcpPort } = await simulator.start();
    client = await RawMbapClient.connect(tcpPort!);
  });

  afterAll(async () => {
    await client.close();
    await simulator.close();
  });

  beforeEach(() => {
    simulator.setFault(1, undefined);
    simulator.setFault(2, undefined);
    simulator.setValue(1, 'holdingRegisters', 0, [100, 101]);
  });

  it('exception: every request of the unit gets the configured exception code', async () => {
    simulator.setFault(1, { kind: 'exception', code: 6 });
    expect((await client.request(1, readTwo)).toString('hex')).toBe('8306');
    expect((await client.request(1, [0x01, 0, 0, 0, 1])).toString('hex')).toBe('8106');
    expect((await client.request(1, [0x2b, 0x0e, 1, 0])).toString('hex')).toBe('ab06');
    expect((await client.request(2, readTwo)).toString('hex')).toBe('030400c800c9');
  });

  it('dead: no answer and no effect for that unit, others are fine on the same connection', async () => {
    simulator.setFault(1, { kind: 'dead' });
    const before = simulator.stats().unanswered;
    const dead = client.send(1, writeFirst(7));
    expect((await client.request(2, readTwo)).toString('hex')).toBe('030400c800c9');
    expect(await client.waitFor((r) => r.transactionId === dead, 200)).toBeUndefined();
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([100]);
    expect(simulator.stats().unanswered).toBe(before + 1);
  });

  it('timeout: the request is executed but never answered', async () => {
    simulator.setFault(1, { kind: 'timeout' });
    const lost = client.send(1, writeFirst(0x4242));
    expect(await client.waitFor((r) => r.transactionId === lost, 200)).toBeUndefined();
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([0x4242]);
  });

  it('slow: replies are delayed, and later replies on the connection wait their turn', async () => {
    simulator.setFault(1, { kind: 'slow', delayMs: 150 });
    const started = performance.now();
    const slow = client.send(1, readTwo);
    const fast = client.send(2, readTwo);
    const replies = await client.take(2, 2000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(replies.map((r) => r.transactionId)).toEqual([slow, fast]);
    expect(replies[0]?.pdu.toString('hex')).toBe('030400640065');
  });

  it('short reply: the PDU is cut by dropBytes, the MBAP length matches what is sent', async () => {
    simulator.setFault(1, { kind: 'short-reply', dropBytes: 3 });
    expect((await client.request(1, readTwo)).toString('hex')).toBe('030400');
    simulator.setFault(1, { kind: 'short-reply' });
    expect((await client.request(1, readTwo)).toString('hex')).toBe('0304006400');
  });

  it('bad CRC does not apply to MBAP (no checksum): replies are normal', async () => {
    simulator.setFault(1, { kind: 'bad-crc' });
    expect((await client.request(1, readTwo)).toString('hex')).toBe('030400640065');
  });

  it('reports faults, refuses invalid ones and unknown units', () => {
    simulator.setFault(2, { kind: 'slow', delayMs: 5 });
    expect(simulator.getFault(2)).toEqual({ kind: 'slow', delayMs: 5 });
    expect(() => simulator.setFault(2, { kind: 'exception', code: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => simulator.setFault(9, { kind: 'dead' })).toThrow(/no unit 9/);
  });

  it('configured faults apply from the start', async () => {
    const config = plantConfig();
    const faulty = createModbusSimulator({
      ...config,
      units: config.units.map((unit) =>
        unit.unitId === 2 ? { ...unit, fault: { kind: 'exception', code: 4 } } : unit,
      ),
    });
    const { tcpPort } = await faulty.start();
    const other = await RawMbapClient.connect(tcpPort!);
    expect((await other.request(2, readTwo)).toString('hex')).toBe('8304');
    await other.close();
    await faulty.close();
  });
});
