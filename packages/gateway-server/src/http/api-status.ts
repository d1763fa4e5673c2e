import type { CodedError } from '@lwm2m-adapters/errors';

/** HTTP status of an LwM2M response code from a client: 2.01 -> 201, 4.xx alike, 5.xx -> 502. */
export function statusOfLwm2mCode(code: string): number {
  if (code === '2.01') return 201;
  if (code.startsWith('2.')) return 200;
  if (code.startsWith('5.')) return 502;
  const byCode: Record<string, number> = {
    '4.01': 403,
    '4.03': 403,
    '4.04': 404,
    '4.05': 405,
    '4.06': 406,
    '4.09': 409,
    '4.12': 412,
    '4.13': 413,
    '4.15': 415,
  };
  return byCode[code] ?? 400;
}

const NOT_FOUND = new Set([
  'CLIENT_NOT_REGISTERED',
  'END_DEVICE_UNKNOWN',
  'SESSION_CLOSED',
  'OBJECT_UNKNOWN',
  'RESOURCE_UNKNOWN',
  'API_NOT_FOUND',
  'OBSERVATION_UNKNOWN',
]);
const BAD_REQUEST = new Set([
  'API_REQUEST_INVALID',
  'PATH_INVALID',
  'PREFIX_INVALID',
  'NODE_INVALID',
  'VALUE_OUT_OF_RANGE',
  'WRITE_VALUE_INVALID',
]);
/** Failures of the client or the way to it: the request went out, the answer did not serve. */
const BAD_GATEWAY = new Set(['COAP_RESET', 'SERVER_ERROR', 'COAP_MESSAGE_INVALID', 'DTLS_HANDSHAKE_FAILED']);
const UNAVAILABLE = new Set(['QUEUE_FULL', 'TRANSPORT_CLOSED']);
const TIMEOUT = new Set(['COAP_TIMEOUT', 'CLIENT_ASLEEP']);

/**
 * HTTP status of a coded error. `fromClient` says the error arose from what a client answered
 * (a payload that does not decode is the client's fault: 502), not from the API request.
 */
export function statusOfError(error: CodedError, fromClient = false): number {
  const code: string = error.code;
  if (NOT_FOUND.has(code)) return 404;
  if (BAD_REQUEST.has(code)) return 400;
  if (TIMEOUT.has(code)) return 504;
  if (BAD_GATEWAY.has(code)) return 502;
  if (UNAVAILABLE.has(code)) return 503;
  if (code.startsWith('CODEC_')) {
    if (fromClient) return 502;
    if (code === 'CODEC_LIMIT_EXCEEDED') return 413;
    return 400;
  }
  switch (code) {
    case 'API_UNAUTHORIZED':
      return 401;
    case 'API_METHOD_NOT_ALLOWED':
    case 'OPERATION_NOT_ALLOWED':
      return 405;
    case 'API_PAYLOAD_TOO_LARGE':
      return 413;
    default:
      return 500;
  }
}
