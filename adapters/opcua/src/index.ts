/**
 * @lwm2m-adapters/opcua: OPC UA for lwm2m-adapters (node-opcua client).
 */
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
