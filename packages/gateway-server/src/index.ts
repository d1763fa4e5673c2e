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
export {
  KafkaBridge,
  type KafkaBridgeOptions,
  type KafkaBridgeParts,
  type KafkaBridgeStats,
} from './kafka/kafka-bridge.js';
export {
  MANAGEMENT_KINDS,
  type ManagementKind,
  type ManagementRequest,
  managementRequestSchema,
} from './kafka/kafka-management.js';
export type { KafkaCompression } from './kafka/kafka-producer.js';
export {
  KAFKA_RECORD_VERSION,
  type ManagementReplyRecord,
  type ObservationRecord,
  type RegistrationRecord,
} from './kafka/kafka-records.js';
export {
  kafkaRecordSchemas,
  managementReplyRecordSchema,
  managementRequestRecordSchema,
  observationRecordSchema,
  registrationRecordSchema,
} from './kafka/kafka-schemas.js';
export {
  KafkaSpool,
  type KafkaSpoolOptions,
  type SpoolFsyncPolicy,
  type SpoolFullPolicy,
  type SpoolStats,
} from './kafka/kafka-spool.js';
export {
  childKey,
  DEFAULT_TOPIC_PREFIX,
  type KafkaTopics,
  kafkaTopics,
  topicPattern,
} from './kafka/kafka-topics.js';
export { type HttpApiHandler, ServerHttp, type ServerHttpOptions } from './ops/server-http.js';
export { GatewayServerMetrics } from './ops/server-metrics.js';
export type { GatewayServerStatus, ListenerStatus } from './ops/server-status.js';
export { type NoSecPolicy, type PskEntry, PskStore, readPskFile } from './security/psk-store.js';
export { CombinedServerPort, isSecurePeer, type TransportPeer } from './transport/combined-server-port.js';
export { GATEWAY_SERVER_VERSION } from './version.js';
