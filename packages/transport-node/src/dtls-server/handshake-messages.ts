/**
 * The handshake messages of a DTLS 1.2 PSK server (RFC 6347 §4.2/§4.3, RFC 5246 §7.4, RFC 4279
 * §2): the 12-byte DTLS handshake header, parsing what a client sends (ClientHello,
 * ClientKeyExchange, Finished) and building what the server sends.
 */

import { DTLS_1_0, HandshakeType } from './protocol-numbers.js';
import { concatBytes, TlsDecodeError, TlsReader, u16, vector, writeU16, writeU24 } from './tls-wire.js';

export const HANDSHAKE_HEADER_LENGTH = 12;

/** One handshake fragment of a record: a whole message when offset 0 and body length = length. */
export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  readonly body: Uint8Array;
}

/** The handshake fragments of one record's plaintext (a record may hold several). */
export function parseHandshakeFragments(plaintext: Uint8Array): HandshakeFragment[] {
  const reader = new TlsReader(plaintext);
  const fragments: HandshakeFragment[] = [];
  while (reader.remaining > 0) {
    const msgType = reader.u8('handshake type');
    const length = reader.u24('handshake length');
    const messageSeq = reader.u16('handshake message_seq');
    const fragmentOffset = reader.u24('handshake fragment_offset');
    const fragmentLength = reader.u24('handshake fragment_length');
    if (fragmentOffset + fragmentLength > length) {
      throw new TlsDecodeError(
        `handshake fragment ${fragmentOffset}+${fragmentLength} is beyond the message length ${length}`,
      );
    }
    fragments.push({
      msgType,
      length,
      messageSeq,
      fragmentOffset,
      body: reader.bytes(fragmentLength, 'handshake fragment'),
    });
  }
  return fragments;
}

/**
 * A whole message with its header (fragment_offset 0, fragment_length = length): what goes into
 * one record when it fits, and always what the handshake hash covers (RFC 6347 §4.2.6).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  const message = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  message[0] = msgType;
  writeU24(message, 1, body.length);
  writeU16(message, 4, messageSeq);
  writeU24(message, 6, 0);
  writeU24(message, 9, body.length);
  message.set(body, HANDSHAKE_HEADER_LENGTH);
  return message;
}

export interface ClientHello {
  readonly clientVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Uint8Array;
  /** Extension type → extension_data; absent when the client sent no extensions block. */
  readonly extensions: ReadonlyMap<number, Uint8Array>;
  /**
   * The parameters the cookie binds (RFC 6347 §4.2.1): client_version, random, session_id,
   * cipher_suites and compression_methods as sent, without the cookie and the extensions.
   */
  readonly cookieBinding: Uint8Array;
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const reader = new TlsReader(body);
  const clientVersion = reader.u16('client_version');
  const random = reader.bytes(32, 'random');
  const sessionIdAt = 34;
  const sessionId = reader.vector(1, 'session_id');
  if (sessionId.length > 32) throw new TlsDecodeError('session_id longer than 32 bytes');
  const cookie = reader.vector(1, 'cookie');
  const suitesBytes = reader.vector(2, 'cipher_suites');
  if (suitesBytes.length < 2 || suitesBytes.length % 2 !== 0) {
    throw new TlsDecodeError('cipher_suites is empty or of an odd length');
  }
  const cipherSuites: number[] = [];
  for (let i = 0; i < suitesBytes.length; i += 2)
    cipherSuites.push((suitesBytes[i]! << 8) | suitesBytes[i + 1]!);
  const compressionMethods = reader.vector(1, 'compression_methods');
  if (compressionMethods.length === 0) throw new TlsDecodeError('compression_methods is empty');
  const extensions = new Map<number, Uint8Array>();
  if (reader.remaining > 0) {
    const block = reader.vector(2, 'extensions');
    const inner = new TlsReader(block);
    while (inner.remaining > 0) {
      const type = inner.u16('extension type');
      const data = inner.vector(2, 'extension_data');
      if (extensions.has(type)) throw new TlsDecodeError(`extension ${type} appears twice`);
      extensions.set(type, data);
    }
  }
  reader.end('ClientHello');
  const cookieBinding = concatBytes([
    body.subarray(0, sessionIdAt + 1 + sessionId.length),
    vector(2, suitesBytes),
    vector(1, compressionMethods),
  ]);
  return {
    clientVersion,
    random,
    sessionId,
    cookie,
    cipherSuites,
    compressionMethods,
    extensions,
    cookieBinding,
  };
}

/** HelloVerifyRequest body: server_version DTLS 1.0 whatever is negotiated (RFC 6347 §4.2.1), cookie. */
export function encodeHelloVerifyRequest(cookie: Uint8Array): Uint8Array {
  return concatBytes([u16(DTLS_1_0), vector(1, cookie)]);
}

export interface ServerHelloFields {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  /** [type, extension_data] in order; the extensions block is left out when empty. */
  readonly extensions: readonly (readonly [number, Uint8Array])[];
}

export function encodeServerHello(fields: ServerHelloFields): Uint8Array {
  const parts = [
    u16(fields.version),
    fields.random,
    vector(1, fields.sessionId),
    u16(fields.cipherSuite),
    Uint8Array.of(0), // compression_method null
  ];
  if (fields.extensions.length > 0) {
    parts.push(
      vector(2, concatBytes(fields.extensions.flatMap(([type, data]) => [u16(type), vector(2, data)]))),
    );
  }
  return concatBytes(parts);
}

/** ServerKeyExchange for plain PSK (RFC 4279 §2): the psk_identity_hint only. */
export function encodeServerKeyExchangePsk(identityHint: Uint8Array): Uint8Array {
  return vector(2, identityHint);
}

/** ClientKeyExchange for plain PSK (RFC 4279 §2): the psk_identity bytes. */
export function parseClientKeyExchangePsk(body: Uint8Array): Uint8Array {
  const reader = new TlsReader(body);
  const identity = reader.vector(2, 'psk_identity');
  reader.end('ClientKeyExchange');
  return identity;
}

/** The handshake type names for log details. */
export function describeHandshakeType(msgType: number): string {
  for (const [name, value] of Object.entries(HandshakeType)) if (value === msgType) return name;
  return `handshake type ${msgType}`;
}
