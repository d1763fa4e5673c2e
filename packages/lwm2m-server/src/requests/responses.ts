import type { CoapIncomingResponse } from '@lwm2m-adapters/coap';
import type { Lwm2mResponse } from '../server-types.js';

const utf8Decoder = new TextDecoder();

/** The typed outcome of a response: its code, whether it is 2.xx, the diagnostic of an error. */
export function toResponse(response: CoapIncomingResponse): Lwm2mResponse {
  const success = response.code.startsWith('2.');
  return {
    code: response.code,
    success,
    diagnostic: success || response.payload.length === 0 ? undefined : utf8Decoder.decode(response.payload),
  };
}
