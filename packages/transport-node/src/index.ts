/** Node.js datagram transports for the CoAP endpoint; the only package that opens sockets. */
export type { DatagramReceiver } from './datagram-receiver.js';
export {
  type DtlsServerEvent,
  describeDtlsServerEvent,
  type HandshakeFailureReason,
  type SessionCloseReason,
} from './dtls-server/dtls-server-events.js';
export {
  DtlsServerTransport,
  type DtlsServerTransportOptions,
  type DtlsServerTransportStats,
} from './dtls-server/dtls-server-transport.js';
export type { PskStore } from './dtls-server/peer-session.js';
export {
  type DtlsPskCipherSuite,
  DtlsTransport,
  type DtlsTransportOptions,
  type DtlsTransportStats,
} from './dtls-transport.js';
export {
  type PskCredentials,
  parseServerUri,
  ServerConnection,
  type ServerConnectionOptions,
  type ServerConnectionStats,
} from './server-connection.js';
export { UdpTransport, type UdpTransportOptions, type UdpTransportStats } from './udp-transport.js';
