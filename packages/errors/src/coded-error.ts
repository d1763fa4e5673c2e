import { type CoapResponseCode, type ErrorCode, errorCatalogue } from './catalogue.js';

export interface CodedErrorOptions {
  /** Overrides the catalogue's default. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Structured, secret-free context (path, offset, format...). Logged as-is. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The brand every CodedError carries, in the global symbol registry: an adapter installed with its
 * own copy of this package (another version, another node_modules) throws errors that `instanceof`
 * against the host's copy does not recognise; the brand does. See `isCodedError`.
 */
const CODED_ERROR_BRAND: unique symbol = Symbol.for('@lwm2m-adapters/errors.CodedError');

/**
 * An error with a stable code from the catalogue. Transport failures and invalid input are
 * thrown as CodedError; protocol outcomes are returned as values by the layers above.
 */
export class CodedError extends Error {
  override readonly name = 'CodedError';
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
  /** See CODED_ERROR_BRAND: what `isCodedError` checks instead of the class. */
  readonly [CODED_ERROR_BRAND] = true;

  /**
   * `instanceof CodedError` recognises a CodedError made by any copy of this package (by default it
   * would see only this copy's). The class is not meant to be subclassed.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasCodedErrorBrand(value);
  }

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

function hasCodedErrorBrand(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [CODED_ERROR_BRAND]?: unknown })[CODED_ERROR_BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Whether `value` is a CodedError (with `code`, when given), made by this copy of the package or
 * any other: a brand check, not `instanceof`, so two installed copies agree.
 */
export function isCodedError(value: unknown, code?: ErrorCode): value is CodedError {
  return hasCodedErrorBrand(value) && (code === undefined || (value as CodedError).code === code);
}
