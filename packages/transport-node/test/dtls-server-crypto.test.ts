/**
 * Golden vectors for the DTLS server's cryptography. Published vectors where they exist (the TLS
 * 1.2 PRF-SHA256 vector of the IETF TLS list, NIST SP 800-38C CCM example 3, RFC 4231 HMAC, NIST
 * SP 800-38A CBC); the record-level and key-schedule vectors were computed once with Python's
 * `cryptography` package (AESCCM, Cipher(AES, CBC), hmac) and a separate P_SHA256 — not with
 * this code.
 */

import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  additionalData,
  CIPHER_SUITES,
  cbcSha256Protection,
  ccm8Open,
  ccm8Seal,
} from '../src/dtls-server/cipher-suites.js';
import {
  expandKeys,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  prfSha256,
  pskPremasterSecret,
} from '../src/dtls-server/key-derivation.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('TLS 1.2 PRF and the PSK key schedule', () => {
  it('PRF-SHA256: the published 100-byte vector ("test label")', () => {
    const out = prfSha256(
      hex('9bbe436ba940f017b17652849a71db35'),
      'test label',
      hex('a0ba9f936cda311827a6f796ffd5198c'),
      100,
    );
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
        '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('the plain-PSK premaster secret is N, N zeros, N, the PSK (RFC 4279 §2)', () => {
    expect(toHex(pskPremasterSecret(Buffer.from('secretPSK')))).toBe(
      '0009000000000000000000000973656372657450534b',
    );
    expect(toHex(pskPremasterSecret(hex('01020304')))).toBe('0004000000000004' + '01020304');
  });

  const premaster = pskPremasterSecret(Buffer.from('secretPSK'));
  const clientRandom = new Uint8Array(32).fill(0xaa);
  const serverRandom = new Uint8Array(32).fill(0xbb);
  const master = masterSecret(premaster, clientRandom, serverRandom);

  it('master secret, extended master secret, CCM_8 key block and client Finished', () => {
    expect(toHex(master)).toBe(
      'c3df6f93c9f773f2a9a43b3e6b3bae9487a29a778d3810ed0baaa348088294c2fb7bfba5c9a9d792d1d027cfc04af286',
    );
    const keys = expandKeys(
      master,
      clientRandom,
      serverRandom,
      CIPHER_SUITES.TLS_PSK_WITH_AES_128_CCM_8.keyLengths,
    );
    expect(
      toHex(keys.client.encKey) +
        toHex(keys.server.encKey) +
        toHex(keys.client.fixedIv) +
        toHex(keys.server.fixedIv),
    ).toBe('8035e2cc63a1c0d6d2d8b3748603a2010ccfdde72e6d7d9ea19352c9f7d6838ce822be77873df6e1');
    expect(keys.client.macKey.length).toBe(0);
    const sessionHash = createHash('sha256').update('transcript').digest();
    expect(toHex(extendedMasterSecret(premaster, sessionHash))).toBe(
      '0f05410b99b97eac724cb9f5333e13214f2b634cd32c33b7faf569e8e5ca191e8a3a79375b4ef90e96bdc78afeaf1fa6',
    );
    expect(toHex(finishedVerifyData(master, 'client', sessionHash))).toBe('48c130bd4b17dc672e3b43ea');
  });
});

describe('TLS_PSK_WITH_AES_128_CCM_8 records', () => {
  it('AES-128-CCM with an 8-byte tag: NIST SP 800-38C example 3 (12-byte nonce)', () => {
    const key = hex('404142434445464748494a4b4c4d4e4f');
    const nonce = hex('101112131415161718191a1b');
    const aad = hex('000102030405060708090a0b0c0d0e0f10111213');
    const plaintext = hex('202122232425262728292a2b2c2d2e2f3031323334353637');
    const sealed = ccm8Seal(key, nonce, aad, plaintext);
    expect(toHex(sealed)).toBe('e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951');
    expect(toHex(ccm8Open(key, nonce, aad, sealed)!)).toBe(toHex(plaintext));
    sealed[0]! ^= 1;
    expect(ccm8Open(key, nonce, aad, sealed)).toBeUndefined();
  });

  const protection = CIPHER_SUITES.TLS_PSK_WITH_AES_128_CCM_8.protection({
    macKey: new Uint8Array(0),
    encKey: hex('000102030405060708090a0b0c0d0e0f'),
    fixedIv: hex('01020304'),
  });
  const golden = '000100000000000511305581373b53307730fb067412d17f5a87c1';

  it('a record: explicit nonce = epoch ‖ sequence, then ciphertext ‖ tag (epoch 1, seq 5, application data)', () => {
    expect(toHex(protection.seal(23, 0xfefd, 1, 5, Buffer.from('hello, DTLS')))).toBe(golden);
    expect(Buffer.from(protection.open(23, 0xfefd, 1, 5, hex(golden))!).toString()).toBe('hello, DTLS');
  });

  it('the header fields are authenticated: another type, sequence or epoch does not open', () => {
    expect(protection.open(22, 0xfefd, 1, 5, hex(golden))).toBeUndefined();
    expect(protection.open(23, 0xfefd, 1, 6, hex(golden))).toBeUndefined();
    expect(protection.open(23, 0xfefd, 2, 5, hex(golden))).toBeUndefined();
    expect(protection.open(23, 0xfefd, 1, 5, hex(golden).subarray(0, 15))).toBeUndefined();
  });
});

describe('TLS_PSK_WITH_AES_128_CBC_SHA256 records', () => {
  it('the primitives: HMAC-SHA256 RFC 4231 case 2, AES-128-CBC NIST SP 800-38A F.2.1 first block', () => {
    expect(createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const cipher = createCipheriv(
      'aes-128-cbc',
      hex('2b7e151628aed2a6abf7158809cf4f3c'),
      hex('000102030405060708090a0b0c0d0e0f'),
    ).setAutoPadding(false);
    expect(
      toHex(Buffer.concat([cipher.update(hex('6bc1bee22e409f96e93d7e117393172a')), cipher.final()])),
    ).toBe('7649abac8119b246cee98e9b12e9197d');
  });

  const keys = {
    macKey: hex('202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f'),
    encKey: hex('404142434445464748494a4b4c4d4e4f'),
    fixedIv: new Uint8Array(0),
  };
  const golden =
    '505152535455565758595a5b5c5d5e5f0701a7693e051b8b87b5412a7fc2f1ab66b528ce464c209993a2f17d7277786d5078213fe20e4dd1550eccaeda36b19e';

  it('a record: IV ‖ AES-CBC(plaintext ‖ HMAC(seq ‖ type ‖ version ‖ length ‖ plaintext) ‖ padding)', () => {
    const protection = cbcSha256Protection(keys, () => hex('505152535455565758595a5b5c5d5e5f'));
    expect(toHex(protection.seal(23, 0xfefd, 1, 5, Buffer.from('hello, DTLS')))).toBe(golden);
    expect(Buffer.from(protection.open(23, 0xfefd, 1, 5, hex(golden))!).toString()).toBe('hello, DTLS');
  });

  it('a flipped byte, a wrong sequence number or a bad length does not open', () => {
    const protection = cbcSha256Protection(keys);
    for (let i = 0; i < golden.length / 2; i += 7) {
      const tampered = hex(golden);
      tampered[i]! ^= 0x40;
      expect(protection.open(23, 0xfefd, 1, 5, tampered), `byte ${i}`).toBeUndefined();
    }
    expect(protection.open(23, 0xfefd, 1, 4, hex(golden))).toBeUndefined();
    expect(protection.open(23, 0xfefd, 1, 5, hex(golden).subarray(0, 48))).toBeUndefined();
    expect(protection.open(23, 0xfefd, 1, 5, hex(golden).subarray(0, 63))).toBeUndefined();
  });

  it('round trips every plaintext length across a block boundary', () => {
    const protection = cbcSha256Protection(keys);
    for (let length = 0; length <= 40; length++) {
      const plaintext = new Uint8Array(length).fill(length);
      const fragment = protection.seal(23, 0xfefd, 1, length, plaintext);
      expect(fragment.length % 16).toBe(0);
      expect(toHex(protection.open(23, 0xfefd, 1, length, fragment)!)).toBe(toHex(plaintext));
    }
  });

  it('the MAC prefix is seq_num ‖ type ‖ version ‖ length (13 bytes)', () => {
    expect(toHex(additionalData(23, 0xfefd, 1, 5, 11))).toBe('0001000000000005' + '17' + 'fefd' + '000b');
  });
});
