/**
 * `@lwm2m-adapters/lwm2m-core/codecs`: each content-format codec on its own (most users want the
 * `LwM2mCodecs` facade from the package root), TLV entries, link-format details and text values.
 */
export {
  encodeLinks,
  findLinkAttribute,
  formatLinkFormat,
  type LinkAttribute,
  type LinkAttributeValue,
  linkAttribute,
  linkAttributeText,
  parseLinkFormat,
} from './link/link-format.js';
export { Lwm2mCborCodec } from './lwm2m-cbor/lwm2m-cbor-codec.js';
export { Lwm2mJsonCodec } from './lwm2m-json/lwm2m-json-codec.js';
export { OpaqueCodec } from './opaque/opaque-codec.js';
export { SenmlCborCodec, type SenmlCborOptions } from './senml/senml-cbor-codec.js';
export { SenmlCodec } from './senml/senml-codec.js';
export { SenmlJsonCodec } from './senml/senml-json-codec.js';
export { TextCodec } from './text/text-codec.js';
export { formatTextValue, parseTextValue } from './text/text-value.js';
export { TlvCodec } from './tlv/tlv-codec.js';
export { decodeTlvCreate, type TlvCreatePayload } from './tlv/tlv-create.js';
export {
  isTlvContainer,
  readTlvEntries,
  type TlvContainerEntry,
  type TlvEntry,
  type TlvEntryKind,
  type TlvValueEntry,
  writeTlvEntries,
} from './tlv/tlv-entries.js';
