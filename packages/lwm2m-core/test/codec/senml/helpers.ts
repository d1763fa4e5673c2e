import { isCodedError } from '@lwm2m-adapters/errors';
import { testModel } from '../../support/test-model.js';

export const encodeContext = { model: testModel };
export const decodeContext = { model: testModel };

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** The CodedError code `run` throws ("none" if it returns, "not coded" for any other error). */
export function codeOf(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (err) {
    return isCodedError(err) ? err.code : `not coded: ${String(err)}`;
  }
}
