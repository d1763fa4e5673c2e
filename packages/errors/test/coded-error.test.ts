import { describe, expect, it } from 'vitest';
import { CodedError, errorCatalogue, isCodedError, isErrorCode } from '../src/index.js';

describe('CodedError', () => {
  it('takes retriable and response code from the catalogue', () => {
    const err = new CodedError('CODEC_LIMIT_EXCEEDED', 'too big', { details: { size: 2 } });
    expect(err.code).toBe('CODEC_LIMIT_EXCEEDED');
    expect(err.retriable).toBe(false);
    expect(err.responseCode).toBe('4.13');
    expect(err).toBeInstanceOf(Error);
    expect(err.toJSON()).toEqual({
      name: 'CodedError',
      code: 'CODEC_LIMIT_EXCEEDED',
      message: 'too big',
      retriable: false,
      details: { size: 2 },
    });
  });

  it('keeps the cause and lets the caller override retriable', () => {
    const cause = new RangeError('x');
    const err = new CodedError('CODEC_MALFORMED', 'bad', { cause, retriable: true });
    expect(err.cause).toBe(cause);
    expect(err.retriable).toBe(true);
  });

  it('recognises codes and coded errors', () => {
    expect(isErrorCode('PATH_INVALID')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isCodedError(new CodedError('PATH_INVALID', 'p'), 'PATH_INVALID')).toBe(true);
    expect(isCodedError(new CodedError('PATH_INVALID', 'p'), 'CODEC_MALFORMED')).toBe(false);
    expect(isCodedError(new Error('plain'))).toBe(false);
  });

  it('maps every catalogue entry to a CoAP error class', () => {
    for (const [code, spec] of Object.entries(errorCatalogue)) {
      expect(spec.responseCode, code).toMatch(/^[45]\.\d\d$/);
      expect(spec.summary.length, code).toBeGreaterThan(10);
    }
  });
});

describe('two copies of the errors package', () => {
  it("recognise each other's coded errors (a brand, not the class identity)", async () => {
    // a second module instance, as an adapter with its own node_modules copy would load
    const secondCopy = '../src/coded-error.js?second-copy';
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/coded-error.js');
    expect(other.CodedError).not.toBe(CodedError);
    const foreign = new other.CodedError('DEVICE_TIMEOUT', 'no answer');
    expect(isCodedError(foreign)).toBe(true);
    expect(isCodedError(foreign, 'DEVICE_TIMEOUT')).toBe(true);
    expect(isCodedError(foreign, 'PATH_INVALID')).toBe(false);
    expect(foreign instanceof CodedError).toBe(true);
    expect(other.isCodedError(new CodedError('PATH_INVALID', 'p'), 'PATH_INVALID')).toBe(true);
  });

  it('do not take a look-alike without the brand for one', () => {
    const lookAlike = Object.assign(new Error('x'), { code: 'DEVICE_TIMEOUT', retriable: true });
    expect(isCodedError(lookAlike)).toBe(false);
    expect(lookAlike instanceof CodedError).toBe(false);
  });
});
