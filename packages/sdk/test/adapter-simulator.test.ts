import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AdapterSimulation,
  defineAdapter,
  isAdapterDefinition,
  SDK_VERSION,
  type SimulationDevice,
  type SimulationRequest,
  simulateDevices,
  simulatorHandle,
} from '../src/index.js';

const connectionSchema = z.object({ host: z.string(), port: z.coerce.number().default(502) });
const pointSchema = z.object({ address: z.number(), scale: z.number().default(1) });
type Connection = z.infer<typeof connectionSchema>;
type Point = z.infer<typeof pointSchema>;

function fakeAdapter(
  simulate?: (devices: readonly SimulationDevice<Connection, Point>[]) => Promise<unknown>,
) {
  return defineAdapter<Connection, Point>({
    name: 'fake',
    version: '1.0.0',
    sdkVersion: `^${SDK_VERSION}`,
    capabilities: { read: true, write: false, execute: false, subscribe: false },
    connectionSchema,
    pointSchema,
    pointValueKind: () => 'number',
    validateWrite: () => {},
    createSession: () => {
      throw new Error('not used');
    },
    ...(simulate === undefined ? {} : { simulate: simulate as () => Promise<AdapterSimulation> }),
  });
}

const access = { read: true, write: false, execute: false };
const requests: SimulationRequest[] = [
  {
    deviceId: 'a',
    connection: { host: '127.0.0.1', port: '5020' },
    points: [{ id: '/3303/0/5700', source: { address: 1 }, access, values: [0, 1] }],
  },
  { deviceId: 'b', connection: { host: '127.0.0.1' }, points: [] },
];

/** A handle whose close calls are counted. */
function countedHandle(deviceIds: string[]) {
  const closed = { count: 0 };
  const handle = simulatorHandle({
    deviceIds,
    listeners: [{ protocol: 'tcp', address: '127.0.0.1:5020' }],
    detail: 'unit 1',
    close: async () => {
      closed.count += 1;
    },
  });
  return { handle, closed };
}

describe('simulateDevices', () => {
  it('leaves every device of an adapter without a simulator unsimulated, saying why', async () => {
    expect(await simulateDevices(fakeAdapter(), requests)).toEqual({
      simulators: [],
      unsimulated: [
        { deviceId: 'a', reason: 'adapter "fake" has no simulator; not simulated' },
        { deviceId: 'b', reason: 'adapter "fake" has no simulator; not simulated' },
      ],
    });
  });

  it("hands the adapter connections and points as its schemas return them, with the points' values", async () => {
    let given: readonly SimulationDevice<Connection, Point>[] = [];
    const { handle } = countedHandle(['a']);
    const adapter = fakeAdapter(async (devices) => {
      given = devices;
      return { simulators: [handle], unsimulated: [{ deviceId: 'b', reason: 'no points' }] };
    });
    const simulation = await simulateDevices(adapter, requests);
    expect(given).toEqual([
      {
        deviceId: 'a',
        connection: { host: '127.0.0.1', port: 5020 },
        points: [{ id: '/3303/0/5700', source: { address: 1, scale: 1 }, access, values: [0, 1] }],
      },
      { deviceId: 'b', connection: { host: '127.0.0.1', port: 502 }, points: [] },
    ]);
    expect(simulation.simulators[0]).toBe(handle);
    expect(simulation.unsimulated).toEqual([{ deviceId: 'b', reason: 'no points' }]);
  });

  it.each([
    ['a device left out', (h: unknown) => ({ simulators: [h], unsimulated: [] }), /"b" is neither simulated/],
    [
      'a device answered twice',
      (h: unknown) => ({
        simulators: [h],
        unsimulated: [
          { deviceId: 'a', reason: 'x' },
          { deviceId: 'b', reason: 'x' },
        ],
      }),
      /"a" is answered 2 times/,
    ],
    [
      'a device not asked for',
      (h: unknown) => ({
        simulators: [h],
        unsimulated: [
          { deviceId: 'b', reason: 'x' },
          { deviceId: 'c', reason: 'x' },
        ],
      }),
      /"c" was not asked for/,
    ],
    [
      'an empty reason',
      (h: unknown) => ({ simulators: [h], unsimulated: [{ deviceId: 'b', reason: '' }] }),
      /unsimulated\.0\.reason/,
    ],
  ])(
    'rejects an answer with %s as ADAPTER_INVALID and closes what it started',
    async (_, answer, message) => {
      const { handle, closed } = countedHandle(['a']);
      await expect(
        simulateDevices(
          fakeAdapter(async () => answer(handle)),
          requests,
        ),
      ).rejects.toMatchObject({
        code: 'ADAPTER_INVALID',
        message: expect.stringMatching(message),
      });
      expect(closed.count).toBe(1);
    },
  );

  it('rejects a handle that cannot be disposed, closing it', async () => {
    let closes = 0;
    const bare = {
      deviceIds: ['a', 'b'],
      listeners: [{ protocol: 'tcp', address: '127.0.0.1:5020' }],
      close: async () => {
        closes += 1;
      },
    };
    await expect(
      simulateDevices(
        fakeAdapter(async () => ({ simulators: [bare], unsimulated: [] })),
        requests,
      ),
    ).rejects.toMatchObject({
      code: 'ADAPTER_INVALID',
      message: expect.stringContaining('needs [Symbol.asyncDispose]'),
    });
    expect(closes).toBe(1);
  });

  it('asks nothing of the adapter for no devices', async () => {
    const adapter = fakeAdapter(async () => {
      throw new Error('must not be called');
    });
    expect(await simulateDevices(adapter, [])).toEqual({ simulators: [], unsimulated: [] });
  });
});

describe('simulatorHandle', () => {
  it('closes once, through close() or await using', async () => {
    const { handle, closed } = countedHandle(['a']);
    {
      await using _disposed = handle;
      await handle.close();
    }
    await handle.close();
    expect(closed.count).toBe(1);
    expect(handle).toMatchObject({ deviceIds: ['a'], detail: 'unit 1' });
    expect(Object.isFrozen(handle)).toBe(true);
  });
});

it('an adapter definition whose simulate is not a function is not an adapter definition', () => {
  const adapter = fakeAdapter();
  expect(isAdapterDefinition(adapter)).toBe(true);
  expect(isAdapterDefinition({ ...adapter, simulate: 'yes' })).toBe(false);
});
