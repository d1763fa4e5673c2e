import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  NotificationOutcome,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import type { LwM2mCoapLink } from './coap-link.js';

/**
 * What the client needs of a CoAP endpoint such as `CoapEndpoint` (@lwm2m-adapters/coap),
 * described structurally so the engine does not depend on the endpoint's implementation.
 */
export interface CoapEndpointPort {
  request(peer: PeerAddress, request: CoapOutgoingRequest): Promise<CoapIncomingResponse>;
  notify(
    peer: PeerAddress,
    token: Uint8Array,
    response: CoapOutgoingResponse,
    options: { readonly confirmable: boolean },
  ): Promise<NotificationOutcome>;
  /** One handler at a time; undefined removes it. */
  onRequest(handler: ((request: CoapIncomingRequest) => Promise<CoapOutgoingResponse>) | undefined): void;
  onObservationReset?(listener: (peer: PeerAddress, token: Uint8Array) => void): () => void;
  /** The endpoint's source policy (CoapEndpoint.setPeerAdmission); undefined admits everyone. */
  setPeerAdmission?(accept: ((peer: PeerAddress) => boolean) | undefined): void;
}

export interface EndpointLinkOptions {
  /**
   * Answer to requests the engine ignores (before the Register was answered), for an endpoint that
   * must answer every request. Default 5.03 Service Unavailable.
   */
  readonly ignoredRequestCode?: '5.03' | '4.01';
}

/** Adapts a CoAP endpoint to the client's link. */
export function endpointLink(endpoint: CoapEndpointPort, options: EndpointLinkOptions = {}): LwM2mCoapLink {
  const ignored: CoapOutgoingResponse = { code: options.ignoredRequestCode ?? '5.03' };
  const link: LwM2mCoapLink = {
    request: (peer, request) => endpoint.request(peer, request),
    notify: (peer, token, response, notifyOptions) => endpoint.notify(peer, token, response, notifyOptions),
    onRequest: (handler) => {
      const installed = async (request: CoapIncomingRequest) => (await handler(request)) ?? ignored;
      endpoint.onRequest(installed);
      return () => endpoint.onRequest(undefined);
    },
  };
  const onReset = endpoint.onObservationReset;
  const setAdmission = endpoint.setPeerAdmission;
  return {
    ...link,
    ...(onReset === undefined ? {} : { onObservationReset: (listener) => onReset.call(endpoint, listener) }),
    ...(setAdmission === undefined
      ? {}
      : {
          admitPeers: (accept) => {
            setAdmission.call(endpoint, accept);
            return () => setAdmission.call(endpoint, undefined);
          },
        }),
  };
}
