/**
 * The two PSK cipher suites LwM2M names, as record protection (RFC 5246 §6.2.3, RFC 6347 §4.1.2.1):
 * TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655: AEAD, 8-byte tag, nonce = 4-byte salt + 8-byte explicit
 * epoch‖sequence) and TLS_PSK_WITH_AES_128_CBC_SHA256 (RFC 5487: MAC-then-encrypt, HMAC-SHA256,
 * explicit random IV). Both use the SHA-256 PRF.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DtlsPskCipherSuite } from '../dtls-transport.js';
import type { DirectionKeys, KeyBlockLengths } from './key-derivation.js';
import { writeU16, writeU48 } from './tls-wire.js';

/** Protects and unprotects the records of one direction of one epoch. */
export interface RecordProtection {
  seal(
    type: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    plaintext: Uint8Array,
  ): Uint8Array;
  /** The plaintext, or undefined when the fragment does not authenticate (or is malformed). */
  open(
    type: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    fragment: Uint8Array,
  ): Uint8Array | undefined;
}

export interface CipherSuite {
  readonly id: number;
  readonly name: DtlsPskCipherSuite;
  readonly keyLengths: KeyBlockLengths;
  protection(keys: DirectionKeys): RecordProtection;
}

/** seq_num (epoch‖sequence, 8 bytes) ‖ type ‖ version ‖ length: the AEAD additional data and the MAC prefix. */
export function additionalData(
  type: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(13);
  writeU16(out, 0, epoch);
  writeU48(out, 2, sequenceNumber);
  out[8] = type;
  writeU16(out, 9, version);
  writeU16(out, 11, length);
  return out;
}

const CCM_TAG = 8;
const CCM_EXPLICIT_NONCE = 8;

/** AES-128-CCM with an 8-byte tag (ciphertext ‖ tag). */
export function ccm8Seal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const cipher = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: CCM_TAG });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

/** The plaintext of ciphertext ‖ tag, or undefined when the tag does not verify. */
export function ccm8Open(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < CCM_TAG) return undefined;
  const ciphertext = sealed.subarray(0, sealed.length - CCM_TAG);
  const decipher = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: CCM_TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - CCM_TAG));
  decipher.setAAD(aad, { plaintextLength: ciphertext.length });
  try {
    const plaintext = decipher.update(ciphertext);
    decipher.final(); // throws when the tag does not verify
    return plaintext;
  } catch {
    return undefined;
  }
}

function ccm8Protection(keys: DirectionKeys): RecordProtection {
  const nonceFor = (explicit: Uint8Array) => {
    const nonce = new Uint8Array(12);
    nonce.set(keys.fixedIv, 0);
    nonce.set(explicit, 4);
    return nonce;
  };
  return {
    seal(type, version, epoch, sequenceNumber, plaintext) {
      const explicit = new Uint8Array(CCM_EXPLICIT_NONCE);
      writeU16(explicit, 0, epoch);
      writeU48(explicit, 2, sequenceNumber);
      const aad = additionalData(type, version, epoch, sequenceNumber, plaintext.length);
      const sealed = ccm8Seal(keys.encKey, nonceFor(explicit), aad, plaintext);
      const fragment = new Uint8Array(CCM_EXPLICIT_NONCE + sealed.length);
      fragment.set(explicit, 0);
      fragment.set(sealed, CCM_EXPLICIT_NONCE);
      return fragment;
    },
    open(type, version, epoch, sequenceNumber, fragment) {
      if (fragment.length < CCM_EXPLICIT_NONCE + CCM_TAG) return undefined;
      const plaintextLength = fragment.length - CCM_EXPLICIT_NONCE - CCM_TAG;
      const aad = additionalData(type, version, epoch, sequenceNumber, plaintextLength);
      return ccm8Open(
        keys.encKey,
        nonceFor(fragment.subarray(0, CCM_EXPLICIT_NONCE)),
        aad,
        fragment.subarray(CCM_EXPLICIT_NONCE),
      );
    },
  };
}

const BLOCK = 16;
const MAC_LENGTH = 32;

/**
 * MAC-then-encrypt with HMAC-SHA256 and AES-128-CBC, a fresh IV per record. `nextIv` is for
 * golden-vector tests only. On a padding error the MAC is still computed (over the record as if
 * unpadded) so a bad padding and a bad MAC take similar time; this is not a full Lucky13 defence.
 */
export function cbcSha256Protection(
  keys: DirectionKeys,
  nextIv: () => Uint8Array = () => randomBytes(BLOCK),
): RecordProtection {
  const mac = (type: number, version: number, epoch: number, seq: number, content: Uint8Array) =>
    createHmac('sha256', keys.macKey)
      .update(additionalData(type, version, epoch, seq, content.length))
      .update(content)
      .digest();
  return {
    seal(type, version, epoch, sequenceNumber, plaintext) {
      const tag = mac(type, version, epoch, sequenceNumber, plaintext);
      const unpadded = plaintext.length + MAC_LENGTH;
      const padLength = (BLOCK - ((unpadded + 1) % BLOCK)) % BLOCK;
      const padded = new Uint8Array(unpadded + padLength + 1);
      padded.set(plaintext, 0);
      padded.set(tag, plaintext.length);
      padded.fill(padLength, unpadded);
      const iv = nextIv();
      const cipher = createCipheriv('aes-128-cbc', keys.encKey, iv).setAutoPadding(false);
      return Buffer.concat([iv, cipher.update(padded), cipher.final()]);
    },
    open(type, version, epoch, sequenceNumber, fragment) {
      if (fragment.length < BLOCK + MAC_LENGTH + 1 || fragment.length % BLOCK !== 0) return undefined;
      const decipher = createDecipheriv(
        'aes-128-cbc',
        keys.encKey,
        fragment.subarray(0, BLOCK),
      ).setAutoPadding(false);
      const padded = Buffer.concat([decipher.update(fragment.subarray(BLOCK)), decipher.final()]);
      const padLength = padded[padded.length - 1]!;
      let paddingOk = padLength + 1 + MAC_LENGTH <= padded.length;
      if (paddingOk) {
        for (let i = padded.length - 1 - padLength; i < padded.length; i++) {
          if (padded[i] !== padLength) paddingOk = false;
        }
      }
      const contentLength = paddingOk
        ? padded.length - 1 - padLength - MAC_LENGTH
        : padded.length - MAC_LENGTH;
      const content = padded.subarray(0, contentLength);
      const expected = mac(type, version, epoch, sequenceNumber, content);
      const received = padded.subarray(contentLength, contentLength + MAC_LENGTH);
      const macOk = timingSafeEqual(expected, received);
      return paddingOk && macOk ? content : undefined;
    },
  };
}

export const CIPHER_SUITES: Readonly<Record<DtlsPskCipherSuite, CipherSuite>> = {
  TLS_PSK_WITH_AES_128_CCM_8: {
    id: 0xc0a8,
    name: 'TLS_PSK_WITH_AES_128_CCM_8',
    keyLengths: { macKey: 0, encKey: 16, fixedIv: 4 },
    protection: ccm8Protection,
  },
  TLS_PSK_WITH_AES_128_CBC_SHA256: {
    id: 0x00ae,
    name: 'TLS_PSK_WITH_AES_128_CBC_SHA256',
    keyLengths: { macKey: 32, encKey: 16, fixedIv: 0 },
    protection: (keys) => cbcSha256Protection(keys),
  },
};
