import type { CoapCode, CoapMethod } from '../coap-types.js';

const METHOD_BY_CODE: Readonly<Record<number, CoapMethod>> = {
  1: 'GET',
  2: 'POST',
  3: 'PUT',
  4: 'DELETE',
  5: 'FETCH',
  6: 'PATCH',
  7: 'IPATCH',
};

const CODE_BY_METHOD: Readonly<Record<CoapMethod, number>> = {
  GET: 1,
  POST: 2,
  PUT: 3,
  DELETE: 4,
  FETCH: 5,
  PATCH: 6,
  IPATCH: 7,
};

/** The method of a request code byte (0.01-0.07), or undefined for any other code. */
export function methodOfCode(code: number): CoapMethod | undefined {
  return METHOD_BY_CODE[code];
}

/** The code byte of a method; undefined for a string that is not one (untyped callers). */
export function codeOfMethod(method: CoapMethod): number | undefined {
  return Object.hasOwn(CODE_BY_METHOD, method) ? CODE_BY_METHOD[method] : undefined;
}

/** Every code byte in dotted form, computed once: responses are decoded thousands of times a second. */
const DOTTED_CODES: readonly string[] = Array.from({ length: 256 }, (_, code) => {
  const detail = code & 0x1f;
  return `${code >> 5}.${detail < 10 ? '0' : ''}${detail}`;
});

const CODE_BY_DOTTED: ReadonlyMap<string, number> = new Map(
  DOTTED_CODES.map((dotted, code) => [dotted, code]),
);

/** "2.05" → 0x45. Throws on anything that is not c.dd with c in 0..7 and dd in 0..31. */
export function parseDottedCode(code: string): number {
  const parsed = CODE_BY_DOTTED.get(code);
  if (parsed === undefined) throw new RangeError(`not a CoAP code: "${code}"`);
  return parsed;
}

/** 0x45 → "2.05". */
export function formatDottedCode(code: number): string {
  return DOTTED_CODES[code & 0xff]!;
}

/** A response code byte in the CoapCode form; only call for classes 2, 4 and 5. */
export function responseCodeOf(code: number): CoapCode {
  return formatDottedCode(code) as CoapCode;
}

/** Response codes the endpoint produces itself. */
export const ResponseCode = {
  Content: 0x45,
  Continue: 0x5f, // 2.31
  BadRequest: 0x80,
  Unauthorized: 0x81,
  BadOption: 0x82,
  NotFound: 0x84,
  MethodNotAllowed: 0x85,
  RequestEntityIncomplete: 0x88,
  RequestEntityTooLarge: 0x8d,
  InternalServerError: 0xa0,
  ServiceUnavailable: 0xa3,
  ProxyingNotSupported: 0xa5,
} as const;
