/**
 * Modbus simulator throughput: FC 3 requests per second against the in-process simulator over
 * loopback TCP, sequential and pipelined (8 and 16 in flight) with a raw MBAP client, plus
 * modbus-serial's client for reference. Client and simulator share one process, so the CPU column
 * is the cost of both sides. Each case runs ~1 s after a short warm-up.
 */
import { connect, type Socket } from 'node:net';
import { createModbusSimulator, type SimulatorConfigInput } from '@lwm2m-adapters/modbus/simulator';
import modbusSerial from 'modbus-serial';
import { type Measurement, printTable } from './measure.js';

const DURATION_MS = 1000;
const WARMUP_MS = 200;

const benchConfig: SimulatorConfigInput = {
  tickMs: 100,
  units: [
    {
      unitId: 1,
      holdingRegisters: [
        {
          start: 0,
          count: 1000,
          points: [{ address: 0, type: 'float32', signal: { kind: 'sine', amplitude: 10, periodMs: 1000 } }],
        },
      ],
    },
  ],
};

function readRequest(transactionId: number, quantity: number): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(6, 4);
  frame[6] = 1;
  frame[7] = 0x03;
  frame.writeUInt16BE(quantity, 10);
  return frame;
}

function connectRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Keeps `inFlight` requests outstanding on one connection for the measured time; checks reply order. */
async function rawPipelined(port: number, inFlight: number, quantity: number): Promise<Measurement> {
  const socket = await connectRaw(port);
  const replyLength = 9 + 2 * quantity;
  let pending: Buffer = Buffer.alloc(0);
  let nextTransaction = 0;
  let expectedTransaction = 0;
  let completed = 0;
  let mismatches = 0;
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let measuredFrom = 0;
  const send = () => {
    socket.write(readRequest(nextTransaction, quantity));
    nextTransaction = (nextTransaction + 1) & 0xffff;
  };
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      let replies = 0;
      while (pending.length - offset >= replyLength) {
        if (pending.readUInt16BE(offset) !== expectedTransaction || pending[offset + 7] !== 0x03)
          mismatches++;
        expectedTransaction = (expectedTransaction + 1) & 0xffff;
        offset += replyLength;
        replies++;
      }
      pending = pending.subarray(offset);
      if (phase === 'measure') completed += replies;
      if (phase === 'stop') {
        if (expectedTransaction === nextTransaction) resolve();
        return;
      }
      if (replies > 1) socket.cork();
      for (let i = 0; i < replies; i++) send();
      if (replies > 1) socket.uncork();
    });
  });
  for (let i = 0; i < inFlight; i++) send();
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  phase = 'measure';
  measuredFrom = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - measuredFrom) / 1000;
  phase = 'stop';
  await done;
  socket.destroy();
  if (mismatches > 0) throw new Error(`${mismatches} replies out of order or wrong`);
  return measurement(`raw client, FC3 x${quantity}, ${inFlight} in flight`, completed, seconds, cpu);
}

/** modbus-serial's client: `inFlight` concurrent loops of awaited reads. */
async function modbusSerialLoops(port: number, inFlight: number, quantity: number): Promise<Measurement> {
  const client = new modbusSerial.default();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(2000);
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let completed = 0;
  const loop = async () => {
    while (phase !== 'stop') {
      await client.readHoldingRegisters(0, quantity);
      if (phase === 'measure') completed++;
    }
  };
  const loops = Array.from({ length: inFlight }, loop);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  phase = 'measure';
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - started) / 1000;
  phase = 'stop';
  await Promise.all(loops);
  await new Promise<void>((resolve) => client.close(() => resolve()));
  return measurement(
    `modbus-serial client, FC3 x${quantity}, ${inFlight} in flight`,
    completed,
    seconds,
    cpu,
  );
}

function measurement(name: string, ops: number, seconds: number, cpu: NodeJS.CpuUsage): Measurement {
  return {
    name,
    ops,
    opsPerSecond: ops / seconds,
    microsPerOp: (seconds * 1e6) / ops,
    cpuMicrosPerOp: (cpu.user + cpu.system) / ops,
  };
}

export async function runModbusSimulatorBench(): Promise<void> {
  await using simulator = createModbusSimulator(benchConfig);
  const { tcpPort } = await simulator.start();
  const port = tcpPort!;
  const rows: (Measurement & { bytes?: number })[] = [];
  for (const inFlight of [1, 8, 16]) {
    rows.push({ ...(await rawPipelined(port, inFlight, 10)), bytes: 9 + 20 });
  }
  rows.push({ ...(await rawPipelined(port, 16, 125)), bytes: 9 + 250 });
  for (const inFlight of [1, 16]) {
    rows.push({ ...(await modbusSerialLoops(port, inFlight, 10)), bytes: 9 + 20 });
  }
  printTable('Modbus simulator: requests/s over loopback TCP (client in the same process)', rows);
  const stats = simulator.stats();
  console.log(
    `\nsimulator counted ${stats.requests.toLocaleString('en-US')} requests, ${stats.exceptions} exceptions`,
  );
}
