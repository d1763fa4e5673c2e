/**
 * modbus-serial's master (an implementation we did not write) against the simulator's serial
 * framings: ASCII on a socat pty pair, and raw RTU over TCP (its TelnetPort, made for serial-to-Ethernet
 * converters; its "TcpRTUBuffered" port speaks MBAP, not RTU).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../../../test/peers/socat-pty.js';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { ModbusSerialClient } from './support/modbus-serial-client.js';
import { FLOAT_ADDRESS, plantConfig } from './support/plant-config.js';

type Client = InstanceType<typeof ModbusSerialClient>;

async function conversation(client: Client, simulator: ModbusSimulator): Promise<void> {
  client.setTimeout(500);
  client.setID(1);
  expect((await client.readHoldingRegisters(0, 4)).data).toEqual([100, 101, 102, 103]);
  expect((await client.readHoldingRegisters(FLOAT_ADDRESS, 2)).buffer.readFloatBE(0)).toBe(21.5);
  expect((await client.readInputRegisters(0, 3)).data).toEqual([7, 8, 9]);
  await client.writeRegisters(90, [9, 8, 7]);
  expect(simulator.getWords(1, 'holdingRegisters', 90, 3)).toEqual([9, 8, 7]);
  await client.writeCoils(24, [true, false, true]);
  expect(simulator.getBits(1, 'coils', 24, 3)).toEqual([true, false, true]);
  await expect(client.readHoldingRegisters(1001, 10)).rejects.toMatchObject({ modbusCode: 2 });
  client.setID(2);
  expect((await client.readHoldingRegisters(0, 2)).data).toEqual([200, 201]);
  client.setID(7);
  await expect(client.readHoldingRegisters(0, 1)).rejects.toThrow(/timed out/i);
}

function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()));
}

describe('modbus-serial ASCII master on a socat pty pair', () => {
  let pty: PtyPair | undefined;
  let simulator: ModbusSimulator | undefined;

  beforeAll(async () => {
    pty = await openPtyPair();
    simulator = createModbusSimulator(plantConfig(), {
      listeners: [{ transport: 'serial', path: pty.deviceEnd, framing: 'ascii' }],
    });
    await simulator.start();
  });

  afterAll(async () => {
    await simulator?.close();
    await pty?.close();
  });

  it('reads, writes, gets exceptions and times out on an unknown unit', async () => {
    const client = new ModbusSerialClient();
    await client.connectAsciiSerial(pty!.masterEnd, { baudRate: 19_200 });
    try {
      await conversation(client, simulator!);
    } finally {
      await closeClient(client);
    }
  });
});

describe('modbus-serial RTU-over-TCP master (TelnetPort)', () => {
  it('reads, writes, gets exceptions and times out on an unknown unit', async () => {
    await using simulator = createModbusSimulator(plantConfig(), {
      listeners: [{ transport: 'tcp', framing: 'rtu' }],
    });
    const { tcpPort } = await simulator.start();
    const client = new ModbusSerialClient();
    await client.connectTelnet('127.0.0.1', { port: tcpPort! });
    try {
      await conversation(client, simulator);
    } finally {
      await closeClient(client);
    }
  });
});
