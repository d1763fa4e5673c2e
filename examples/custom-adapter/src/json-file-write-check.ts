import { CodedError, type RawValue } from '@lwm2m-adapters/sdk';
import type { JsonFilePoint } from './json-file-schemas.js';

function reject(point: JsonFilePoint, value: RawValue, why: string): never {
  throw new CodedError('WRITE_VALUE_INVALID', `cannot write ${String(value)} to "${point.key}": ${why}`);
}

/** Checks a value against the point's type and bounds; throws WRITE_VALUE_INVALID. */
export function validateJsonFileWrite(point: JsonFilePoint, value: RawValue): void {
  switch (point.type) {
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value))
        reject(point, value, `expected a finite ${point.type}`);
      if (point.type === 'integer' && !Number.isInteger(value))
        reject(point, value, 'expected a whole number');
      if (point.min !== undefined && value < point.min)
        reject(point, value, `below the minimum ${point.min}`);
      if (point.max !== undefined && value > point.max)
        reject(point, value, `above the maximum ${point.max}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') reject(point, value, 'expected true or false');
      return;
    case 'string':
      if (typeof value !== 'string') reject(point, value, 'expected a string');
      return;
  }
}
