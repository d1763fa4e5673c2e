import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { Lwm2mResponse } from '@lwm2m-adapters/lwm2m-server';
import { errorJson } from '../json/registration-json.js';
import { statusOfError, statusOfLwm2mCode } from './api-status.js';
import type { DmTarget } from './dm-target.js';

/** What a route answers: an HTTP status and a JSON body. */
export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

/** The answer of a coded error: `{ success: false, error: { code, message, details } }`. */
export function errorResult(error: unknown, fromClient = false): ApiResult {
  const coded = isCodedError(error)
    ? error
    : new CodedError('SERVER_ERROR', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
  const status = isCodedError(error) ? statusOfError(coded, fromClient) : 500;
  return { status, body: { success: false, error: errorJson(coded) } };
}

/**
 * The answer of an LwM2M exchange: the client's response code, whether it is 2.xx, its
 * diagnostic, who was addressed and at which path (in the request's namespace), and `extra`
 * (values, observation...). The HTTP status follows the code (5.xx -> 502).
 */
export function lwm2mResult(
  target: DmTarget,
  response: Lwm2mResponse,
  extra: Record<string, unknown> = {},
): ApiResult {
  return {
    status: statusOfLwm2mCode(response.code),
    body: {
      code: response.code,
      success: response.success,
      diagnostic: response.diagnostic ?? null,
      ...targetJson(target),
      ...extra,
    },
  };
}

export function targetJson(target: DmTarget) {
  return {
    endpoint: target.registration.endpoint,
    deviceId: target.child?.deviceId ?? null,
    prefix: target.child?.prefix ?? null,
    path: target.path.toString(),
  };
}
