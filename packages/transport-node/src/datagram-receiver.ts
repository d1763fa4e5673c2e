import type { PeerAddress } from '@lwm2m-adapters/coap';

/** Where a transport delivers the datagrams it receives: a CoapEndpoint. */
export interface DatagramReceiver {
  receive(datagram: Uint8Array, peer: PeerAddress): void;
}
