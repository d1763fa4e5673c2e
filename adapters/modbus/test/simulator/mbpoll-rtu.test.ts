import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MbpollTarget, requireMbpoll } from '../../../../test/peers/mbpoll.js';
import { openPtyPair, type PtyPair } from '../../../../test/peers/socat-pty.js';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { mbpollConversation } from './support/mbpoll-suite.js';
import { ModbusSerialClient } from './support/modbus-serial-client.js';
import { FLOAT_ADDRESS, plantConfig } from './support/plant-config.js';

describe('mbpoll against the simulator over RTU on a socat pty pair', () => {
  let pty: PtyPair | undefined;
  let simulator: ModbusSimulator;
  let target: MbpollTarget;

  beforeAll(async () => {
    await requireMbpoll();
    pty = await openPtyPair();
    simulator = createModbusSimulator(plantConfig(), {
      listeners: [{ transport: 'serial', path: pty.deviceEnd, baudRate: 19_200, framing: 'rtu' }],
    });
    const { listeners } = await simulator.start();
    expect(listeners).toEqual([{ transport: 'serial', path: pty.deviceEnd, framing: 'rtu' }]);
    target = { mode: 'rtu', device: pty.masterEnd, baudRate: 19_200 };
  });

  afterAll(async () => {
    await simulator?.close();
    await pty?.close();
  });

  mbpollConversation(() => ({ simulator, target }));

  it('serves modbus-serial’s RTU client, and its CRC check catches the bad-crc persona', async () => {
    const client = new ModbusSerialClient();
    await client.connectRTUBuffered(pty!.masterEnd, {
      baudRate: 19_200,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
    });
    try {
      client.setTimeout(500);
      client.setID(1);
      expect((await client.readHoldingRegisters(0, 4)).data).toEqual([100, 101, 102, 103]);
      expect((await client.readHoldingRegisters(FLOAT_ADDRESS, 2)).buffer.readFloatBE(0)).toBe(21.5);
      await client.writeRegisters(80, [5, 6]);
      expect(simulator.getWords(1, 'holdingRegisters', 80, 2)).toEqual([5, 6]);
      expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual([true, false, true, true]);
      client.setID(2);
      expect((await client.readHoldingRegisters(0, 2)).data).toEqual([200, 201]);
      simulator.setFault(2, { kind: 'bad-crc' });
      await expect(client.readHoldingRegisters(0, 2)).rejects.toThrow(/CRC/i);
      simulator.setFault(2, { kind: 'exception', code: 4 });
      await expect(client.readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 4 });
    } finally {
      simulator.setFault(2, undefined);
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('applies a broadcast write to every unit without answering, and ignores a broadcast read', async () => {
    const client = new ModbusSerialClient();
    await client.connectRTUBuffered(pty!.masterEnd, { baudRate: 19_200 });
    try {
      client.setTimeout(300);
      client.setID(0);
      await expect(client.readHoldingRegisters(0, 1)).rejects.toThrow(/timed out/i);
      // modbus-serial waits for a reply even to a broadcast: the timeout is the expected outcome.
      await expect(client.writeRegister(9, 0x99)).rejects.toThrow(/timed out/i);
      expect(simulator.getWords(1, 'holdingRegisters', 9, 1)).toEqual([0x99]);
      expect(simulator.getWords(2, 'holdingRegisters', 9, 1)).toEqual([0x99]);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });
});
