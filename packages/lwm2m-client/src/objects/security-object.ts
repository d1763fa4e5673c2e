import { describePeer, type PeerAddress } from '@lwm2m-adapters/coap';
import type { InstanceDeclaration } from './resource-declaration.js';

/** LwM2M Security modes (/0/x/2). */
export const SecurityMode = { PSK: 0, RPK: 1, X509: 2, NO_SEC: 3, EST: 4 } as const;

export interface SecurityInfo {
  /** /0/x/0; default `coap://address:port` (or `coaps://` for PSK). */
  readonly serverUri?: string;
  /** /0/x/2; default NoSec, or PSK when an identity is given. */
  readonly mode?: number;
  /** /0/x/3: PSK identity (UTF-8) or public key. */
  readonly identity?: Uint8Array | string;
  /** /0/x/5: PSK or private key. Never readable by a DM server. */
  readonly secretKey?: Uint8Array;
  /** /0/x/4 */
  readonly serverPublicKey?: Uint8Array;
}

function bytes(value: Uint8Array | string | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

/**
 * /0/x for the one LwM2M server account. Its resources have no DM operations: every DM request on
 * /0 is answered 4.01 before it reaches the tree (Core §6.1.1).
 */
export function securityInstance(
  peer: PeerAddress,
  shortServerId: number,
  info: SecurityInfo = {},
): InstanceDeclaration {
  const mode = info.mode ?? (info.identity === undefined ? SecurityMode.NO_SEC : SecurityMode.PSK);
  const scheme = mode === SecurityMode.NO_SEC ? 'coap' : 'coaps';
  return {
    0: info.serverUri ?? `${scheme}://${describePeer(peer)}`,
    1: false,
    2: mode,
    3: bytes(info.identity),
    4: bytes(info.serverPublicKey),
    5: bytes(info.secretKey),
    10: shortServerId,
  };
}
