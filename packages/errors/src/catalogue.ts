/**
 * The one catalogue of error codes used across lwm2m-adapters.
 *
 * Every code says whether the failure is retriable by default and which LwM2M/CoAP
 * response code a server should see when the failure answers a request.
 * Codes are stable: tools and dashboards may match on them.
 */
export interface ErrorCodeSpec {
  /** Human summary of the failure class. */
  readonly summary: string;
  /** Whether retrying the same operation later may succeed. */
  readonly retriable: boolean;
  /** CoAP response code (e.g. "4.00") the failure maps to when it answers an LwM2M request. */
  readonly responseCode: CoapResponseCode;
}

export type CoapResponseCode =
  | '4.00'
  | '4.01'
  | '4.02'
  | '4.03'
  | '4.04'
  | '4.05'
  | '4.06'
  | '4.08'
  | '4.09'
  | '4.12'
  | '4.13'
  | '4.15'
  | '5.00'
  | '5.01'
  | '5.03'
  | '5.04';

export const errorCatalogue = {
  // LwM2M data model
  PATH_INVALID: {
    summary: 'an LwM2M path is malformed or out of range',
    retriable: false,
    responseCode: '4.00',
  },
  PREFIX_INVALID: {
    summary: 'a gateway prefix is malformed (it must be a non-numeric path segment)',
    retriable: false,
    responseCode: '4.00',
  },
  NODE_INVALID: {
    summary: 'an LwM2M node is inconsistent (duplicate ids, wrong nesting, value of the wrong type)',
    retriable: false,
    responseCode: '4.00',
  },
  VALUE_OUT_OF_RANGE: {
    summary: 'a value does not fit its LwM2M type or declared range',
    retriable: false,
    responseCode: '4.00',
  },
  // Object registry
  OBJECT_UNKNOWN: {
    summary: 'no definition is registered for this object id/version',
    retriable: false,
    responseCode: '4.04',
  },
  RESOURCE_UNKNOWN: {
    summary: 'the object definition has no such resource',
    retriable: false,
    responseCode: '4.04',
  },
  DEFINITION_INVALID: {
    summary: 'an object definition (DDF XML) is malformed or violates the LwM2M schema',
    retriable: false,
    responseCode: '5.00',
  },
  // Codecs
  CODEC_MALFORMED: {
    summary: 'a payload does not follow the grammar of its content format',
    retriable: false,
    responseCode: '4.00',
  },
  CODEC_TRUNCATED: {
    summary: 'a payload ends before its declared structure is complete',
    retriable: false,
    responseCode: '4.00',
  },
  CODEC_TYPE_MISMATCH: {
    summary: 'a payload value does not match the LwM2M type of its resource',
    retriable: false,
    responseCode: '4.00',
  },
  CODEC_PATH_MISMATCH: {
    summary: 'a payload addresses a path other than the one the request targets',
    retriable: false,
    responseCode: '4.00',
  },
  CODEC_LIMIT_EXCEEDED: {
    summary: 'a payload exceeds a decoder safety limit (size, depth or element count)',
    retriable: false,
    responseCode: '4.13',
  },
  CODEC_UNSUPPORTED_FORMAT: {
    summary: 'the content format is not supported for this operation or node level',
    retriable: false,
    responseCode: '4.15',
  },
  CODEC_NOT_ACCEPTABLE: {
    summary: 'no acceptable content format can represent the requested node',
    retriable: false,
    responseCode: '4.06',
  },
  // Mapping files
  MAPPING_INVALID: {
    summary: 'a mapping file has errors (each names file:line:column, what is wrong and what would be valid)',
    retriable: false,
    responseCode: '5.00',
  },
  MAPPING_UNREADABLE: {
    summary: 'a mapping file cannot be read or is not valid YAML',
    retriable: false,
    responseCode: '5.00',
  },
  MAPPING_FILE_MISSING: {
    summary: 'the mapping path names no file that can be read (no such file, a directory, no permission)',
    retriable: false,
    responseCode: '5.00',
  },
  // Adapters
  ADAPTER_NOT_FOUND: {
    summary: 'no adapter is installed under this short name or npm package name',
    retriable: false,
    responseCode: '5.00',
  },
  ADAPTER_INCOMPATIBLE: {
    summary: 'the adapter was built for an SDK version this host does not support',
    retriable: false,
    responseCode: '5.00',
  },
  ADAPTER_INVALID: {
    summary: 'a module does not export a valid adapter definition',
    retriable: false,
    responseCode: '5.00',
  },
  CONFIG_INVALID: {
    summary: 'a configuration value is invalid (CLI flag, simulator file, adapter option)',
    retriable: false,
    responseCode: '5.00',
  },
  // Devices (adapters map their native failures onto these)
  DEVICE_UNREACHABLE: {
    summary: 'the device or its link is not connected (connection refused, closed, quarantined)',
    retriable: true,
    responseCode: '5.03',
  },
  DEVICE_TIMEOUT: {
    summary: 'the device did not answer in time',
    retriable: true,
    responseCode: '5.03',
  },
  DEVICE_BUSY: {
    summary: 'the device or link is busy (device busy exception, request queue full)',
    retriable: true,
    responseCode: '5.03',
  },
  DEVICE_ADDRESS_UNKNOWN: {
    summary: 'the device has no such data point (e.g. Modbus illegal data address, OPC UA BadNodeIdUnknown)',
    retriable: false,
    responseCode: '4.04',
  },
  DEVICE_VALUE_REJECTED: {
    summary: 'the device refused the value written (e.g. Modbus illegal data value, OPC UA BadTypeMismatch)',
    retriable: false,
    responseCode: '4.00',
  },
  DEVICE_ACCESS_DENIED: {
    summary:
      'the device refused the user or client identity for this operation (e.g. OPC UA BadUserAccessDenied, a rejected user token)',
    retriable: false,
    responseCode: '4.01',
  },
  DEVICE_OPERATION_UNSUPPORTED: {
    summary: 'the device does not support this operation (e.g. Modbus illegal function)',
    retriable: false,
    responseCode: '4.05',
  },
  DEVICE_RESPONSE_INVALID: {
    summary: 'the device answered with a malformed, stale or mismatched reply',
    retriable: true,
    responseCode: '5.03',
  },
  DEVICE_FAILURE: {
    summary: 'the device reported an internal failure (e.g. Modbus server device failure)',
    retriable: false,
    responseCode: '5.00',
  },
  // Operations on points
  WRITE_VALUE_INVALID: {
    summary: 'a value to write does not fit the point (type, range, enumeration); nothing was sent',
    retriable: false,
    responseCode: '4.00',
  },
  OPERATION_NOT_ALLOWED: {
    summary: 'the mapping does not allow this operation on the point (read-only, not executable)',
    retriable: false,
    responseCode: '4.05',
  },
  SESSION_CLOSED: {
    summary: 'the session or runtime is closed or closing',
    retriable: false,
    responseCode: '5.03',
  },
  // CoAP / LwM2M transport (client engine towards its server)
  COAP_TIMEOUT: {
    summary: 'the peer did not acknowledge or answer a CoAP message in time (after all retransmissions)',
    retriable: true,
    responseCode: '5.04',
  },
  COAP_RESET: {
    summary: 'the peer answered a CoAP message with a Reset (RST)',
    retriable: true,
    responseCode: '5.03',
  },
  COAP_MESSAGE_INVALID: {
    summary: 'a CoAP datagram is malformed (header, token, options) and was rejected',
    retriable: false,
    responseCode: '4.00',
  },
  SERVER_ERROR: {
    summary:
      'the peer answered with a CoAP server error (5.xx): it is reachable but cannot serve the request now',
    retriable: true,
    responseCode: '5.03',
  },
  QUEUE_FULL: {
    summary: 'a bounded queue is full; the item was dropped and counted',
    retriable: true,
    responseCode: '5.03',
  },
  CLIENT_ASLEEP: {
    summary:
      'an LwM2M client in queue mode did not wake up (Register or Update) before a request waiting for it expired',
    retriable: true,
    responseCode: '5.04',
  },
  TRANSPORT_CLOSED: {
    summary: 'the endpoint or transport is closed',
    retriable: false,
    responseCode: '5.03',
  },
  DTLS_HANDSHAKE_FAILED: {
    summary: 'the DTLS handshake failed or timed out (wrong PSK identity/key, or the server is unreachable)',
    retriable: true,
    responseCode: '5.03',
  },
  CLIENT_NOT_REGISTERED: {
    summary: 'no LwM2M client is registered under that endpoint name (or that registration ended)',
    retriable: true,
    responseCode: '4.04',
  },
  END_DEVICE_UNKNOWN: {
    summary:
      'no end device of a registered LwM2M gateway has that Device ID or prefix (or the Device ID is claimed by several gateways)',
    retriable: true,
    responseCode: '4.04',
  },
  // Northbound HTTP API of the gateway server
  API_REQUEST_INVALID: {
    summary:
      'an HTTP API request is malformed (path parameter, query, JSON body); nothing was sent to a client',
    retriable: false,
    responseCode: '4.00',
  },
  API_UNAUTHORIZED: {
    summary: 'the HTTP API request needs the bearer token (writes, executes, observes, creates, deletes)',
    retriable: false,
    responseCode: '4.01',
  },
  API_NOT_FOUND: {
    summary: 'the HTTP API has no such route',
    retriable: false,
    responseCode: '4.04',
  },
  API_METHOD_NOT_ALLOWED: {
    summary: 'the HTTP API route does not take this method (or not at this path level)',
    retriable: false,
    responseCode: '4.05',
  },
  API_PAYLOAD_TOO_LARGE: {
    summary: 'the HTTP API request body is larger than the server takes',
    retriable: false,
    responseCode: '4.13',
  },
  OBSERVATION_UNKNOWN: {
    summary: 'the server holds no observation of that path at that client (nothing to cancel)',
    retriable: false,
    responseCode: '4.04',
  },
  REGISTRATION_REJECTED: {
    summary: 'the LwM2M server refused the registration (4.00 bad parameters, 4.03 forbidden, 4.12 version)',
    retriable: false,
    responseCode: '4.03',
  },
  // Kafka bridge of the gateway server
  KAFKA_REQUEST_INVALID: {
    summary:
      'a management request read from Kafka is malformed (not JSON, fields missing or of the wrong type); it is answered with this error and counted',
    retriable: false,
    responseCode: '4.00',
  },
  SPOOL_CORRUPT: {
    summary:
      'a spool segment holds a record whose checksum or framing is wrong (a torn write): the spool ends before it',
    retriable: false,
    responseCode: '5.00',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}
