import { errorCatalogue } from '@lwm2m-adapters/errors';
import { StatusCodes } from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import {
  errorCodeOfStatus,
  errorFromException,
  errorFromStatus,
  mappedStatusNames,
} from '../../src/errors/status-errors.js';

/** OPC UA status (name, code from Part 6 StatusCodes.csv) → catalogue code → LwM2M response. */
const TABLE: readonly [string, number, string, string][] = [
  ['BadNodeIdUnknown', 0x80340000, 'DEVICE_ADDRESS_UNKNOWN', '4.04'],
  ['BadNodeIdInvalid', 0x80330000, 'DEVICE_ADDRESS_UNKNOWN', '4.04'],
  ['BadAttributeIdInvalid', 0x80350000, 'DEVICE_ADDRESS_UNKNOWN', '4.04'],
  ['BadNoMatch', 0x806f0000, 'DEVICE_ADDRESS_UNKNOWN', '4.04'],
  ['BadMethodInvalid', 0x80750000, 'DEVICE_ADDRESS_UNKNOWN', '4.04'],
  ['BadTypeMismatch', 0x80740000, 'DEVICE_VALUE_REJECTED', '4.00'],
  ['BadOutOfRange', 0x803c0000, 'DEVICE_VALUE_REJECTED', '4.00'],
  ['BadInvalidArgument', 0x80ab0000, 'DEVICE_VALUE_REJECTED', '4.00'],
  ['BadArgumentsMissing', 0x80760000, 'DEVICE_VALUE_REJECTED', '4.00'],
  ['BadTooManyArguments', 0x80e50000, 'DEVICE_VALUE_REJECTED', '4.00'],
  ['BadUserAccessDenied', 0x801f0000, 'DEVICE_ACCESS_DENIED', '4.01'],
  ['BadIdentityTokenRejected', 0x80210000, 'DEVICE_ACCESS_DENIED', '4.01'],
  ['BadCertificateUntrusted', 0x801a0000, 'DEVICE_ACCESS_DENIED', '4.01'],
  ['BadNotWritable', 0x803b0000, 'DEVICE_OPERATION_UNSUPPORTED', '4.05'],
  ['BadNotReadable', 0x803a0000, 'DEVICE_OPERATION_UNSUPPORTED', '4.05'],
  ['BadNotExecutable', 0x81110000, 'DEVICE_OPERATION_UNSUPPORTED', '4.05'],
  ['BadTimeout', 0x800a0000, 'DEVICE_TIMEOUT', '5.03'],
  ['BadConnectionClosed', 0x80ae0000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadSessionClosed', 0x80260000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadSessionIdInvalid', 0x80250000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadSecureChannelClosed', 0x80860000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadCommunicationError', 0x80050000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadServerHalted', 0x800e0000, 'DEVICE_UNREACHABLE', '5.03'],
  ['BadTooManyOperations', 0x80100000, 'DEVICE_BUSY', '5.03'],
  ['BadResourceUnavailable', 0x80040000, 'DEVICE_BUSY', '5.03'],
  ['BadInternalError', 0x80020000, 'DEVICE_FAILURE', '5.00'],
  ['BadSomethingNew', 0x80ff0000, 'DEVICE_FAILURE', '5.00'],
];

describe('OPC UA status → coded error', () => {
  it.each(TABLE)('%s (0x%s) → %s, %s', (name, value, code, response) => {
    expect(errorCodeOfStatus({ name, value })).toBe(code);
    const error = errorFromStatus({ name, value }, 'writing ns=2;s=X');
    expect(error.code).toBe(code);
    expect(error.responseCode).toBe(response);
    expect(errorCatalogue[error.code].responseCode).toBe(response);
    expect(error.details).toEqual({
      opcuaStatus: name,
      opcuaStatusCode: `0x${value.toString(16).padStart(8, '0')}`,
    });
    expect(error.message).toBe(`writing ns=2;s=X: ${name} (0x${value.toString(16).padStart(8, '0')})`);
  });

  it('names only statuses node-opcua knows, with the codes of the table', () => {
    const known = StatusCodes as unknown as Record<string, { value: number } | undefined>;
    expect(mappedStatusNames().filter((name) => known[name] === undefined)).toEqual([]);
    for (const [name, value] of TABLE)
      if (known[name] !== undefined) expect(known[name]?.value, name).toBe(value);
  });

  it('maps node-opcua exceptions by the status they name, timeouts, else unreachable; redacts', () => {
    expect(
      errorFromException(new Error('serviceResult = BadSessionIdInvalid (0x80250000)'), 'read').code,
    ).toBe('DEVICE_UNREACHABLE');
    expect(errorFromException(new Error('Transaction has timed out ( timeout = 2000 ms)'), 'read').code).toBe(
      'DEVICE_TIMEOUT',
    );
    expect(errorFromException(new Error('BadIdentityTokenRejected'), 'activate').code).toBe(
      'DEVICE_ACCESS_DENIED',
    );
    expect(errorFromException(new Error('connect ECONNREFUSED 127.0.0.1:4840'), 'connect').code).toBe(
      'DEVICE_UNREACHABLE',
    );
    const redacted = errorFromException(new Error('user x with hunter2 refused'), 'connect', (t) =>
      t.split('hunter2').join('***'),
    );
    expect(redacted.message).toBe('connect: user x with *** refused');
  });
});
