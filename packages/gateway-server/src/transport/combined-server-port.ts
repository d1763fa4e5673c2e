import type {
  CoapEndpoint,
  CoapIncomingRequest,
  CoapNotification,
  CoapObserveRequest,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import type { CoapPortRequestOptions, CoapServerPort } from '@lwm2m-adapters/lwm2m-server';

/** A peer as the combined port hands it to the engine: where it is, and over which transport. */
export interface TransportPeer extends PeerAddress {
  readonly secure: boolean;
}

const isSecure = (peer: PeerAddress) => (peer as Partial<TransportPeer>).secure === true;

/**
 * One CoapServerPort over the server's two CoAP endpoints, NoSec (coap://) and DTLS (coaps://), so
 * one engine holds every registration. Peers reach the engine tagged with their transport
 * (`TransportPeer`): requests go back through the endpoint they came from, and an address:port
 * seen on both is two peers (`peerKey`), so a NoSec datagram can never pass for a DTLS client.
 */
export class CombinedServerPort implements CoapServerPort {
  readonly #plain: CoapEndpoint | undefined;
  readonly #secure: CoapEndpoint | undefined;

  constructor(endpoints: {
    readonly plain?: CoapEndpoint | undefined;
    readonly secure?: CoapEndpoint | undefined;
  }) {
    this.#plain = endpoints.plain;
    this.#secure = endpoints.secure;
  }

  onRequest(handler: ((request: CoapIncomingRequest) => CoapOutgoingResponse) | undefined): void {
    const wrap = (secure: boolean) =>
      handler === undefined
        ? undefined
        : (request: CoapIncomingRequest) => {
            const peer: TransportPeer = { address: request.peer.address, port: request.peer.port, secure };
            return handler({ ...request, peer });
          };
    this.#plain?.onRequest(wrap(false));
    this.#secure?.onRequest(wrap(true));
  }

  request(peer: PeerAddress, request: CoapOutgoingRequest, options?: CoapPortRequestOptions) {
    return this.#endpoint(peer).request(plainPeer(peer), request, options);
  }

  observe(
    peer: PeerAddress,
    request: CoapObserveRequest,
    onNotification: (notification: CoapNotification) => void,
    options?: CoapPortRequestOptions,
  ) {
    return this.#endpoint(peer).observe(plainPeer(peer), request, onNotification, options);
  }

  peerKey(peer: PeerAddress): string {
    return `${isSecure(peer) ? 's' : 'p'}/${peer.port}/${peer.address}`;
  }

  #endpoint(peer: PeerAddress): CoapEndpoint {
    const endpoint = isSecure(peer) ? this.#secure : this.#plain;
    if (endpoint === undefined) throw new Error('no endpoint for this transport'); // peers come from an endpoint
    return endpoint;
  }
}

function plainPeer(peer: PeerAddress): PeerAddress {
  return { address: peer.address, port: peer.port };
}

/** Whether a peer the combined port handed out came over DTLS. */
export function isSecurePeer(peer: PeerAddress): boolean {
  return isSecure(peer);
}
