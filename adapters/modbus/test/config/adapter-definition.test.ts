import { readFileSync } from 'node:fs';
import { isAdapterDefinition } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import defaultExport, { adapter, createModbusAdapter, MODBUS_ADAPTER_VERSION } from '../../src/index.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('Modbus adapter definition', () => {
  it('is a valid adapter definition, also as the default export', () => {
    expect(isAdapterDefinition(adapter)).toBe(true);
    expect(defaultExport).toBe(adapter);
    expect(adapter).toMatchObject({
      name: 'modbus',
      version: packageJson.version,
      capabilities: { read: true, write: true, execute: true, subscribe: false },
    });
    expect(MODBUS_ADAPTER_VERSION).toBe(packageJson.version);
  });

  it('declares the raw value kind of every type', () => {
    const kind = (source: Record<string, unknown>) =>
      adapter.pointValueKind(adapter.pointSchema.parse(source));
    expect(kind({ table: 'coil', address: 0 })).toBe('boolean');
    expect(kind({ table: 'holding', address: 0, bit: 2 })).toBe('boolean');
    expect(kind({ table: 'holding', address: 0 })).toBe('integer');
    expect(kind({ table: 'input', address: 0, type: 'uint64' })).toBe('integer');
    expect(kind({ table: 'input', address: 0, type: 'float32' })).toBe('number');
    expect(kind({ table: 'input', address: 0, type: 'string', length: 2 })).toBe('string');
    expect(kind({ table: 'input', address: 0, type: 'bytes', length: 2 })).toBe('bytes');
  });

  it('declares the width of every integer type, for bit: N in a mapping', () => {
    const bits = (source: Record<string, unknown>) =>
      adapter.pointValueBits?.(adapter.pointSchema.parse(source));
    expect(bits({ table: 'holding', address: 0 })).toBe(16);
    expect(bits({ table: 'input', address: 0, type: 'int16' })).toBe(16);
    expect(bits({ table: 'input', address: 0, type: 'uint32' })).toBe(32);
    expect(bits({ table: 'input', address: 0, type: 'int64' })).toBe(64);
    expect(bits({ table: 'input', address: 0, type: 'float32' })).toBeUndefined();
    expect(bits({ table: 'coil', address: 0 })).toBeUndefined();
  });

  it('gives every instance its own link registry', () => {
    const a = createModbusAdapter();
    const b = createModbusAdapter();
    expect(a).not.toBe(b);
    expect(a.openLinks()).toBe(0);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
