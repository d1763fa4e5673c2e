import type { CoapCode } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';

/** The error codes an LwM2M client may answer with (Transport TS; notes §2.5). */
const LWM2M_ERROR_CODE_LIST = [
  '4.00',
  '4.01',
  '4.02',
  '4.03',
  '4.04',
  '4.05',
  '4.06',
  '4.08',
  '4.13',
  '4.15',
  '5.00',
  '5.01',
  '5.03',
] as const;

export type Lwm2mErrorCode = (typeof LWM2M_ERROR_CODE_LIST)[number];

const LWM2M_ERROR_CODES: ReadonlySet<string> = new Set(LWM2M_ERROR_CODE_LIST);

/**
 * A protocol outcome of a DM request (4.04 unknown path, 4.05 not allowed...): thrown inside the
 * engine and turned into the response by the request handler. Never leaves the engine.
 */
export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';
  readonly code: Lwm2mErrorCode;

  constructor(code: Lwm2mErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export const fail = {
  badRequest: (message: string, cause?: unknown) => new RequestFailure('4.00', message, { cause }),
  unauthorized: (message: string) => new RequestFailure('4.01', message),
  notFound: (message: string) => new RequestFailure('4.04', message),
  notAllowed: (message: string) => new RequestFailure('4.05', message),
  notAcceptable: (message: string) => new RequestFailure('4.06', message),
  unsupportedFormat: (message: string) => new RequestFailure('4.15', message),
  internal: (message: string, cause?: unknown) => new RequestFailure('5.00', message, { cause }),
  unavailable: (message: string) => new RequestFailure('5.03', message),
} as const;

/**
 * The LwM2M response code for any failure: a RequestFailure's own code, a CodedError's catalogue
 * code (5.04 and other codes LwM2M does not list become 5.03 when retriable, else 5.00), and 5.00
 * for anything else.
 */
export function responseCodeOf(error: unknown): Lwm2mErrorCode {
  if (error instanceof RequestFailure) return error.code;
  if (isCodedError(error)) {
    const code = error.responseCode;
    if (LWM2M_ERROR_CODES.has(code)) return code as Lwm2mErrorCode;
    return error.retriable ? '5.03' : '5.00';
  }
  return '5.00';
}

export function isSuccessCode(code: CoapCode): boolean {
  return code.startsWith('2.');
}
