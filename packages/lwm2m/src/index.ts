export * from './client/index.js';
export {
  CoapEndpoint,
  type CoapEndpointStats,
  type CoapNotifyOptions,
  type CoapRequestOptions,
} from './coap/coap-endpoint.js';
export * from './coap/coap-types.js';
export {
  type CoapEndpointLimits,
  type CoapEndpointOptions,
  defaultEndpointLimits,
} from './coap/endpoint-options.js';
export type { DropReason, MessageTypeCounts } from './coap/endpoint-stats.js';
export { MessageIdAllocator, type MessageIdAllocatorOptions } from './coap/message-id-allocator.js';
export type { ObservationResetListener } from './coap/notification-scheduler.js';
export type { CoapRequestHandler } from './coap/request-responder.js';
export {
  defaultTransmissionParameters,
  maxTransmitWait,
  type TransmissionParameters,
} from './coap/transmission-parameters.js';
export * from './codec/codec-types.js';
export * from './codec/content-format.js';
export {
  type CoreLink,
  decodeLinks,
  encodeLinks,
  findLinkAttribute,
  formatLinkFormat,
  type LinkAttribute,
  type LinkAttributeValue,
  linkAttribute,
  linkAttributeText,
  parseLinkFormat,
} from './codec/link-format.js';
export { Lwm2mCborCodec } from './codec/lwm2m-cbor-codec.js';
export { LwM2mCodecs, type LwM2mCodecsOptions } from './codec/lwm2m-codecs.js';
export { Lwm2mJsonCodec } from './codec/lwm2m-json-codec.js';
export {
  formatDiscoverLinks,
  formatRegistrationLinks,
  type LinkObservationAttributes,
  type ObjectLinkEntry,
  parseDiscoverLinks,
  parseRegistrationLinks,
  type RegistrationLinks,
  type RegistrationLinksInput,
  type RegistrationObject,
} from './codec/lwm2m-links.js';
export { OpaqueCodec } from './codec/opaque-codec.js';
export { SenmlCodec } from './codec/senml/senml-codec.js';
export { SenmlCborCodec, type SenmlCborOptions } from './codec/senml-cbor-codec.js';
export { SenmlJsonCodec } from './codec/senml-json-codec.js';
export { TextCodec } from './codec/text-codec.js';
export { formatTextValue, parseTextValue } from './codec/text-value.js';
export { TlvCodec } from './codec/tlv-codec.js';
export { decodeTlvCreate, type TlvCreatePayload } from './codec/tlv-create.js';
export {
  isTlvContainer,
  readTlvEntries,
  type TlvContainerEntry,
  type TlvEntry,
  type TlvEntryKind,
  type TlvValueEntry,
  writeTlvEntries,
} from './codec/tlv-entries.js';
export * from './model/node.js';
export * from './model/node-json.js';
export * from './model/path.js';
export * from './model/resource-type.js';
export * from './model/value.js';
export * from './registry/ddf-files.js';
export { MAX_DDF_BYTES, parseDdf } from './registry/ddf-parser.js';
export { checkObjectDefinition } from './registry/definition-check.js';
export * from './registry/object-definition.js';
export { type AddDefinitionOptions, ObjectRegistry } from './registry/object-registry.js';
export { compareObjectVersions, isObjectVersion } from './registry/object-version.js';
export { omaObjectDefinitions } from './registry/oma-objects.js';
export { parseRangeEnumeration } from './registry/range-enumeration.js';
export type { DatagramReceiver } from './transport/datagram-receiver.js';
export {
  type DtlsPskCipherSuite,
  DtlsTransport,
  type DtlsTransportOptions,
  type DtlsTransportStats,
} from './transport/dtls-transport.js';
export {
  type PskCredentials,
  parseServerUri,
  ServerConnection,
  type ServerConnectionOptions,
  type ServerConnectionStats,
} from './transport/server-connection.js';
export { UdpTransport, type UdpTransportOptions, type UdpTransportStats } from './transport/udp-transport.js';
