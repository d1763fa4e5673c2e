import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { ModbusSerialClient } from './support/modbus-serial-client.js';
import { FLOAT_ADDRESS, plantConfig } from './support/plant-config.js';
import { RawMbapClient } from './support/raw-mbap-client.js';

describe('Modbus TCP server', () => {
  let simulator: ModbusSimulator;
  let port: number;

  beforeAll(async () => {
    simulator = createModbusSimulator(plantConfig());
    port = (await simulator.start()).tcpPort!;
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('answers every function code and its exceptions over the wire', async () => {
    const client = await RawMbapClient.connect(port);
    const ask = async (unit: number, pdu: string) =>
      (await client.request(unit, Buffer.from(pdu.replace(/\s/g, ''), 'hex'))).toString('hex');
    expect(await ask(1, '01 0000 0004')).toBe('01010d');
    expect(await ask(1, '02 0000 0002')).toBe('020102');
    expect(await ask(1, '03 0000 0002')).toBe('030400640065');
    expect(await ask(1, '04 0000 0003')).toBe('0406000700080009');
    expect(await ask(1, '05 0010 ff00')).toBe('050010ff00');
    expect(await ask(1, '06 0005 1234')).toBe('0600051234');
    expect(await ask(1, '0f 0014 0003 01 05')).toBe('0f00140003');
    expect(await ask(1, '10 0020 0002 04 0001 0002')).toBe('1000200002');
    expect(await ask(1, '01 0010 0001')).toBe('010101');
    expect(await ask(1, '03 0020 0002')).toBe('030400010002');
    expect(await ask(1, '07')).toBe('8701');
    expect(await ask(1, '03 03e8 0005')).toBe('8302');
    expect(await ask(1, '06 03e8 0001')).toBe('8602');
    expect(await ask(1, '03 0000 007e')).toBe('8303');
    expect(await ask(9, '03 0000 0001')).toBe('830b');
    const stats = simulator.stats();
    expect(stats.byFunction).toEqual({ 1: 2, 2: 1, 3: 5, 4: 1, 5: 1, 6: 2, 7: 1, 15: 1, 16: 1 });
    expect(stats).toMatchObject({ requests: 15, replies: 15, exceptions: 5, unanswered: 0 });
    await client.close();
  });

  it('serves typed points as golden register bytes', async () => {
    const client = await RawMbapClient.connect(port);
    // Holding 10: float32 21.5 ABCD = 41 AC 00 00; holding 12: float32 -3.25 CDAB = 00 00 C0 50.
    const reply = await client.request(1, [0x03, 0x00, FLOAT_ADDRESS, 0x00, 0x04]);
    expect(reply.toString('hex')).toBe('030841ac00000000c050');
    await client.close();
  });

  it('answers pipelined requests in order, with their transaction ids, in one burst', async () => {
    const client = await RawMbapClient.connect(port);
    const frames: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      frames.push(RawMbapClient.frame(1 + (i % 2), [0x03, 0x00, i % 10, 0x00, 0x01], i));
    }
    client.writeRaw(Buffer.concat(frames));
    const replies = await client.take(300, 5000);
    expect(replies.map((r) => r.transactionId)).toEqual(frames.map((_, i) => i));
    expect(replies[0]?.pdu.toString('hex')).toBe('03020064');
    expect(replies[1]?.pdu.toString('hex')).toBe('030200c9');
    expect(replies[3]?.pdu.toString('hex')).toBe('03020000');
    await client.close();
  });

  it('serves many clients at once', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawMbapClient.connect(port)));
    const results = await Promise.all(
      clients.map(
        async (client, i) => (await client.request(2, [0x03, 0x00, 0x00, 0x00, 0x01])).readUInt16BE(2) + i,
      ),
    );
    expect(results).toEqual(clients.map((_, i) => 200 + i));
    expect(simulator.stats().connections).toBeGreaterThanOrEqual(20);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('closes a connection that sends garbage, counts it, and keeps serving others', async () => {
    const before = simulator.stats().framingErrors;
    const bad = await RawMbapClient.connect(port);
    bad.writeRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await bad.waitFor(() => false, 500);
    expect(bad.closed).toBe(true);
    const huge = await RawMbapClient.connect(port);
    huge.writeRaw(Buffer.from([0, 1, 0, 0, 0xff, 0xff, 1, 3]));
    await huge.waitFor(() => false, 500);
    expect(huge.closed).toBe(true);
    expect(simulator.stats().framingErrors).toBe(before + 2);
    const good = await RawMbapClient.connect(port);
    expect((await good.request(1, [0x03, 0, 0, 0, 1])).toString('hex')).toBe('03020064');
    await good.close();
  });

  it('stops reading from a client that does not read its replies, then catches up', async () => {
    const client = await RawMbapClient.connect(port);
    const socket = client.socket;
    socket.pause();
    const requests = 40_000;
    const frame = RawMbapClient.frame(1, [0x03, 0x00, 0x00, 0x00, 0x7d], 7);
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => frame));
    const before = simulator.stats().requests;
    for (let i = 0; i < requests / 1000; i++) socket.write(burst);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const whilePaused = simulator.stats().requests - before;
    expect(whilePaused).toBeLessThan(requests);
    socket.resume();
    const replies = await client.take(requests, 15_000);
    expect(replies).toHaveLength(requests);
    expect(replies.at(-1)?.pdu.length).toBe(2 + 250);
    await client.close();
  });

  it('serves modbus-serial’s client with pipelined reads and writes', async () => {
    const client = new ModbusSerialClient();
    await client.connectTCP('127.0.0.1', { port });
    client.setID(1);
    client.setTimeout(2000);
    const reads = await Promise.all(
      Array.from({ length: 64 }, (_, i) => client.readHoldingRegisters(i % 4, 1)),
    );
    expect(reads.map((reply) => reply.data[0])).toEqual(Array.from({ length: 64 }, (_, i) => 100 + (i % 4)));
    await client.writeRegisters(50, [11, 22, 33]);
    expect((await client.readHoldingRegisters(50, 3)).data).toEqual([11, 22, 33]);
    expect((await client.readHoldingRegisters(FLOAT_ADDRESS, 2)).buffer.readFloatBE(0)).toBe(21.5);
    await client.writeCoil(30, true);
    expect((await client.readCoils(30, 1)).data[0]).toBe(true);
    expect((await client.readDiscreteInputs(0, 2)).data.slice(0, 2)).toEqual([false, true]);
    expect((await client.readInputRegisters(0, 3)).data).toEqual([7, 8, 9]);
    await expect(client.readHoldingRegisters(5000, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await new Promise<void>((resolve) => client.close(() => resolve()));
  });

  it('start and close are idempotent; a closed simulator does not start again', async () => {
    const local = createModbusSimulator(plantConfig());
    const [a, b] = await Promise.all([local.start(), local.start()]);
    expect(a).toBe(b);
    await Promise.all([local.close(), local.close()]);
    await local.close();
    await expect(local.start()).rejects.toThrow(/closed/);
    await expect(RawMbapClient.connect(a.tcpPort!)).rejects.toThrow();
  });

  it('fails to start on a port in use and releases what it opened', async () => {
    const local = createModbusSimulator(plantConfig(), {
      listeners: [
        { transport: 'tcp', port: 0 },
        { transport: 'tcp', port },
      ],
    });
    await expect(local.start()).rejects.toThrow(/EADDRINUSE/);
    await local.close();
  });
});
