/** The gateway server: an LwM2M server that understands LwM2M Gateways, with an HTTP API. */
export {
  runGatewayServerCli,
  type ServerCliIo,
  ServerExitCode,
} from './cli/gateway-server-cli.js';
export { type ServerSettings, serverSettingsSchema } from './cli/server-settings.js';
export { GatewayServer, type GatewayServerOptions, type ListenAddress } from './gateway-server.js';
export { type HttpApiHandler, ServerHttp, type ServerHttpOptions } from './ops/server-http.js';
export { GatewayServerMetrics } from './ops/server-metrics.js';
export type { GatewayServerStatus, ListenerStatus } from './ops/server-status.js';
export { type NoSecPolicy, type PskEntry, PskStore, readPskFile } from './security/psk-store.js';
export { CombinedServerPort, isSecurePeer, type TransportPeer } from './transport/combined-server-port.js';
export { GATEWAY_SERVER_VERSION } from './version.js';
