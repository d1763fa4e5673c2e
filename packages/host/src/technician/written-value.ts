import { CodedError } from '@lwm2m-adapters/errors';
import {
  normalizeInteger,
  parseObjectLink,
  type ResourceValue,
  secondsToTime,
} from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint } from '@lwm2m-adapters/mapping';

function invalid(point: CompiledBoundPoint, text: string, expected: string): CodedError {
  return new CodedError(
    'WRITE_VALUE_INVALID',
    `${point.path} is ${point.resourceType}: ${JSON.stringify(text)} is not ${expected}`,
    { details: { path: point.path } },
  );
}

/**
 * The LwM2M value a technician typed for a point (`adapter-host write ... 21.5`), shaped by the
 * resource type as a server's Write would carry it. The mapping's checks come after, in the
 * host's write plan. Throws WRITE_VALUE_INVALID when the text is not of the type.
 */
export function parseWrittenValue(point: CompiledBoundPoint, text: string): ResourceValue {
  const trimmed = text.trim();
  switch (point.resourceType) {
    case 'float': {
      const number = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(number)) throw invalid(point, text, 'a number');
      return { type: 'float', value: number };
    }
    case 'integer':
    case 'unsigned': {
      if (!/^[-+]?\d+$/.test(trimmed)) throw invalid(point, text, 'a whole number');
      return { type: point.resourceType, value: normalizeInteger(BigInt(trimmed)) };
    }
    case 'boolean':
      if (/^(true|1|on)$/i.test(trimmed)) return { type: 'boolean', value: true };
      if (/^(false|0|off)$/i.test(trimmed)) return { type: 'boolean', value: false };
      throw invalid(point, text, 'true or false');
    case 'time': {
      if (/^\d+$/.test(trimmed)) return { type: 'time', value: secondsToTime(BigInt(trimmed)) };
      const date = new Date(trimmed);
      if (Number.isNaN(date.getTime())) throw invalid(point, text, 'seconds since 1970 or an ISO date');
      return { type: 'time', value: date };
    }
    case 'string':
    case 'corelnk':
      return { type: point.resourceType, value: text };
    case 'opaque': {
      const hex = trimmed.replace(/^0x/i, '');
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw invalid(point, text, 'hex digits (e.g. 0a1b)');
      return { type: 'opaque', value: Uint8Array.from(Buffer.from(hex, 'hex')) };
    }
    case 'objlnk':
      try {
        return { type: 'objlnk', value: parseObjectLink(trimmed) };
      } catch {
        throw invalid(point, text, 'an object link (object:instance)');
      }
    case 'none':
      throw new CodedError('OPERATION_NOT_ALLOWED', `${point.path} is executable; it has no value to write`, {
        details: { path: point.path },
      });
  }
}
