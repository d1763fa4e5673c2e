import type { PeerAddress } from '../coap/coap-types.js';

/** Where a transport delivers the datagrams it receives: a CoapEndpoint. */
export interface DatagramReceiver {
  receive(datagram: Uint8Array, peer: PeerAddress): void;
}
