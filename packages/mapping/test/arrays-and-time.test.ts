import { isCodedError } from '@lwm2m-adapters/errors';
import { type AdapterDefinition, defineAdapter, type RawValueKind, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CompiledBoundPoint,
  compiledMappingSchema,
  fromPointValue,
  toPointValue,
} from '../src/index.js';
import { compileIssues, compileOk, yaml } from './support/compile-text.js';

/** An OPC UA-like adapter: variables of a type, scalars or arrays. */
const variableSchema = z.strictObject({
  node: z.string(),
  type: z.enum(['Double', 'Int32', 'DateTime', 'String']),
  array: z.boolean().default(false),
});
type Variable = z.output<typeof variableSchema>;
const KINDS: Record<Variable['type'], RawValueKind> = {
  Double: 'number',
  Int32: 'integer',
  DateTime: 'time',
  String: 'string',
};
const variables = defineAdapter<{ endpoint: string }, Variable>({
  name: 'variables',
  version: '1.0.0',
  sdkVersion: `^${SDK_VERSION}`,
  capabilities: { read: true, write: true, execute: false, subscribe: true },
  connectionSchema: z.strictObject({ endpoint: z.string() }),
  pointSchema: variableSchema,
  pointValueKind: (point) => KINDS[point.type],
  pointValueShape: (point) => (point.array ? 'array' : 'scalar'),
  validateWrite: () => {},
  createSession: () => {
    throw new Error('no sessions');
  },
}) as AdapterDefinition;

const resolveAdapter = (name: string): AdapterDefinition => {
  if (name === 'variables') return variables;
  throw new Error(`unknown adapter ${name}`);
};

function device(...points: string[]): string {
  return yaml(
    'version: 1',
    'devices:',
    '  - id: ua-1',
    '    adapter: variables',
    '    connection: { endpoint: "opc.tcp://ua:4840" }',
    '    points:',
    ...points.map((p) => `      ${p}`),
  );
}

async function boundPoints(text: string): Promise<CompiledBoundPoint[]> {
  const mapping = await compileOk(text, { resolveAdapter });
  // what `adapter-host compile` writes is read back unchanged
  expect(compiledMappingSchema.parse(JSON.parse(JSON.stringify(mapping))).devices[0]?.points.length).toBe(
    mapping.devices[0]?.points.length,
  );
  return (mapping.devices[0]?.points ?? []).filter((p): p is CompiledBoundPoint => p.kind === 'bound');
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isCodedError(error) ? error.code : 'not a CodedError';
  }
}

describe('time sources', () => {
  it('binds a DateTime source to an LwM2M time resource and converts Date ↔ time in whole seconds', async () => {
    const [point] = await boundPoints(
      device('/3/0/13: { source: { node: "ns=2;s=Clock", type: DateTime }, access: rw }'),
    );
    expect(point).toMatchObject({ rawKind: 'time', resourceType: 'time', path: '/3/0/13' });
    expect(point?.shape).toBeUndefined();
    const p = point!;
    expect(toPointValue(p, new Date('2026-12-06T01:02:03.987Z'))).toEqual({
      type: 'time',
      value: new Date('2026-12-06T01:02:03.000Z'),
    });
    const raw = fromPointValue(p, { type: 'time', value: new Date(1_700_000_000_000) });
    expect(raw).toBeInstanceOf(Date);
    expect((raw as Date).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(codeOf(() => toPointValue(p, new Date(Number.NaN)))).toBe('DEVICE_RESPONSE_INVALID');
    expect(codeOf(() => toPointValue(p, 'yesterday'))).toBe('DEVICE_RESPONSE_INVALID');
  });

  it('refuses a DateTime source on a non-time resource, and scale, enum or deadband on one, at file:line:column', async () => {
    expect(
      await compileIssues(
        device(
          '/3303/0/5700: { source: { node: "ns=2;s=T", type: DateTime } }',
          '/3/0/13: { source: { node: "ns=2;s=C", type: DateTime }, scale: 2 }',
          '/3/0/1: { source: { node: "ns=2;s=M", type: DateTime }, enum: { "1": a } }',
        ),
        { resolveAdapter },
      ),
    ).toEqual([
      'plc.yml:7:23: /3303/0/5700: the point yields time (date) values, but resource 5700 "Sensor Value" is float; expected number or integer values',
      'plc.yml:8:71: /3/0/13: scale needs a numeric source, but the source yields time (date) values; expected a source of a number or integer type',
      'plc.yml:9:71: /3/0/1: enum key "1" is not a value the source can yield (it yields time (date) values); expected no enum (the source yields time (date) values)',
    ]);
  });
});

describe('array sources', () => {
  it('binds an array source to a whole multiple-instance resource', async () => {
    const points = await boundPoints(
      device(
        '/3/0/7: { source: { node: "ns=2;s=Volts", type: Int32, array: true }, scale: 10 }',
        '/13/0/0: { source: { node: "ns=2;s=Bearers", type: Int32, array: true }, access: rw }',
        '/3/0/11/0: { source: { node: "ns=2;s=Error", type: Int32 } }',
      ),
    );
    expect(points.map((p) => [p.path, p.shape, p.resourceInstanceId])).toEqual([
      ['/3/0/7', 'array', undefined],
      ['/3/0/11/0', undefined, 0],
      ['/13/0/0', 'array', undefined],
    ]);
  });

  it('applies scale/offset and enum element-wise both ways; a write takes instances 0..n-1 and is checked whole', async () => {
    const [volts, channels] = await boundPoints(
      device(
        '/3/0/7: { source: { node: "ns=2;s=Volts", type: Int32, array: true }, scale: 10, offset: 5 }',
        '/13/0/0: { source: { node: "ns=2;s=Bearers", type: Int32, array: true }, access: rw, scale: 2 }',
      ),
    );
    expect(toPointValue(volts!, [1, 2, 30])).toEqual([
      { type: 'integer', value: 15 },
      { type: 'integer', value: 25 },
      { type: 'integer', value: 305 },
    ]);
    expect(toPointValue(volts!, [])).toEqual([]);
    expect(codeOf(() => toPointValue(volts!, 3))).toBe('DEVICE_RESPONSE_INVALID');
    const written = new Map([
      [1, { type: 'integer', value: 8 } as const],
      [0, { type: 'integer', value: 4 } as const],
    ]);
    expect(fromPointValue(channels!, written)).toEqual([2, 4]);
    expect(fromPointValue(channels!, new Map())).toEqual([]);
    // a gap in the instances: refused before anything is written
    const gap = new Map([
      [0, { type: 'integer', value: 4 } as const],
      [2, { type: 'integer', value: 6 } as const],
    ]);
    expect(() => fromPointValue(channels!, gap)).toThrow(/instances must be 0..1 without gaps, got 0, 2/);
    // one element that is not a multiple of the scale refuses the whole write, naming the instance
    const odd = new Map([
      [0, { type: 'integer', value: 4 } as const],
      [1, { type: 'integer', value: 5 } as const],
    ]);
    expect(() => fromPointValue(channels!, odd)).toThrow(
      expect.objectContaining({
        code: 'WRITE_VALUE_INVALID',
        message: expect.stringContaining('(resource instance 1)'),
      }),
    );
    expect(codeOf(() => fromPointValue(channels!, { type: 'integer', value: 4 }))).toBe(
      'WRITE_VALUE_INVALID',
    );
    // read-only in the mapping
    expect(codeOf(() => fromPointValue(volts!, new Map()))).toBe('OPERATION_NOT_ALLOWED');
  });

  it('converts an enum element-wise', async () => {
    const [modes] = await boundPoints(
      device(
        '/3/0/6: { source: { node: "ns=2;s=Sources", type: String, array: true }, enum: { dc: 0, battery: 1 } }',
      ),
    );
    expect(toPointValue(modes!, ['battery', 'dc'])).toEqual([
      { type: 'integer', value: 1 },
      { type: 'integer', value: 0 },
    ]);
    expect(codeOf(() => toPointValue(modes!, ['solar']))).toBe('DEVICE_RESPONSE_INVALID');
  });

  it('refuses an array source on a single-instance resource or one instance, and a scalar on a whole multiple resource', async () => {
    expect(
      await compileIssues(
        device(
          '/3303/0/5700: { source: { node: "ns=2;s=T", type: Double, array: true } }',
          '/3/0/7/0: { source: { node: "ns=2;s=V", type: Int32, array: true } }',
          '/3/0/11: { source: { node: "ns=2;s=E", type: Int32 } }',
        ),
        { resolveAdapter },
      ),
    ).toEqual([
      'plc.yml:7:23: /3303/0/5700: the source yields an array, but resource 5700 "Sensor Value" is single-instance; expected a multiple-instance resource for an array source, or a scalar source',
      'plc.yml:8:19: /3/0/7/0: the source yields an array, which maps onto the whole resource, not one instance; expected the resource path /3/0/7',
      'plc.yml:9:7: /3/0/11: resource 11 "Error Code" is multiple-instance, but the source yields a single value; expected a path per resource instance, e.g. /3/0/11/0, or a source that yields an array',
    ]);
  });

  it('refuses mapping instances of a resource an array source maps whole', async () => {
    expect(
      await compileIssues(
        device(
          '/3/0/7: { source: { node: "ns=2;s=V", type: Int32, array: true } }',
          '/3/0/7/1: { source: { node: "ns=2;s=V1", type: Int32 } }',
        ),
        { resolveAdapter },
      ),
    ).toEqual([
      'plc.yml:8:7: /3/0/7/1: /3/0/7 is mapped as a whole (an array source), so its instances cannot be mapped one by one; expected either /3/0/7 with an array source, or one point per resource instance',
    ]);
  });

  it('still refuses a constant on a whole multiple-instance resource', async () => {
    const issues = await compileIssues(device('/3/0/11: 0'), { resolveAdapter });
    expect(issues).toEqual([
      'plc.yml:7:7: /3/0/11: resource 11 "Error Code" is multiple-instance; expected a path per resource instance, e.g. /3/0/11/0',
    ]);
  });
});
