/** The LwM2M data model, the OMA object registry and the content-format codecs. No sockets, no CoAP. */
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
} from './codec/link/link-format.js';
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
} from './codec/link/lwm2m-links.js';
export { Lwm2mCborCodec } from './codec/lwm2m-cbor/lwm2m-cbor-codec.js';
export { LwM2mCodecs, type LwM2mCodecsOptions } from './codec/lwm2m-codecs.js';
export { Lwm2mJsonCodec } from './codec/lwm2m-json/lwm2m-json-codec.js';
export { OpaqueCodec } from './codec/opaque/opaque-codec.js';
export { SenmlCborCodec, type SenmlCborOptions } from './codec/senml/senml-cbor-codec.js';
export { SenmlCodec } from './codec/senml/senml-codec.js';
export { SenmlJsonCodec } from './codec/senml/senml-json-codec.js';
export { TextCodec } from './codec/text/text-codec.js';
export { formatTextValue, parseTextValue } from './codec/text/text-value.js';
export { TlvCodec } from './codec/tlv/tlv-codec.js';
export { decodeTlvCreate, type TlvCreatePayload } from './codec/tlv/tlv-create.js';
export {
  isTlvContainer,
  readTlvEntries,
  type TlvContainerEntry,
  type TlvEntry,
  type TlvEntryKind,
  type TlvValueEntry,
  writeTlvEntries,
} from './codec/tlv/tlv-entries.js';
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
