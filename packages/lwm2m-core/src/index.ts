/**
 * @lwm2m-adapters/lwm2m-core: the LwM2M data model (paths with gateway prefixes, typed values,
 * nodes), the object registry and the content-format codecs behind one facade. No sockets, no CoAP.
 *
 * Subpaths for advanced use: `./codecs` (each codec on its own, TLV entries, link-format details,
 * text values) and `./registry` (DDF parsing and checks, version helpers, the raw OMA definitions).
 */
export * from './codec/codec-types.js';
export * from './codec/content-format.js';
export { type CoreLink, decodeLinks } from './codec/link/link-format.js';
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
export { LwM2mCodecs, type LwM2mCodecsOptions } from './codec/lwm2m-codecs.js';
export * from './model/node.js';
export * from './model/node-json.js';
export * from './model/path.js';
export * from './model/resource-type.js';
export * from './model/value.js';
export * from './registry/ddf-files.js';
export * from './registry/object-definition.js';
export { type AddDefinitionOptions, ObjectRegistry } from './registry/object-registry.js';
