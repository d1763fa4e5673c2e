import type { PeerAddress } from '../coap-types.js';

/** A map key for a peer: port and address, unambiguous for IPv4 and IPv6. */
export function peerKeyOf(peer: PeerAddress): string {
  return `${peer.port}/${peer.address}`;
}

/** "127.0.0.1:5683", "[::1]:5683". */
export function describePeer(peer: PeerAddress): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/** The description of a peer from its key ("5683/127.0.0.1" → "127.0.0.1:5683"). */
export function describePeerKey(key: string): string {
  const slash = key.indexOf('/');
  return describePeer({ address: key.slice(slash + 1), port: Number(key.slice(0, slash)) });
}
