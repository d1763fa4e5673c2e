import { describe, expect, it } from 'vitest';
import type { ResourceType } from '../../src/model/resource-type.js';
import type { ResourceRange } from '../../src/registry/object-definition.js';
import { parseRangeEnumeration } from '../../src/registry/range-enumeration.js';

describe('parseRangeEnumeration', () => {
  const understood: [string, ResourceType, ResourceRange][] = [
    ['0..255', 'integer', { kind: 'numeric', min: 0, max: 255 }],
    ['-40..85', 'float', { kind: 'numeric', min: -40, max: 85 }],
    ['0-100', 'integer', { kind: 'numeric', min: 0, max: 100 }],
    ['-10-30', 'integer', { kind: 'numeric', min: -10, max: 30 }],
    ['-110..-48', 'integer', { kind: 'numeric', min: -110, max: -48 }],
    [' 0 .. 65535 ', 'unsigned', { kind: 'numeric', min: 0, max: 65535 }],
    ['0.000001..1.0', 'float', { kind: 'numeric', min: 0.000001, max: 1 }],
    ['0..2^32-1', 'unsigned', { kind: 'numeric', min: 0, max: 4294967295 }],
    ['0..86399', 'time', { kind: 'numeric', min: 0, max: 86399 }],
    ['1..64 bytes', 'opaque', { kind: 'length', min: 1, max: 64 }],
    ['0..255 bytes', 'string', { kind: 'length', min: 0, max: 255 }],
    ['1..64 Bytes', 'string', { kind: 'length', min: 1, max: 64 }],
    ['0-255 bytes', 'string', { kind: 'length', min: 0, max: 255 }],
    ['32 bytes', 'opaque', { kind: 'length', min: 32, max: 32 }],
    ['64 B', 'string', { kind: 'length', min: 64, max: 64 }],
    ['0..255', 'string', { kind: 'length', min: 0, max: 255 }],
    ['1..256', 'opaque', { kind: 'length', min: 1, max: 256 }],
    ['0;1;2', 'integer', { kind: 'enumeration', values: [0, 1, 2] }],
    ['1,2,3', 'unsigned', { kind: 'enumeration', values: [1, 2, 3] }],
    ['5, 10, 15, 20', 'integer', { kind: 'enumeration', values: [5, 10, 15, 20] }],
    ['0.5;1.5', 'float', { kind: 'enumeration', values: [0.5, 1.5] }],
    ['ON;OFF', 'string', { kind: 'enumeration', values: ['ON', 'OFF'] }],
    [
      'UNSYNCHRONISED; SYNCHRONISED',
      'string',
      { kind: 'enumeration', values: ['UNSYNCHRONISED', 'SYNCHRONISED'] },
    ],
  ];

  it.each(understood)('%s (%s)', (text, type, range) => {
    expect(parseRangeEnumeration(text, type)).toEqual(range);
  });

  const notUnderstood: [string, ResourceType][] = [
    ['', 'integer'],
    ['   ', 'string'],
    ['The possible values are those listed in the LwM2M Core Specification', 'string'],
    ['0..18446744073709551615', 'unsigned'],
    ['0..2^63-1', 'integer'],
    ['-30..-120', 'integer'],
    ['10 or 26 Bytes', 'string'],
    ['16-32-48 bytes', 'opaque'],
    ['10,26', 'string'],
    ['0; 3.8..20.5', 'float'],
    ['1..64 bytes', 'integer'],
    ['8 bit', 'integer'],
    ['[1:4]', 'integer'],
    ['255', 'integer'],
    ['0..1', 'boolean'],
    ['0..1', 'objlnk'],
    ['a;b', 'integer'],
    ['1;;2', 'integer'],
    ['-1..5', 'string'],
    ['<7 to >12.5', 'float'],
  ];

  it.each(notUnderstood)('leaves %j (%s) undefined', (text, type) => {
    expect(parseRangeEnumeration(text, type)).toBeUndefined();
  });
});
