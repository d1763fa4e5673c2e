/**
 * The OPC UA adapter's schemas and value kinds as an AdapterDefinition, enough for the mapping
 * compiler to validate a mapping (no sessions). Stands in until the adapter definition
 * (src/opcua-adapter.ts, another branch) is merged; then the tests can resolve `opcua` by name.
 */
import { compileMapping } from '@lwm2m-adapters/mapping';
import { type AdapterDefinition, defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { opcuaConnectionSchema } from '../../src/config/connection-schema.js';
import {
  opcuaPointSchema,
  opcuaPointValueBits,
  opcuaPointValueKind,
  opcuaPointValueShape,
} from '../../src/config/point-schema.js';

export const opcuaValidationDefinition: AdapterDefinition = defineAdapter({
  name: 'opcua',
  version: '0.1.0',
  sdkVersion: `^${SDK_VERSION}`,
  capabilities: { read: true, write: true, execute: true, subscribe: true },
  connectionSchema: opcuaConnectionSchema,
  pointSchema: opcuaPointSchema,
  secretConnectionKeys: ['password'],
  pointValueKind: opcuaPointValueKind,
  pointValueShape: opcuaPointValueShape,
  pointValueBits: opcuaPointValueBits,
  validateWrite: () => undefined,
  createSession: () => {
    throw new Error('validation only');
  },
}) as AdapterDefinition;

/** Compiles a mapping text the way `adapter-host validate` does, with `opcua` resolved to the definition above. */
export function validates(text: string) {
  return compileMapping(
    { text, fileName: '/tmp/browsed.yml' },
    { resolveAdapter: async () => opcuaValidationDefinition, env: {} },
  );
}
