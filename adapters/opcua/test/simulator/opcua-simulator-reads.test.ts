/** The simulator as node-opcua's own client sees it: every type read exactly, writes, methods. */
import {
  AttributeIds,
  ClientMonitoredItem,
  ClientSubscription,
  DataType,
  StatusCodes,
  TimestampsToReturn,
  Variant,
  VariantArrayType,
} from 'node-opcua-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { allTypesConfig } from './all-types-config.js';
import { connectTestClient, type TestClient } from './opcua-test-client.js';

let simulator: OpcuaSimulator;
let test: TestClient;

beforeAll(async () => {
  simulator = new OpcuaSimulator(allTypesConfig);
  await simulator.start();
  test = await connectTestClient(simulator.endpointUrl);
}, 60_000);

afterAll(async () => {
  await test?.close();
  await simulator?.close();
});

async function read(nodeId: string) {
  return test.session.read({ nodeId, attributeId: AttributeIds.Value });
}

describe('OpcuaSimulator reads', () => {
  it('listens on 127.0.0.1 with the namespaces registered in order', () => {
    expect(simulator.endpointUrl).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.namespaces[2]).toBe('urn:test:plant');
  });

  it.each([
    ['ns=2;s=Bool', DataType.Boolean, true],
    ['ns=2;s=SByte', DataType.SByte, -5],
    ['ns=2;s=Byte', DataType.Byte, 200],
    ['ns=2;s=Int16', DataType.Int16, -30000],
    ['ns=2;s=UInt16', DataType.UInt16, 60000],
    ['ns=2;i=1001', DataType.Int32, -2000000000],
    ['ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a', DataType.UInt32, 4000000000],
    ['ns=2;s=Float', DataType.Float, 1.5],
    ['ns=2;s=Double', DataType.Double, 1234.56789012345],
    ['ns=2;s=String', DataType.String, 'hello'],
    ['ns=2;s=DateTime', DataType.DateTime, new Date('2026-01-02T03:04:05.678Z')],
    ['ns=2;s=ByteString', DataType.ByteString, Buffer.from([1, 2, 3, 255])],
    ['ns=2;s=ReadOnly', DataType.Int32, 7],
  ])('%s reads as its type and value', async (nodeId, dataType, value) => {
    const dv = await read(nodeId);
    expect(dv.statusCode.name).toBe('Good');
    expect(dv.value.dataType).toBe(dataType);
    expect(dv.value.value).toEqual(value);
  });

  it('reads Int64 and UInt64 exactly beyond 2^53 (high and low words)', async () => {
    const int64 = await read('ns=2;b=M/RbKBsRVkePCePcx24oRA==');
    expect(int64.value.dataType).toBe(DataType.Int64);
    // -9007199254740993 in two's complement: 0xFFDFFFFF_FFFFFFFF
    expect(int64.value.value).toEqual([0xffdfffff, 0xffffffff]);
    const uint64 = await read('ns=2;s=UInt64');
    expect(uint64.value.value).toEqual([0xffffffff, 0xffffffff]);
    expect(simulator.value('ns=2;s=UInt64')).toBe(18446744073709551615n);
    expect(simulator.value('ns=2;b=M/RbKBsRVkePCePcx24oRA==')).toBe(-9007199254740993n);
  });

  it('reads arrays', async () => {
    const doubles = await read('ns=2;s=DoubleArray');
    expect(doubles.value.arrayType).toBe(VariantArrayType.Array);
    expect(Array.from(doubles.value.value as Float64Array)).toEqual([1.5, 2.5, 3.5]);
    const longs = await read('ns=2;s=Int64Array');
    expect(longs.value.value).toEqual([
      [0x7fffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
    ]);
  });

  it('finds variables by browse path, with EngineeringUnits', async () => {
    const result = await test.session.translateBrowsePath({
      startingNode: 'i=85',
      relativePath: {
        elements: [
          {
            referenceTypeId: 'i=33',
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 2, name: 'Boiler1' },
          },
          {
            referenceTypeId: 'i=33',
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 2, name: 'Temperature' },
          },
        ],
      },
    });
    expect(result.statusCode.name).toBe('Good');
    const nodeId = result.targets?.[0]?.targetId.toString() as string;
    expect((await read(nodeId)).value.value).toBe(21.5);
    const browse = await test.session.browse(nodeId);
    const units = browse.references?.find((r) => r.browseName.name === 'EngineeringUnits');
    expect(units).toBeDefined();
    const eu = await read(units?.nodeId.toString() as string);
    expect((eu.value.value as { displayName: { text: string } }).displayName.text).toBe('°C');
  });

  it('places a NodeId variable at its path too', async () => {
    const browse = await test.session.browse('ns=2;s=Boiler1.Setpoint');
    expect(browse.statusCode.name).toBe('Good');
    expect((await read('ns=2;s=Boiler1.Setpoint')).value.value).toBe(50);
  });

  it('drives signals', async () => {
    const first = (await read('ns=2;s=Ramp')).value.value as number;
    await new Promise((resolve) => setTimeout(resolve, 350));
    const second = (await read('ns=2;s=Ramp')).value.value as number;
    expect(second).not.toBe(first);
  });
});

describe('OpcuaSimulator writes and methods', () => {
  it('writes a value of the right type and reads it back', async () => {
    const status = await test.session.write({
      nodeId: 'ns=2;s=Int16',
      attributeId: AttributeIds.Value,
      value: { value: new Variant({ dataType: DataType.Int16, value: 1234 }) },
    });
    expect(status.name).toBe('Good');
    expect((await read('ns=2;s=Int16')).value.value).toBe(1234);
    expect(simulator.value('ns=2;s=Int16')).toBe(1234);
  });

  it('writes UInt64 exactly', async () => {
    const status = await test.session.write({
      nodeId: 'ns=2;s=UInt64',
      attributeId: AttributeIds.Value,
      value: {
        value: new Variant({
          dataType: DataType.UInt64,
          arrayType: VariantArrayType.Scalar,
          value: [0x80000000, 1],
        }),
      },
    });
    expect(status.name).toBe('Good');
    expect(simulator.value('ns=2;s=UInt64')).toBe(2n ** 63n + 1n);
  });

  it('refuses a write of the wrong type and a write to a read-only variable', async () => {
    const mismatch = await test.session.write({
      nodeId: 'ns=2;s=Int16',
      attributeId: AttributeIds.Value,
      value: { value: new Variant({ dataType: DataType.String, value: 'x' }) },
    });
    expect(mismatch.name).toBe('BadTypeMismatch');
    const readOnly = await test.session.write({
      nodeId: 'ns=2;s=ReadOnly',
      attributeId: AttributeIds.Value,
      value: { value: new Variant({ dataType: DataType.Int32, value: 8 }) },
    });
    expect(readOnly.name).toMatch(/^Bad(NotWritable|UserAccessDenied)$/);
  });

  it('calls an echo method with typed arguments', async () => {
    const path = await test.session.translateBrowsePath({
      startingNode: 'i=85',
      relativePath: {
        elements: ['Boiler1', 'Echo'].map((name) => ({
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
    const result = await test.session.call({
      objectId,
      methodId,
      inputArguments: [
        new Variant({ dataType: DataType.String, value: 'abc' }),
        new Variant({ dataType: DataType.Int32, value: 42 }),
      ],
    });
    expect(result.statusCode.name).toBe('Good');
    expect(result.outputArguments?.map((v) => v.value)).toEqual(['abc', 42]);
    expect(simulator.calls().at(-1)).toEqual({ method: '/2:Boiler1/2:Echo', inputs: ['abc', 42] });
    const wrongCount = await test.session.call({ objectId, methodId, inputArguments: [] });
    expect(wrongCount.statusCode.name).toBe('BadArgumentsMissing');
  });

  it('sets and resets a variable by method', async () => {
    const objectId = (
      await test.session.browse({ nodeId: 'ns=2;s=Boiler1.SetSetpoint', browseDirection: 2 })
    ).references?.[0]?.nodeId.toString() as string;
    const set = await test.session.call({
      objectId,
      methodId: 'ns=2;s=Boiler1.SetSetpoint',
      inputArguments: [new Variant({ dataType: DataType.Double, value: 77.5 })],
    });
    expect(set.statusCode.name).toBe('Good');
    expect((await read('ns=2;s=Boiler1.Setpoint')).value.value).toBe(77.5);
    const reset = await test.session.call({
      objectId: 'ns=2;s=Controls',
      methodId: 'ns=2;s=Controls.Reset',
      inputArguments: [],
    });
    expect(reset.statusCode.name).toBe('Good');
    expect((await read('ns=2;s=Boiler1.Setpoint')).value.value).toBe(50);
  });

  it('answers BadNodeIdUnknown for a node it does not have', async () => {
    expect((await read('ns=2;s=Missing')).statusCode).toBe(StatusCodes.BadNodeIdUnknown);
  });
});

describe('OpcuaSimulator subscriptions', () => {
  it('reports signal changes to a monitored item', async () => {
    const subscription = ClientSubscription.create(test.session, {
      requestedPublishingInterval: 100,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: 10,
      publishingEnabled: true,
    });
    try {
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId: 'ns=2;s=Ramp', attributeId: AttributeIds.Value },
        { samplingInterval: 50, queueSize: 1, discardOldest: true },
        TimestampsToReturn.Both,
      );
      const values = await new Promise<number[]>((resolve) => {
        const seen: number[] = [];
        item.on('changed', (dv) => {
          seen.push(dv.value.value as number);
          if (seen.length === 3) resolve(seen);
        });
      });
      expect(new Set(values).size).toBe(3);
    } finally {
      await subscription.terminate();
    }
  }, 30_000);
});
