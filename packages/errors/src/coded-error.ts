import { type CoapResponseCode, type ErrorCode, errorCatalogue } from './catalogue.js';

export interface CodedErrorOptions {
  /** Overrides the catalogue's default. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Structured, secret-free context (path, offset, format...). Logged as-is. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * An error with a stable code from the catalogue. Transport failures and invalid input are
 * thrown as CodedError; protocol outcomes are returned as values by the layers above.
 */
export class CodedError extends Error {
  override readonly name = 'CodedError';
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? errorCatalogue[code].retriable;
    this.details = options.details ?? {};
  }

  /** The CoAP response code this error maps to when it answers an LwM2M request. */
  get responseCode(): CoapResponseCode {
    return errorCatalogue[this.code].responseCode;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      details: this.details,
    };
  }
}

export function isCodedError(value: unknown, code?: ErrorCode): value is CodedError {
  return value instanceof CodedError && (code === undefined || value.code === code);
}
