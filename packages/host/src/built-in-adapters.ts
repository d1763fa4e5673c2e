import { createModbusAdapter } from '@lwm2m-adapters/modbus';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';

/** Adapters bundled with the host, by short name. A fresh instance per call: links are never shared across hosts. */
export function builtInAdapters(): Record<string, AdapterDefinition> {
  return { modbus: createModbusAdapter() as AdapterDefinition };
}
