/**
 * TLS 1.2 key derivation with the SHA-256 PRF (RFC 5246 §5, §8.1, §6.3) for plain PSK key exchange
 * (RFC 4279 §2), with the extended master secret (RFC 7627 §4) when both sides agreed on it.
 */

import { createHmac } from 'node:crypto';
import { concatBytes } from './tls-wire.js';

const latin1 = (label: string) => Buffer.from(label, 'latin1');

/** PRF(secret, label, seed) = P_SHA256(secret, label + seed), `length` bytes. */
export function prfSha256(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelAndSeed = concatBytes([latin1(label), seed]);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelAndSeed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = createHmac('sha256', secret).update(a).digest(); // A(i) = HMAC(secret, A(i-1))
    const block = createHmac('sha256', secret).update(a).update(labelAndSeed).digest();
    const take = Math.min(block.length, length - filled);
    out.set(block.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

/**
 * The plain-PSK premaster secret (RFC 4279 §2): uint16 N, N zero bytes, uint16 N, the PSK
 * (N = the PSK's length).
 */
export function pskPremasterSecret(psk: Uint8Array): Uint8Array {
  const n = psk.length;
  const out = new Uint8Array(4 + 2 * n);
  out[0] = n >>> 8;
  out[1] = n & 0xff;
  out[2 + n] = n >>> 8;
  out[3 + n] = n & 0xff;
  out.set(psk, 4 + n);
  return out;
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function masterSecret(
  premaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prfSha256(premaster, 'master secret', concatBytes([clientRandom, serverRandom]), 48);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
 * session_hash = the handshake hash up to and including ClientKeyExchange.
 */
export function extendedMasterSecret(premaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prfSha256(premaster, 'extended master secret', sessionHash, 48);
}

export interface KeyBlockLengths {
  readonly macKey: number;
  readonly encKey: number;
  readonly fixedIv: number;
}

/** One direction's keys. */
export interface DirectionKeys {
  readonly macKey: Uint8Array;
  readonly encKey: Uint8Array;
  readonly fixedIv: Uint8Array;
}

export interface ConnectionKeys {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
 * client MAC key, server MAC key, client key, server key, client IV, server IV (RFC 5246 §6.3).
 */
export function expandKeys(
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  lengths: KeyBlockLengths,
): ConnectionKeys {
  const total = 2 * (lengths.macKey + lengths.encKey + lengths.fixedIv);
  const block = prfSha256(master, 'key expansion', concatBytes([serverRandom, clientRandom]), total);
  let at = 0;
  const take = (n: number) => {
    const part = block.slice(at, at + n);
    at += n;
    return part;
  };
  const clientMac = take(lengths.macKey);
  const serverMac = take(lengths.macKey);
  const clientKey = take(lengths.encKey);
  const serverKey = take(lengths.encKey);
  const clientIv = take(lengths.fixedIv);
  const serverIv = take(lengths.fixedIv);
  return {
    client: { macKey: clientMac, encKey: clientKey, fixedIv: clientIv },
    server: { macKey: serverMac, encKey: serverKey, fixedIv: serverIv },
  };
}

/** verify_data = PRF(master_secret, "client finished" | "server finished", Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(
  master: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
): Uint8Array {
  return prfSha256(master, `${sender} finished`, handshakeHash, 12);
}
