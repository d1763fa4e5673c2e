import { afterAll, beforeAll, describe } from 'vitest';
import { type MbpollTarget, requireMbpoll } from '../../../../test/peers/mbpoll.js';
import { createModbusSimulator, type ModbusSimulator } from '../../src/simulator/index.js';
import { mbpollConversation } from './support/mbpoll-suite.js';
import { plantConfig } from './support/plant-config.js';

describe('mbpoll against the simulator over Modbus TCP', () => {
  let simulator: ModbusSimulator;
  let target: MbpollTarget;

  beforeAll(async () => {
    await requireMbpoll();
    simulator = createModbusSimulator(plantConfig());
    const { tcpPort } = await simulator.start();
    target = { mode: 'tcp', port: tcpPort! };
  });

  afterAll(async () => {
    await simulator?.close();
  });

  mbpollConversation(() => ({ simulator, target }));
});
