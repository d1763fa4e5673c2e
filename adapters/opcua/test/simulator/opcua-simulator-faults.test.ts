/** Fault injection as a node-opcua client sees it: Bad status, slow responses, dropped connections, restart. */
import { AttributeIds, DataType, Variant } from 'node-opcua-client';
import { afterEach, describe, expect, it } from 'vitest';
import { OpcuaSimulator, type OpcuaSimulatorConfigInput } from '../../src/simulator/index.js';
import { connectTestClient, type TestClient } from './opcua-test-client.js';

const config: OpcuaSimulatorConfigInput = {
  variables: [
    { node: 'ns=2;s=A', type: 'Double', value: 1.5 },
    { node: '/2:Pump/2:Speed', type: 'Int32', value: 10 },
  ],
  faults: { badStatus: [{ node: '/2:Pump/2:Speed', status: 'BadSensorFailure', on: 'read' }] },
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setUp(): Promise<{ simulator: OpcuaSimulator; test: TestClient }> {
  const simulator = new OpcuaSimulator(config);
  open.push(simulator);
  await simulator.start();
  const test = await connectTestClient(simulator.endpointUrl);
  open.push(test);
  return { simulator, test };
}

const readA = (test: TestClient) =>
  test.session.read({ nodeId: 'ns=2;s=A', attributeId: AttributeIds.Value });
const writeA = (test: TestClient, value: number) =>
  test.session.write({
    nodeId: 'ns=2;s=A',
    attributeId: AttributeIds.Value,
    value: { value: new Variant({ dataType: DataType.Double, value }) },
  });

describe('OpcuaSimulator faults', () => {
  it('answers the configured Bad status on reads, and a chosen one on writes, until cleared', async () => {
    const { simulator, test } = await setUp();
    const speed = (
      await test.session.translateBrowsePath({
        startingNode: 'i=85',
        relativePath: {
          elements: ['Pump', 'Speed'].map((name) => ({
            referenceTypeId: 'i=33',
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 2, name },
          })),
        },
      })
    ).targets?.[0]?.targetId.toString() as string;
    const readSpeed = await test.session.read({ nodeId: speed, attributeId: AttributeIds.Value });
    expect(readSpeed.statusCode.name).toBe('BadSensorFailure');

    simulator.setBadStatus('ns=2;s=A', 'BadNodeIdUnknown', 'both');
    expect((await readA(test)).statusCode.name).toBe('BadNodeIdUnknown');
    expect((await writeA(test, 2)).name).toBe('BadNodeIdUnknown');
    simulator.setBadStatus('ns=2;s=A', 'BadDeviceFailure', 'write');
    expect((await readA(test)).statusCode.name).toBe('Good');
    expect((await writeA(test, 2)).name).toBe('BadDeviceFailure');
    simulator.clearBadStatus();
    expect((await writeA(test, 3)).name).toBe('Good');
    expect((await readA(test)).value.value).toBe(3);
  });

  it('handles requests no sooner than the delay while slow', async () => {
    const { simulator, test } = await setUp();
    simulator.setResponseDelay(800);
    const started = performance.now();
    expect((await readA(test)).value.value).toBe(1.5);
    // A lower bound only (timers never fire early): the read waited for the injected delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(790);
    simulator.setResponseDelay(0);
  });

  it('drops client connections and stays up for new ones', async () => {
    const { simulator, test } = await setUp();
    const closed = new Promise<void>((resolve) => test.client.once('connection_lost', () => resolve()));
    expect(simulator.dropConnections()).toBeGreaterThanOrEqual(1);
    await closed;
    const again = await connectTestClient(simulator.endpointUrl);
    open.push(again);
    expect((await readA(again)).value.value).toBe(1.5);
  });

  it('restarts on the same port with the values it had', async () => {
    const { simulator, test } = await setUp();
    expect((await writeA(test, 42.25)).name).toBe('Good');
    const port = simulator.port;
    await simulator.restart(200);
    expect(simulator.port).toBe(port);
    const again = await connectTestClient(simulator.endpointUrl);
    open.push(again);
    expect((await readA(again)).value.value).toBe(42.25);
  });

  it('start and close are idempotent; a closed simulator does not start again', async () => {
    const simulator = new OpcuaSimulator(config);
    await Promise.all([simulator.start(), simulator.start()]);
    await Promise.all([simulator.close(), simulator.close()]);
    await expect(simulator.start()).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
  });
});
