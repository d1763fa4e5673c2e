/**
 * `@lwm2m-adapters/lwm2m-core/registry`: DDF parsing and checks, object-version helpers and the
 * vendored OMA definitions as data (most users want `ObjectRegistry` from the package root).
 */
export { MAX_DDF_BYTES, parseDdf } from './ddf-parser.js';
export { checkObjectDefinition } from './definition-check.js';
export { compareObjectVersions, isObjectVersion } from './object-version.js';
export { omaObjectDefinitions } from './oma-objects.js';
export { parseRangeEnumeration } from './range-enumeration.js';
