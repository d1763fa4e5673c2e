// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { isCodedError } from '@lwm2m-adapters/errors';
import type { ResourceType } from '@lwm2m-adapters/lwm2m-core';
import type { RawValueKind } from '@lwm2m-adapters/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledBoundPoint,
  type CompiledConstantPoint,
  constantValue,
  fromLwm2mValue,
  type PointConversion,
  plainLwm2mNumber,
  toLwm2mValue,
} from '../src/index.js';
import { decimalPlaces, roundToPlaces } from '../src/value-conversion.js';

function boundPoint(
  resourceType: ResourceType,
  rawKind: RawValueKind,
  conversion: PointConversion = {},
  extra: Partial<CompiledBoundPoint> = {},
): CompiledBoundPoint {
  return {
    id: '/3303/0/5700',
    path: '/3303/0/5700',
    objectId: 3303,
    instanceId: 0,
    resourceId: 5700,
    resourceType,
    kind: 'bound',
    source: { table: 'holding', address: 0 },
    rawKind,
    access: { read: true, write: true, execute: false },
    conversion,
    reporting: {},
    location: { file: 'plc.yml', line: 1, column: 1 },
    ...extra,
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isCodedError(error) ? error.code : 'not a CodedError';
  }
}

const SCALES = [0.1, 0.01, 0.001, 0.5, 0.25, 1, 2, 10, 100];
const OFFSETS = [0, -40, 0.5, 100, -273.15, 2.5];

describe('scale and offset', () => {
  it('shows a scaled register without float noise', () => {
    const point = boundPoint('float', 'integer', { scale: 0.1 });
    expect(toLwm2mValue(point, 215)).toEqual({ type: 'float', value: 21.5 });
    expect(toLwm2mValue(point, 3)).toEqual({ type: 'float', value: 0.3 });
    expect(toLwm2mValue(boundPoint('float', 'integer', { scale: 0.01, offset: -40 }), 6543)).toEqual({
      type: 'float',
      value: 25.43,
    });
    expect(fromLwm2mValue(point, { type: 'float', value: 21.5 })).toBe(215);
  });

  it('inverts exactly for whole raw values (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.constantFrom(...SCALES),
        fc.constantFrom(...OFFSETS),
        (raw, scale, offset) => {
          const point = boundPoint('float', 'integer', { scale, offset });
          const value = toLwm2mValue(point, raw);
          expect(fromLwm2mValue(point, value)).toBe(raw);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('inverts within float precision for fractional raw values (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.constantFrom(...SCALES),
        fc.constantFrom(...OFFSETS),
        (raw, scale, offset) => {
          const point = boundPoint('float', 'number', { scale, offset });
          const back = fromLwm2mValue(point, toLwm2mValue(point, raw)) as number;
          expect(Math.abs(back - raw)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(raw)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects a value that is not a multiple of the scale for a whole-number register', () => {
    const point = boundPoint('float', 'integer', { scale: 0.1 });
    expect(() => fromLwm2mValue(point, { type: 'float', value: 21.55 })).toThrow(
      '/3303/0/5700: 21.55 is not a multiple of the scale 0.1 (the device stores whole numbers)',
    );
    expect(codeOf(() => fromLwm2mValue(point, { type: 'float', value: 21.55 }))).toBe('WRITE_VALUE_INVALID');
  });

  it('keeps integer resources integral', () => {
    const point = boundPoint('integer', 'integer', { scale: 10, offset: 5 });
    expect(toLwm2mValue(point, 3)).toEqual({ type: 'integer', value: 35 });
    expect(fromLwm2mValue(point, { type: 'integer', value: 35 })).toBe(3);
    expect(codeOf(() => fromLwm2mValue(point, { type: 'integer', value: 36 }))).toBe('WRITE_VALUE_INVALID');
    expect(toLwm2mValue(boundPoint('integer', 'integer'), 2n ** 62n)).toEqual({
      type: 'integer',
      value: 2n ** 62n,
    });
    expect(codeOf(() => toLwm2mValue(boundPoint('unsigned', 'integer'), -1))).toBe('DEVICE_RESPONSE_INVALID');
  });
});

describe('decimal places without text (the per-value path)', () => {
  /** The text forms these replace: places of the shortest text, and toFixed's rounding. */
  function textPlaces(value: number): number {
    const text = String(value);
    const exponent = /e-(\d+)$/.exec(text);
    const fraction = text.split('e')[0]?.split('.')[1]?.length ?? 0;
    return fraction + (exponent === null ? 0 : Number(exponent[1]));
  }

  it('counts the places of the shortest text form', () => {
    for (const value of [0.1, 0.01, 0.001, 1e-7, 2.5, 273.15, -40.5, 10, 0, 1e21, 0.3, 1 / 3]) {
      expect(decimalPlaces(value), String(value)).toBe(Math.min(textPlaces(value), 16));
    }
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 12 }), (m, p) => {
        const value = m / 10 ** p;
        expect(decimalPlaces(value)).toBe(textPlaces(value));
      }),
    );
  });

  it('rounds a scaled whole raw value as toFixed does (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
        fc.constantFrom(0.1, 0.01, 0.001, 0.5, 0.25, 1e-6, 2, 0.3, 0.07),
        fc.constantFrom(0, -40, 273.15, 0.5, -0.1, 1000),
        (raw, scale, offset) => {
          const places = Math.max(decimalPlaces(scale), decimalPlaces(offset));
          const scaled = raw * scale + offset;
          expect(Object.is(roundToPlaces(scaled, places), Number(scaled.toFixed(places)))).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('enumerations', () => {
  it('maps raw values to LwM2M values and back (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        (raws, pick) => {
          const entries = raws.map((raw) => ({ raw, value: `state-${raw}` }));
          const point = boundPoint('string', 'integer', { enum: entries });
          const raw = raws[pick % raws.length] as number;
          const value = toLwm2mValue(point, raw);
          expect(value).toEqual({ type: 'string', value: `state-${raw}` });
          expect(fromLwm2mValue(point, value)).toBe(raw);
        },
      ),
    );
  });

  it('rejects values outside the enumeration in both directions', () => {
    const point = boundPoint('string', 'integer', {
      enum: [
        { raw: 0, value: 'idle' },
        { raw: 1, value: 'running' },
      ],
    });
    expect(toLwm2mValue(point, 1n)).toEqual({ type: 'string', value: 'running' });
    expect(() => toLwm2mValue(point, 7)).toThrow(
      '/3303/0/5700: the device value 7 is not in the enum (0, 1)',
    );
    expect(codeOf(() => toLwm2mValue(point, 7))).toBe('DEVICE_RESPONSE_INVALID');
    expect(() => fromLwm2mValue(point, { type: 'string', value: 'fault' })).toThrow(
      '/3303/0/5700: fault is not one of the enum values (idle, running)',
    );
  });
});

describe('bit and access', () => {
  it('reads one bit of an integer, including negative two-complement values (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 31 }),
        (raw, bit) => {
          const point = boundPoint('boolean', 'integer', { bit });
          expect(toLwm2mValue(point, raw)).toEqual({ type: 'boolean', value: ((raw >> bit) & 1) === 1 });
        },
      ),
    );
  });

  it('refuses writes to bit points and to points the mapping keeps read-only', () => {
    const bit = boundPoint('boolean', 'integer', { bit: 3 });
    expect(() => fromLwm2mValue(bit, { type: 'boolean', value: true })).toThrow(
      "/3303/0/5700 reads bit 3 of a register and cannot be written (use the adapter's own bit source type to write single bits)",
    );
    expect(codeOf(() => fromLwm2mValue(bit, { type: 'boolean', value: true }))).toBe('OPERATION_NOT_ALLOWED');
    const readOnly = boundPoint(
      'float',
      'number',
      {},
      { access: { read: true, write: false, execute: false } },
    );
    expect(codeOf(() => fromLwm2mValue(readOnly, { type: 'float', value: 1 }))).toBe('OPERATION_NOT_ALLOWED');
  });

  it("checks the value's type and the resource's range before writing", () => {
    const dimmer = boundPoint('integer', 'integer', {}, { range: { kind: 'numeric', min: 0, max: 100 } });
    expect(fromLwm2mValue(dimmer, { type: 'integer', value: 40 })).toBe(40);
    expect(() => fromLwm2mValue(dimmer, { type: 'integer', value: 101 })).toThrow(
      "/3303/0/5700: 101 is outside the resource's range 0..100",
    );
    expect(() => fromLwm2mValue(dimmer, { type: 'string', value: '40' })).toThrow(
      '/3303/0/5700: the value is string, but the resource is integer',
    );
    expect(codeOf(() => fromLwm2mValue(boundPoint('float', 'integer'), { type: 'float', value: 1.5 }))).toBe(
      'WRITE_VALUE_INVALID',
    );
  });

  it('passes other types through', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(toLwm2mValue(boundPoint('opaque', 'bytes'), bytes)).toEqual({ type: 'opaque', value: bytes });
    expect(toLwm2mValue(boundPoint('time', 'integer'), 1_700_000_000)).toEqual({
      type: 'time',
      value: new Date(1_700_000_000_000),
    });
    expect(
      fromLwm2mValue(boundPoint('time', 'integer'), { type: 'time', value: new Date(1_700_000_000_000) }),
    ).toBe(1_700_000_000);
    expect(toLwm2mValue(boundPoint('boolean', 'boolean'), true)).toEqual({ type: 'boolean', value: true });
    expect(codeOf(() => toLwm2mValue(boundPoint('boolean', 'boolean'), 1))).toBe('DEVICE_RESPONSE_INVALID');
  });
});

describe('constants', () => {
  function constant(
    resourceType: ResourceType,
    value: CompiledConstantPoint['constant'],
  ): CompiledConstantPoint {
    return {
      id: '/3/0/0',
      path: '/3/0/0',
      objectId: 3,
      instanceId: 0,
      resourceId: 0,
      resourceType,
      kind: 'constant',
      constant: value,
      access: { read: true, write: false, execute: false },
      location: { file: 'plc.yml', line: 1, column: 1 },
    };
  }

  it('decodes the JSON form of every type', () => {
    expect(constantValue(constant('string', 'ACME'))).toEqual({ type: 'string', value: 'ACME' });
    expect(constantValue(constant('integer', 5))).toEqual({ type: 'integer', value: 5 });
    expect(constantValue(constant('unsigned', '18446744073709551615'))).toEqual({
      type: 'unsigned',
      value: 2n ** 64n - 1n,
    });
    expect(constantValue(constant('float', 2.5))).toEqual({ type: 'float', value: 2.5 });
    expect(constantValue(constant('boolean', true))).toEqual({ type: 'boolean', value: true });
    expect(constantValue(constant('opaque', 'AQI='))).toEqual({
      type: 'opaque',
      value: new Uint8Array([1, 2]),
    });
    expect(constantValue(constant('time', 1_700_000_000))).toEqual({
      type: 'time',
      value: new Date(1_700_000_000_000),
    });
    expect(constantValue(constant('objlnk', '3303:0'))).toEqual({
      type: 'objlnk',
      value: { objectId: 3303, instanceId: 0 },
    });
  });
});

describe('plainLwm2mNumber', () => {
  /** Its number, or undefined when it says false. */
  function plainOf(point: CompiledBoundPoint, raw: number): number | undefined {
    const slot = { value: Number.NaN };
    return plainLwm2mNumber(point, raw, slot) ? slot.value : undefined;
  }

  /** What toLwm2mValue gives: its number, or undefined when it gives no plain number (or throws). */
  function viaObject(point: CompiledBoundPoint, raw: number): number | undefined {
    try {
      const value = toLwm2mValue(point, raw);
      return typeof value.value === 'number' && ['float', 'integer', 'unsigned'].includes(value.type)
        ? value.value
        : undefined;
    } catch {
      return undefined;
    }
  }

  it('gives the number toLwm2mValue gives, for any conversion and raw number', () => {
    const conversions = fc.record(
      {
        scale: fc.constantFrom(0.1, 0.01, 2, -0.5, 1e-7, 0.3),
        offset: fc.constantFrom(0, -40, 0.5, 273.15),
      },
      { requiredKeys: [] },
    );
    const raws = fc.oneof(
      fc.integer({ min: -70000, max: 70000 }),
      fc.double({ noDefaultInfinity: false }),
      fc.constantFrom(2 ** 53, -(2 ** 53), 0.5, -0),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<ResourceType>('float', 'integer', 'unsigned'),
        conversions,
        raws,
        (type, conversion, raw) => {
          const point = boundPoint(type, 'number', conversion);
          const plain = plainOf(point, raw);
          // the very number toLwm2mValue gives (NaN and the sign of zero too), and no answer where
          // it gives none
          expect(plain).toEqual(viaObject(point, raw));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers the common cases, and leaves enums, bits, arrays, other types and unsafe integers to toLwm2mValue', () => {
    expect(plainOf(boundPoint('float', 'number', { scale: 0.1 }), 215)).toBe(21.5);
    expect(plainOf(boundPoint('integer', 'integer', { scale: 0.01 }), 1234)).toBeUndefined();
    expect(plainOf(boundPoint('integer', 'integer', { offset: -40 }), 100)).toBe(60);
    expect(plainOf(boundPoint('unsigned', 'integer'), -1)).toBeUndefined();
    expect(plainOf(boundPoint('integer', 'integer'), 2 ** 60)).toBeUndefined();
    expect(plainOf(boundPoint('integer', 'integer', { enum: [{ raw: 1, value: 5 }] }), 1)).toBeUndefined();
    expect(plainOf(boundPoint('boolean', 'integer', { bit: 3 }), 8)).toBeUndefined();
    expect(plainOf(boundPoint('float', 'number', {}, { shape: 'array' }), 1)).toBeUndefined();
    expect(plainOf(boundPoint('string', 'number'), 1)).toBeUndefined();
    expect(plainOf(boundPoint('time', 'integer'), 1)).toBeUndefined();
  });
});
