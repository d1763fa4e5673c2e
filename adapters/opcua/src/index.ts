/**
 * @lwm2m-adapters/opcua: OPC UA for lwm2m-adapters (node-opcua client).
 *
 * Hosts load it by name (`adapter: opcua`) and get a fresh instance from `createAdapter()`;
 * `adapter` (also the default export) is one shared instance. node-opcua is loaded only when a
 * session starts or `checkOpcuaPointsOnline` runs.
 */
import type { AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import type { OpcuaConnection } from './config/connection-schema.js';
import type { OpcuaPoint } from './config/point-schema.js';
import { createOpcuaAdapter, type OpcuaAdapter } from './opcua-adapter.js';

export {
  effectiveSecurityMode,
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
  type OpcuaConnection,
  type OpcuaSecurityMode,
  type OpcuaSecurityPolicy,
  opcuaConnectionSchema,
} from './config/connection-schema.js';
export {
  formatNodeId,
  type NodeIdIdentifier,
  type ParsedBrowsePath,
  type ParsedNodeId,
  parseBrowsePathText,
  parseNodeIdText,
} from './config/node-id-text.js';
export { checkOpcuaPoints } from './config/point-checks.js';
export {
  isMethodPoint,
  nodeReferenceSchema,
  OPCUA_DATA_TYPES,
  OPCUA_INTEGER_RANGES,
  type OpcuaDataType,
  type OpcuaMethodPoint,
  type OpcuaPoint,
  type OpcuaVariablePoint,
  opcuaPointSchema,
  opcuaPointValueBits,
  opcuaPointValueKind,
  opcuaPointValueShape,
} from './config/point-schema.js';
export {
  errorCodeOfStatus,
  errorFromException,
  errorFromStatus,
  type OpcuaStatus,
} from './errors/status-errors.js';
export {
  createOpcuaAdapter,
  OPCUA_ADAPTER_VERSION,
  type OpcuaAdapter,
  type OpcuaAdapterOptions,
} from './opcua-adapter.js';
export { OpcuaSession } from './session/opcua-session.js';
export { validateOpcuaWrite } from './values/write-validation.js';

/**
 * `validate --online` (also the definition's `checkPointsOnline`): resolves the points against the
 * server (browse paths, namespace URIs, DataType and ValueRank) and returns one issue per point
 * that would be isolated at run time; throws a CodedError when the server cannot be reached.
 */
export async function checkOpcuaPointsOnline(
  connection: OpcuaConnection,
  points: readonly PointSpec<OpcuaPoint>[],
  options: { readonly timeoutMs?: number } = {},
): Promise<AdapterIssue[]> {
  return (await import('./client/online-check.js')).checkOpcuaPointsOnline(connection, points, options);
}

/** A new OPC UA adapter instance: what the SDK's loader gives a host (`fresh`). */
export function createAdapter(): OpcuaAdapter {
  return createOpcuaAdapter();
}

/** One shared OPC UA adapter instance, for loaders that take the default export. */
export const adapter = createOpcuaAdapter();
export default adapter;
