/**
 * What the server answers to a ClientHello: the cipher suite (server preference among those the
 * client offers), the extended master secret (RFC 7627) when offered, secure renegotiation
 * signalling (RFC 5746) when offered; or why the hello is refused and with which alert.
 */

import type { CipherSuite } from './cipher-suites.js';
import type { ClientHello } from './handshake-messages.js';
import {
  AlertDescription,
  DTLS_1_2,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  ExtensionType,
} from './protocol-numbers.js';

export type HelloNegotiation =
  | {
      readonly ok: true;
      readonly suite: CipherSuite;
      readonly extendedMasterSecret: boolean;
      readonly secureRenegotiation: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'no-shared-cipher-suite' | 'protocol-error';
      readonly alert: number;
      readonly detail: string;
    };

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

export function negotiateHello(hello: ClientHello, suites: readonly CipherSuite[]): HelloNegotiation {
  // DTLS version numbers decrease as versions increase: 0xfeff is 1.0, 0xfefd is 1.2
  if (hello.clientVersion > DTLS_1_2 || hello.clientVersion < 0xfe00) {
    return {
      ok: false,
      reason: 'protocol-error',
      alert: AlertDescription.protocolVersion,
      detail: `the client offers version ${hex4(hello.clientVersion)}, not DTLS 1.2 (0xfefd)`,
    };
  }
  if (!hello.compressionMethods.includes(0)) {
    return {
      ok: false,
      reason: 'protocol-error',
      alert: AlertDescription.illegalParameter,
      detail: 'the client does not offer the null compression method',
    };
  }
  const renegotiationInfo = hello.extensions.get(ExtensionType.renegotiationInfo);
  if (renegotiationInfo !== undefined && (renegotiationInfo.length !== 1 || renegotiationInfo[0] !== 0)) {
    return {
      ok: false,
      reason: 'protocol-error',
      alert: AlertDescription.handshakeFailure,
      detail: 'renegotiation_info is not empty in an initial handshake',
    };
  }
  const ems = hello.extensions.get(ExtensionType.extendedMasterSecret);
  if (ems !== undefined && ems.length !== 0) {
    return {
      ok: false,
      reason: 'protocol-error',
      alert: AlertDescription.decodeError,
      detail: 'extended_master_secret carries data',
    };
  }
  const suite = suites.find((candidate) => hello.cipherSuites.includes(candidate.id));
  if (suite === undefined) {
    return {
      ok: false,
      reason: 'no-shared-cipher-suite',
      alert: AlertDescription.handshakeFailure,
      detail: `the client offers ${hello.cipherSuites.map(hex4).join(', ')}; this server accepts ${suites
        .map((s) => `${s.name} (${hex4(s.id)})`)
        .join(', ')}`,
    };
  }
  return {
    ok: true,
    suite,
    extendedMasterSecret: ems !== undefined,
    secureRenegotiation:
      renegotiationInfo !== undefined || hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV),
  };
}
