import { describePeer, type PeerAddress } from '@lwm2m-adapters/coap';
import type { DtlsPskCipherSuite } from '../dtls-transport.js';

export type HandshakeFailureReason =
  /** The client's PSK identity has no key in the store (alert unknown_psk_identity, 115). */
  | 'unknown-psk-identity'
  /** The client's Finished did not verify or decrypt: it holds another key for that identity (alert decrypt_error, 51). */
  | 'bad-finished'
  /** None of the client's cipher suites is enabled here (alert handshake_failure, 40). */
  | 'no-shared-cipher-suite'
  /** The handshake did not complete within `handshakeTimeoutMs`. */
  | 'timeout'
  /** Anything else: a malformed or unexpected message, a fatal alert from the client, a refused version. */
  | 'protocol-error';

export type SessionCloseReason =
  /** The client sent close_notify (answered with close_notify). */
  | 'close-notify'
  /** Nothing received for `sessionIdleMs`. */
  | 'idle'
  /** The same peer (address and port) completed a new handshake: a client restart. */
  | 'replaced'
  /** The client sent a fatal alert. */
  | 'fatal-alert'
  /** The transport was closed (close_notify sent to the client). */
  | 'transport-closed';

export type DtlsServerEvent =
  | {
      readonly type: 'handshake-completed';
      readonly peer: PeerAddress;
      readonly identity: string;
      readonly cipherSuite: DtlsPskCipherSuite;
      /** RFC 7627 was negotiated. */
      readonly extendedMasterSecret: boolean;
    }
  | {
      readonly type: 'handshake-failed';
      readonly peer: PeerAddress;
      /** The PSK identity, once the client sent it (ClientKeyExchange). */
      readonly identity: string | undefined;
      readonly reason: HandshakeFailureReason;
      /** A sentence for the log. */
      readonly detail: string;
    }
  | {
      readonly type: 'session-closed';
      readonly peer: PeerAddress;
      readonly identity: string;
      readonly reason: SessionCloseReason;
    };

/** One log line for an event: "DTLS handshake with 127.0.0.1:5000 (identity "x") failed: bad-finished: …". */
export function describeDtlsServerEvent(event: DtlsServerEvent): string {
  const who = describePeer(event.peer);
  switch (event.type) {
    case 'handshake-completed':
      return `DTLS session with ${who} established for PSK identity ${JSON.stringify(event.identity)} (${event.cipherSuite}${event.extendedMasterSecret ? ', extended master secret' : ''})`;
    case 'handshake-failed':
      return `DTLS handshake with ${who}${event.identity === undefined ? '' : ` (PSK identity ${JSON.stringify(event.identity)})`} failed: ${event.reason}: ${event.detail}`;
    case 'session-closed':
      return `DTLS session with ${who} (PSK identity ${JSON.stringify(event.identity)}) closed: ${event.reason}`;
  }
}
