import { type AdapterDefinition, defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { opcuaBrowse } from './browse-capability.js';
import { type OpcuaConnection, opcuaConnectionSchema } from './config/connection-schema.js';
import { checkOpcuaPoints } from './config/point-checks.js';
import {
  type OpcuaPoint,
  opcuaPointSchema,
  opcuaPointValueBits,
  opcuaPointValueKind,
  opcuaPointValueShape,
} from './config/point-schema.js';
import { OpcuaSession } from './session/opcua-session.js';
import { validateOpcuaWrite } from './values/write-validation.js';

/** Version of this adapter package (kept equal to package.json). */
export const OPCUA_ADAPTER_VERSION = '0.1.0';

export interface OpcuaAdapterOptions {
  /** Jitter source of the reconnect backoff (default Math.random). */
  readonly random?: () => number;
}

export type OpcuaAdapter = AdapterDefinition<OpcuaConnection, OpcuaPoint>;

/**
 * The OPC UA adapter: reads, writes, method calls and subscriptions (one per device) over
 * node-opcua's client, loaded only when a session starts, `validate --online` checks the points
 * (`checkPointsOnline`) or `adapter-host browse` walks a server.
 */
export function createOpcuaAdapter(options: OpcuaAdapterOptions = {}): OpcuaAdapter {
  return defineAdapter<OpcuaConnection, OpcuaPoint>({
    name: 'opcua',
    version: OPCUA_ADAPTER_VERSION,
    sdkVersion: `^${SDK_VERSION}`,
    capabilities: { read: true, write: true, execute: true, subscribe: true },
    connectionSchema: opcuaConnectionSchema,
    pointSchema: opcuaPointSchema,
    secretConnectionKeys: ['password'],
    pointValueKind: opcuaPointValueKind,
    pointValueShape: opcuaPointValueShape,
    pointValueBits: opcuaPointValueBits,
    checkPoints: checkOpcuaPoints,
    validateWrite: validateOpcuaWrite,
    // node-opcua is loaded by these only when they run
    checkPointsOnline: async (connection, points, checkOptions) =>
      (await import('./client/online-check.js')).checkOpcuaPointsOnline(connection, points, checkOptions),
    browse: opcuaBrowse,
    createSession: (context) => new OpcuaSession(context, options.random),
    // the simulator (node-opcua-server) is loaded only when asked to simulate
    simulate: async (devices) =>
      (await import('./simulator/simulate-devices.js')).simulateOpcuaDevices(devices),
  });
}
