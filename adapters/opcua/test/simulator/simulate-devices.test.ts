/** simulateOpcuaDevices: a mapping's OPC UA devices served where their endpoints point. */
import { simulateDevices } from '@lwm2m-adapters/sdk';
import { AttributeIds } from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import { opcuaConnectionSchema } from '../../src/config/connection-schema.js';
import { opcuaPointSchema } from '../../src/config/point-schema.js';
import { simulateOpcuaDevices } from '../../src/simulator/index.js';
import { freeTcpPort } from './free-tcp-port.js';
import { connectTestClient } from './opcua-test-client.js';

const access = { read: true, write: true, execute: false };

describe('simulateOpcuaDevices', () => {
  it('serves local devices grouped by endpoint and lists the others with the reason', async () => {
    const port = await freeTcpPort();
    const endpoint = `opc.tcp://127.0.0.1:${port}`;
    const device = (
      deviceId: string,
      connection: object,
      points: { id: string; source: object; values?: (string | number | boolean)[] }[],
    ) => ({
      deviceId,
      connection: opcuaConnectionSchema.parse(connection),
      points: points.map((p) => ({ ...p, source: opcuaPointSchema.parse(p.source), access })),
    });
    const simulation = await simulateOpcuaDevices([
      device('boiler', { endpoint, user: { type: 'username', username: 'op', password: 'pw' } }, [
        { id: 't', source: { node: '/2:Boiler1/2:Temperature', type: 'Double' } },
        { id: 'mode', source: { node: 'nsu=urn:plant:a;s=Mode', type: 'Int32' }, values: [3, 7] },
        { id: 'big', source: { node: 'ns=3;s=Big', type: 'UInt64' } },
        { id: 'reset', source: { object: '/2:Boiler1', method: '/2:Boiler1/2:Reset' } },
      ]),
      device('pump', { endpoint: `opc.tcp://localhost:${port}` }, [
        { id: 's', source: { node: 'ns=2;i=7', type: 'Boolean', array: true } },
      ]),
      device('remote', { endpoint: 'opc.tcp://10.1.2.3:4840' }, []),
      device('secure', { endpoint, securityPolicy: 'Basic256Sha256', pkiFolder: '/tmp/nowhere' }, []),
    ]);
    try {
      expect(simulation.simulators).toHaveLength(1);
      const handle = simulation.simulators[0];
      expect(handle?.deviceIds).toEqual(['boiler', 'pump']);
      expect(handle?.listeners).toEqual([{ protocol: 'opc.tcp', address: `127.0.0.1:${port}` }]);
      expect(simulation.unsimulated.map((u) => u.deviceId)).toEqual(['remote', 'secure']);
      expect(simulation.unsimulated[0]?.reason).toMatch(/not on this machine/);
      expect(simulation.unsimulated[1]?.reason).toMatch(/trustUnknownServerCertificate/);

      await using test = await connectTestClient(endpoint, { username: 'op', password: 'pw' });
      const ns = (await test.session.readNamespaceArray()).indexOf('urn:plant:a');
      expect(ns).toBeGreaterThan(2);
      const mode = await test.session.read({ nodeId: `ns=${ns};s=Mode`, attributeId: AttributeIds.Value });
      expect([3, 7]).toContain(mode.value.value);
      const big = await test.session.read({ nodeId: 'ns=3;s=Big', attributeId: AttributeIds.Value });
      expect(big.statusCode.name).toBe('Good');
      const flags = await test.session.read({ nodeId: 'ns=2;i=7', attributeId: AttributeIds.Value });
      expect(flags.value.arrayType).toBe(1);
      const path = await test.session.translateBrowsePath({
        startingNode: 'i=85',
        relativePath: {
          elements: ['Boiler1', 'Reset'].map((name) => ({
            referenceTypeId: 'i=33',
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 2, name },
          })),
        },
      });
      const methodId = path.targets?.[0]?.targetId.toString() as string;
      const objectId = (
        await test.session.browse({ nodeId: methodId, browseDirection: 2 })
      ).references?.[0]?.nodeId.toString() as string;
      expect((await test.session.call({ objectId, methodId, inputArguments: [] })).statusCode.name).toBe(
        'Good',
      );
    } finally {
      await Promise.all(simulation.simulators.map((s) => s.close()));
    }
  }, 60_000);

  it('passes the SDK host-side checks (one answer per device)', async () => {
    const port = await freeTcpPort();
    const adapter = {
      name: 'opcua',
      connectionSchema: opcuaConnectionSchema,
      pointSchema: opcuaPointSchema,
      simulate: simulateOpcuaDevices,
    } as unknown as Parameters<typeof simulateDevices>[0];
    const simulation = await simulateDevices(adapter, [
      {
        deviceId: 'd',
        connection: { endpoint: `opc.tcp://127.0.0.1:${port}` },
        points: [{ id: 'p', source: { node: 'ns=2;s=X', type: 'Float' }, access }],
      },
    ]);
    await Promise.all(simulation.simulators.map((s) => s.close()));
    expect(simulation.simulators[0]?.deviceIds).toEqual(['d']);
  }, 60_000);
});
