/** The numbers of DTLS 1.2 this server speaks (RFC 6347, RFC 5246, RFC 4279, RFC 7627, RFC 5746). */

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  serverKeyExchange: 12,
  serverHelloDone: 14,
  clientKeyExchange: 16,
  finished: 20,
} as const;

/** DTLS versions are the one's complement of the TLS ones: 1.0 = 0xfeff, 1.2 = 0xfefd. */
export const DTLS_1_0 = 0xfeff;
export const DTLS_1_2 = 0xfefd;

export const AlertLevel = { warning: 1, fatal: 2 } as const;

export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  handshakeFailure: 40,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  internalError: 80,
  noRenegotiation: 100,
  unsupportedExtension: 110,
  unknownPskIdentity: 115,
} as const;

const ALERT_NAMES = new Map<number, string>(
  Object.entries(AlertDescription).map(([name, code]) => [
    code,
    name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
  ]),
);

/** "decrypt_error (51)", "alert 42" for one this server does not name. */
export function describeAlert(description: number): string {
  const name = ALERT_NAMES.get(description);
  return name === undefined ? `alert ${description}` : `${name} (${description})`;
}

export const ExtensionType = {
  extendedMasterSecret: 0x0017,
  renegotiationInfo: 0xff01,
} as const;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): a cipher suite value meaning "renegotiation_info". */
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Largest plaintext of one record (2^14), and of a protected fragment (2^14 + 2048). */
export const MAX_PLAINTEXT = 16_384;
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;

/** Record sequence numbers are 48-bit. */
export const MAX_SEQUENCE_NUMBER = 2 ** 48 - 1;
