/** asyncua's client (a stack we did not write) reads, writes and calls methods on our simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { allTypesConfig } from './all-types-config.js';
import { runAsyncuaClient } from './asyncua-client.js';

let simulator: OpcuaSimulator;

beforeAll(async () => {
  simulator = new OpcuaSimulator({
    ...allTypesConfig,
    security: { allowAnonymous: false, users: [{ username: 'op', password: 'secret' }] },
  });
  await simulator.start();
}, 60_000);

afterAll(async () => {
  await simulator?.close();
});

const user = { username: 'op', password: 'secret' } as const;

describe('asyncua client against the simulator', () => {
  it('reads every type exactly', async () => {
    const nodes = [
      'ns=2;s=Bool',
      'ns=2;s=SByte',
      'ns=2;s=UInt16',
      'ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a',
      'ns=2;b=M/RbKBsRVkePCePcx24oRA==',
      'ns=2;s=UInt64',
      'ns=2;s=Float',
      'ns=2;s=Double',
      'ns=2;s=String',
      'ns=2;s=DateTime',
      'ns=2;s=ByteString',
      'ns=2;s=Int64Array',
    ];
    const results = await runAsyncuaClient({
      endpoint: simulator.endpointUrl,
      ...user,
      ops: nodes.map((node) => ({ op: 'read', node })),
    });
    expect(results.map((r) => [r.type, r.value])).toEqual([
      ['Boolean', { bool: true }],
      ['SByte', { int: '-5' }],
      ['UInt16', { int: '60000' }],
      ['UInt32', { int: '4000000000' }],
      ['Int64', { int: '-9007199254740993' }],
      ['UInt64', { int: '18446744073709551615' }],
      ['Float', { float: 1.5 }],
      ['Double', { float: 1234.56789012345 }],
      ['String', { str: 'hello' }],
      ['DateTime', { time: '2026-01-02T03:04:05.678000+00:00' }],
      ['ByteString', { bytes: 'AQID/w==' }],
      ['Int64', { list: [{ int: '9223372036854775807' }, { int: '-1' }] }],
    ]);
  }, 60_000);

  it('writes (64-bit exact), gets BadTypeMismatch for a wrong type, and calls methods', async () => {
    const results = await runAsyncuaClient({
      endpoint: simulator.endpointUrl,
      ...user,
      ops: [
        { op: 'write', node: 'ns=2;s=UInt64', type: 'UInt64', value: '12345678901234567890' },
        { op: 'write', node: 'ns=2;i=1001', type: 'String', value: 'nope' },
        { op: 'browse_path', path: ['2:Boiler1', '2:Echo'] },
        {
          op: 'call',
          object: 'ns=2;s=Controls',
          method: 'ns=2;s=Controls.Reset',
        },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(['Good', 'BadTypeMismatch', 'Good', 'Good']);
    expect(simulator.value('ns=2;s=UInt64')).toBe(12345678901234567890n);
    expect(results[1]?.status).toBe('BadTypeMismatch');
    expect(results[3]?.status).toBe('Good');
    const echo = results[2]?.node as string;
    const called = await runAsyncuaClient({
      endpoint: simulator.endpointUrl,
      ...user,
      ops: [
        {
          op: 'call',
          object: (
            await runAsyncuaClient({
              endpoint: simulator.endpointUrl,
              ...user,
              ops: [{ op: 'browse_path', path: ['2:Boiler1'] }],
            })
          )[0]?.node as string,
          method: echo,
          args: [
            { type: 'String', value: 'from python' },
            { type: 'Int32', value: '-7' },
          ],
        },
      ],
    });
    expect(called[0]).toEqual({ status: 'Good', value: { list: [{ str: 'from python' }, { int: '-7' }] } });
    expect(simulator.calls().at(-1)).toEqual({ method: '/2:Boiler1/2:Echo', inputs: ['from python', -7] });
  }, 60_000);
});
