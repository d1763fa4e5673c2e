import { CodedError, type ErrorCode } from '@lwm2m-adapters/errors';

/** An OPC UA status as node-opcua reports it (`StatusCode.name`, `StatusCode.value`). */
export interface OpcuaStatus {
  readonly name: string;
  readonly value: number;
}

const CODE_BY_STATUS: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  // the node or attribute does not exist: 4.04
  ...(
    [
      'BadNodeIdUnknown',
      'BadNodeIdInvalid',
      'BadAttributeIdInvalid',
      'BadNoMatch',
      'BadBrowseNameInvalid',
      'BadMethodInvalid',
      'BadObjectDeleted',
      'BadNodeClassInvalid',
    ] as const
  ).map((s) => [s, 'DEVICE_ADDRESS_UNKNOWN'] as const),
  // the value or arguments do not fit: 4.00
  ...(
    [
      'BadTypeMismatch',
      'BadOutOfRange',
      'BadInvalidArgument',
      'BadArgumentsMissing',
      'BadTooManyArguments',
      'BadIndexRangeInvalid',
      'BadIndexRangeNoData',
      'BadDataEncodingInvalid',
      'BadEncodingLimitsExceeded',
      'BadMonitoredItemFilterInvalid',
      'BadDeadbandFilterInvalid',
    ] as const
  ).map((s) => [s, 'DEVICE_VALUE_REJECTED'] as const),
  // who we are is not allowed: 4.01
  ...(
    [
      'BadUserAccessDenied',
      'BadIdentityTokenInvalid',
      'BadIdentityTokenRejected',
      'BadUserSignatureInvalid',
      'BadCertificateUntrusted',
      'BadCertificateInvalid',
      'BadSecurityChecksFailed',
      'BadSecurityPolicyRejected',
      'BadSecurityModeRejected',
      'BadApplicationSignatureInvalid',
    ] as const
  ).map((s) => [s, 'DEVICE_ACCESS_DENIED'] as const),
  // the node cannot do this at all: 4.05
  ...(
    [
      'BadNotWritable',
      'BadNotReadable',
      'BadNotExecutable',
      'BadWriteNotSupported',
      'BadNotSupported',
      'BadServiceUnsupported',
      'BadNotImplemented',
      'BadMonitoredItemFilterUnsupported',
      'BadFilterNotAllowed',
    ] as const
  ).map((s) => [s, 'DEVICE_OPERATION_UNSUPPORTED'] as const),
  // no answer in time: 5.03
  ...(['BadTimeout', 'BadRequestTimeout'] as const).map((s) => [s, 'DEVICE_TIMEOUT'] as const),
  // the link or session is gone: 5.03
  ...(
    [
      'BadConnectionClosed',
      'BadConnectionRejected',
      'BadSessionClosed',
      'BadSessionIdInvalid',
      'BadSessionNotActivated',
      'BadSecureChannelClosed',
      'BadSecureChannelIdInvalid',
      'BadCommunicationError',
      'BadServerNotConnected',
      'BadNotConnected',
      'BadDisconnect',
      'BadServerHalted',
      'BadShutdown',
      'BadNoCommunication',
      'BadTcpInternalError',
      'BadSubscriptionIdInvalid',
    ] as const
  ).map((s) => [s, 'DEVICE_UNREACHABLE'] as const),
  // the server has no room now: 5.03
  ...(
    [
      'BadTooManyOperations',
      'BadTooManySessions',
      'BadTooManySubscriptions',
      'BadTooManyMonitoredItems',
      'BadTooManyPublishRequests',
      'BadResourceUnavailable',
      'BadServerTooBusy',
      'BadWaitingForInitialData',
    ] as const
  ).map((s) => [s, 'DEVICE_BUSY'] as const),
]);

/** The status names with a mapping of their own (every other Bad status is DEVICE_FAILURE). */
export function mappedStatusNames(): readonly string[] {
  return [...CODE_BY_STATUS.keys()];
}

/** The catalogue code of an OPC UA Bad status (DEVICE_FAILURE for any other Bad status). */
export function errorCodeOfStatus(status: OpcuaStatus): ErrorCode {
  return CODE_BY_STATUS.get(status.name) ?? 'DEVICE_FAILURE';
}

/** `0x80340000` for node-opcua's status value. */
export function statusHex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The coded error for an OPC UA Bad status met while doing `what` (e.g. "reading ns=2;s=Speed").
 * The original status name and code stay in `details` (`opcuaStatus`, `opcuaStatusCode`).
 */
export function errorFromStatus(status: OpcuaStatus, what: string): CodedError {
  const code = errorCodeOfStatus(status);
  return new CodedError(code, `${what}: ${status.name} (${statusHex(status.value)})`, {
    details: { opcuaStatus: status.name, opcuaStatusCode: statusHex(status.value) },
  });
}

const STATUS_NAME_IN_TEXT = /\b(Bad[A-Z][A-Za-z]+)\b/;

/**
 * A node-opcua exception (a failed service call, a closed channel, a transaction timeout) as a
 * coded error: a Bad status named in it maps like `errorFromStatus`; a timeout is DEVICE_TIMEOUT;
 * anything else DEVICE_UNREACHABLE (the link is not usable). `redact` removes secrets from text.
 */
export function errorFromException(
  error: unknown,
  what: string,
  redact: (text: string) => string = (t) => t,
): CodedError {
  const text = redact(error instanceof Error ? error.message : String(error));
  const named = STATUS_NAME_IN_TEXT.exec(text)?.[1];
  if (named !== undefined && CODE_BY_STATUS.has(named)) {
    return new CodedError(CODE_BY_STATUS.get(named) as ErrorCode, `${what}: ${text}`, {
      details: { opcuaStatus: named },
    });
  }
  if (/timed? ?out|timeout/i.test(text)) return new CodedError('DEVICE_TIMEOUT', `${what}: ${text}`);
  return new CodedError('DEVICE_UNREACHABLE', `${what}: ${text}`);
}
