import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { expect, it } from 'vitest';
import { adapter } from '../../src/index.js';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { allTypesConfig } from '../simulator/all-types-config.js';

const rw = { read: true, write: true, execute: false } as const;

/** Points on the simulator's all-types configuration (every type, NodeIds in four forms, a browse path, nsu=). */
const points = [
  { id: 'Boolean', source: { node: 'ns=2;s=Bool', type: 'Boolean' }, access: rw },
  { id: 'SByte', source: { node: 'ns=2;s=SByte', type: 'SByte' }, access: rw },
  { id: 'Int32', source: { node: 'ns=2;i=1001', type: 'Int32' }, access: rw },
  {
    id: 'UInt32',
    source: { node: 'ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a', type: 'UInt32' },
    access: rw,
  },
  { id: 'Int64', source: { node: 'ns=2;b=M/RbKBsRVkePCePcx24oRA==', type: 'Int64' }, access: rw },
  { id: 'UInt64', source: { node: 'ns=2;s=UInt64', type: 'UInt64' }, access: rw },
  { id: 'Float', source: { node: 'ns=2;s=Float', type: 'Float' }, access: rw },
  { id: 'String', source: { node: 'ns=2;s=String', type: 'String' }, access: rw },
  { id: 'DateTime', source: { node: 'ns=2;s=DateTime', type: 'DateTime' }, access: rw },
  { id: 'ByteString', source: { node: 'ns=2;s=ByteString', type: 'ByteString' }, access: rw },
  { id: 'Int64Array', source: { node: 'ns=2;s=Int64Array', type: 'Int64', array: true }, access: rw },
  { id: 'ReadOnly', source: { node: 'nsu=urn:test:plant;s=ReadOnly', type: 'Int32' }, access: rw },
  { id: 'Temperature', source: { node: '/2:Boiler1/2:Temperature', type: 'Double' }, access: rw },
  { id: 'Setpoint', source: { node: 'ns=2;s=Boiler1.Setpoint', type: 'Double' }, access: rw },
  {
    id: 'Echo',
    source: { object: '/2:Boiler1', method: '/2:Boiler1/2:Echo' },
    access: { read: false, write: false, execute: true },
  },
];
const readable = points.filter((p) => p.access.read).map((p) => p.id);

describeAdapterConformance('opcua (default instance) against the OPC UA simulator', {
  adapter,
  recoveryTimeoutMs: 10_000,
  async setup() {
    let simulator = new OpcuaSimulator(allTypesConfig, { port: 0 });
    await simulator.start();
    const port = simulator.port;
    let running = true;
    return {
      connection: { endpoint: simulator.endpointUrl, reconnect: { initialMs: 100, maxMs: 1000 } },
      points,
      readable,
      writes: [
        { pointId: 'Setpoint', value: 61.25 },
        { pointId: 'Int64', value: -(2n ** 63n) },
        { pointId: 'DateTime', value: new Date('2030-01-01T00:00:00.001Z') },
        { pointId: 'Int64Array', value: [1n, 2n ** 62n] },
      ],
      invalidWrites: [
        { pointId: 'SByte', value: 128 },
        { pointId: 'UInt64', value: -1n },
      ],
      unknownPoint: { id: 'Missing', source: { node: 'ns=2;s=Missing', type: 'Double' }, access: rw },
      stopDevice: async () => {
        running = false;
        await simulator.close();
      },
      restartDevice: async () => {
        simulator = new OpcuaSimulator(allTypesConfig, { port });
        await simulator.start();
        running = true;
      },
      teardown: async () => {
        if (running) await simulator.close();
      },
    };
  },
  additionalTests: ({ session }) => {
    it('executes a method with typed arguments', async () => {
      await session().execute('Echo', "0='hi',1='42'");
      await expect(session().execute('Echo', "0='hi',1='x'")).rejects.toMatchObject({
        code: 'WRITE_VALUE_INVALID',
      });
    });
    it('maps a write the server refuses (not writable) to a coded error with the status in details', async () => {
      await expect(session().write('ReadOnly', 1)).rejects.toMatchObject({
        details: { opcuaStatus: expect.stringMatching(/^Bad/) },
      });
    });
  },
});
