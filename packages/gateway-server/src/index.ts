/** The gateway server: an LwM2M server that understands LwM2M Gateways, with an HTTP API. */
export { GATEWAY_SERVER_VERSION } from './version.js';
