import { CodedError } from '@lwm2m-adapters/errors';
import { type ResourceValue, valuesEqual } from '@lwm2m-adapters/lwm2m-core';
import type { RawScalar, RawValue } from '@lwm2m-adapters/sdk';
import type { CompiledBoundPoint } from './compiled-mapping.js';
import { fromLwm2mValue, scalarToLwm2m, toLwm2mValue } from './value-conversion.js';

/**
 * The LwM2M value of a point: one resource value for a scalar point, or one per resource instance
 * (element i ↔ instance i) for an array point bound to a whole multiple-instance resource.
 */
export type PointValue = ResourceValue | readonly ResourceValue[];

/** Whether a point value is an array point's (one value per resource instance). */
export function isInstanceValues(value: PointValue): value is readonly ResourceValue[] {
  return Array.isArray(value);
}

/** Whether two values of a point are the same LwM2M value (an array's: every instance, in order). */
export function pointValuesEqual(a: PointValue, b: PointValue): boolean {
  if (!isInstanceValues(a) || !isInstanceValues(b)) {
    return !isInstanceValues(a) && !isInstanceValues(b) && valuesEqual(a, b);
  }
  return a.length === b.length && a.every((value, i) => valuesEqual(value, b[i]!));
}

/**
 * The LwM2M value of a raw device value, by the point's shape: an array point's raw array
 * element-wise (scale/offset, enum, bit and the resource type applied to each element); a scalar
 * point as `toLwm2mValue`. DEVICE_RESPONSE_INVALID when the device gives the other shape.
 */
export function toPointValue(point: CompiledBoundPoint, raw: RawValue): PointValue {
  if (point.shape !== 'array') return toLwm2mValue(point, raw);
  if (!Array.isArray(raw)) {
    throw new CodedError(
      'DEVICE_RESPONSE_INVALID',
      `${point.path}: the device gave a single value for an array`,
      {
        retriable: false,
        details: { path: point.path },
      },
    );
  }
  return (raw as readonly RawScalar[]).map((element) => scalarToLwm2m(point, element));
}

/**
 * The raw value to write for a written LwM2M value, by the point's shape. An array point takes
 * every instance the resource has after the write (instances 0..n-1, no gaps: element i is
 * instance i) and gives the raw array, each element converted and checked as a scalar write is;
 * nothing is written when one element is refused. A scalar point takes one value.
 */
export function fromPointValue(
  point: CompiledBoundPoint,
  value: ResourceValue | ReadonlyMap<number, ResourceValue> | readonly ResourceValue[],
): RawValue {
  if (point.shape !== 'array') {
    if (value instanceof Map || Array.isArray(value)) {
      throw invalid(point, 'the resource takes a single value, not resource instances');
    }
    return fromLwm2mValue(point, value as ResourceValue);
  }
  if (!point.access.write) {
    throw new CodedError('OPERATION_NOT_ALLOWED', `${point.path} is not writable in the mapping`, {
      details: { path: point.path },
    });
  }
  const elements = instanceElements(point, value);
  return elements.map((element, index) => {
    try {
      return fromLwm2mValue(point, element);
    } catch (error) {
      if (error instanceof CodedError && error.code === 'WRITE_VALUE_INVALID') {
        throw new CodedError(error.code, `${error.message} (resource instance ${index})`, {
          cause: error,
          details: { path: point.path, instance: index },
        });
      }
      throw error;
    }
  });
}

function instanceElements(
  point: CompiledBoundPoint,
  value: ResourceValue | ReadonlyMap<number, ResourceValue> | readonly ResourceValue[],
): readonly ResourceValue[] {
  if (Array.isArray(value)) return value as readonly ResourceValue[];
  if (!(value instanceof Map)) {
    throw invalid(point, 'the resource is an array: write its resource instances 0..n-1');
  }
  const byInstance = value as ReadonlyMap<number, ResourceValue>;
  const elements: ResourceValue[] = [];
  for (let id = 0; id < byInstance.size; id++) {
    const element = byInstance.get(id);
    if (element === undefined) {
      const ids = [...byInstance.keys()].sort((a, b) => a - b).join(', ');
      throw invalid(
        point,
        `the resource is an array: its instances must be 0..${byInstance.size - 1} without gaps, got ${ids}`,
      );
    }
    elements.push(element);
  }
  return elements;
}

function invalid(point: CompiledBoundPoint, message: string): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', `${point.path}: ${message}`, {
    details: { path: point.path },
  });
}
