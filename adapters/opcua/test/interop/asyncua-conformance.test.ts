import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { adapter } from '../../src/index.js';
import { asyncuaPoints } from '../support/asyncua-points.js';

/** The points the conformance suite reads and subscribes to: every type, arrays, a browse path, nsu=. */
const CONFORMANCE_IDS = [
  'Boolean',
  'SByte',
  'Byte',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
  'Float',
  'Double',
  'String',
  'ByteString',
  'DateTime',
  'DoubleArray',
  'Int64Array',
  'Temperature',
  'Setpoint',
];

describeAdapterConformance('opcua (default instance) against asyncua', {
  adapter,
  recoveryTimeoutMs: 10_000,
  async setup() {
    const server = await startAsyncuaServer();
    const all = asyncuaPoints(server.ns);
    const unknownPoint = all.find((p) => p.id === 'Missing');
    if (unknownPoint === undefined) throw new Error('asyncuaPoints has no Missing point');
    return {
      connection: { endpoint: server.endpoint, reconnect: { initialMs: 100, maxMs: 1000 } },
      points: all.filter((p) => CONFORMANCE_IDS.includes(p.id)),
      readable: CONFORMANCE_IDS,
      writes: [
        { pointId: 'Int64', value: -(2n ** 63n) },
        { pointId: 'UInt64', value: 2n ** 64n - 1n },
        { pointId: 'Float', value: 0.1 },
        { pointId: 'String', value: 'conformance' },
        { pointId: 'ByteString', value: new Uint8Array([1, 2, 3]) },
        { pointId: 'Setpoint', value: 55.5 },
        { pointId: 'DateTime', value: new Date('2031-02-03T04:05:06.789Z') },
        { pointId: 'Int64Array', value: [2n ** 63n - 1n, -(2n ** 63n)] },
      ],
      invalidWrites: [
        { pointId: 'Byte', value: 256 },
        { pointId: 'Int64', value: 2n ** 63n },
        { pointId: 'Float', value: 1e39 },
        { pointId: 'Boolean', value: 'yes' },
        { pointId: 'DateTime', value: new Date(Number.NaN) },
        { pointId: 'Int64Array', value: [1n, 2n ** 63n] },
      ],
      unknownPoint,
      stopDevice: () => server.stop(),
      restartDevice: () => server.start(),
      teardown: () => server.stop(),
    };
  },
});
