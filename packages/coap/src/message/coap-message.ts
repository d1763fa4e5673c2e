import type { CoapOption } from '../coap-types.js';

/** The four CoAP message types (RFC 7252 §3). */
export type CoapMessageType = 'CON' | 'NON' | 'ACK' | 'RST';

/** One CoAP message as it travels in a datagram, before any request/response interpretation. */
export interface CoapMessage {
  readonly type: CoapMessageType;
  /** The code byte: class in the top 3 bits, detail in the low 5 (0x45 is 2.05). */
  readonly code: number;
  readonly messageId: number;
  /** 0 to 8 bytes. */
  readonly token: Uint8Array;
  /** In wire order (ascending option number; repeated options keep their order). */
  readonly options: readonly CoapOption[];
  readonly payload: Uint8Array;
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** An Empty message (code 0.00, no token): an ACK, an RST or a ping. */
export function emptyMessage(type: CoapMessageType, messageId: number): CoapMessage {
  return { type, code: 0, messageId, token: EMPTY_BYTES, options: [], payload: EMPTY_BYTES };
}

export function codeClass(code: number): number {
  return code >> 5;
}

export function isRequestCode(code: number): boolean {
  return code >> 5 === 0 && code !== 0;
}

export function isResponseCode(code: number): boolean {
  const cls = code >> 5;
  return cls >= 2 && cls <= 5;
}
