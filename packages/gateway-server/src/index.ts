/** The gateway server: an LwM2M server that understands LwM2M Gateways, with an HTTP API. */
export {
  runGatewayServerCli,
  type ServerCliIo,
  ServerExitCode,
} from './cli/gateway-server-cli.js';
export { type ServerSettings, serverSettingsSchema } from './cli/server-settings.js';
export { CONSOLE_CSP, ConsoleAssets, defaultConsoleDir } from './console/console-assets.js';
export { formatEventLine } from './events/event-line.js';
export { EventRing, type RingReplay } from './events/event-ring.js';
export {
  type GatewayEventFeed,
  GatewayEventSource,
  type GatewayEventSourceOptions,
  registrationChanges,
} from './events/gateway-event-source.js';
export * from './events/gateway-server-event.js';
export { JsonlEventFile, type JsonlEventFileOptions } from './events/jsonl-event-file.js';
export { GatewayServer, type GatewayServerOptions, type ListenAddress } from './gateway-server.js';
export { API_ROUTES, type ApiRoute, type ApiRoutePath } from './http/api-routes.js';
export {
  type ApiObjectModel,
  type ApiResponseInfo,
  GatewayHttpApi,
  type GatewayHttpApiOptions,
  type GatewayHttpApiStats,
} from './http/gateway-http-api.js';
export {
  entriesToNode,
  nodeToEntries,
  type ValueEntryInput,
  type ValueTyping,
} from './json/node-entries.js';
export type { ChildJson, ClientJson, ErrorJson, GatewayJson, ObjectJson } from './json/registration-json.js';
export {
  formatTime,
  type JsonScalar,
  type ValueEntry,
  valueFromJson,
  valueToJson,
} from './json/value-json.js';
export { type HttpApiHandler, ServerHttp, type ServerHttpOptions } from './ops/server-http.js';
export { GatewayServerMetrics } from './ops/server-metrics.js';
export type { GatewayServerStatus, ListenerStatus } from './ops/server-status.js';
export { type NoSecPolicy, type PskEntry, PskStore, readPskFile } from './security/psk-store.js';
export { CombinedServerPort, isSecurePeer, type TransportPeer } from './transport/combined-server-port.js';
export { GATEWAY_SERVER_VERSION } from './version.js';
