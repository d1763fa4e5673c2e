export type { AdapterResolver } from './adapter-cache.js';
export {
  type CompileMappingOptions,
  type CompileMappingResult,
  compileMapping,
  loadMapping,
} from './compile-mapping.js';
export {
  COMPILED_MAPPING_VERSION,
  type CompiledBoundPoint,
  type CompiledConstantPoint,
  type CompiledDevice,
  type CompiledMapping,
  type CompiledObject,
  type CompiledPoint,
  compiledMappingSchema,
  type EnumEntry,
  type PointConversion,
  type PointReporting,
  type SourceLocation,
} from './compiled-mapping.js';
export { constantValue } from './constant-value.js';
export { describeMapping } from './describe-mapping.js';
export { devicePointSpecs, mappingObjectRegistry } from './device-points.js';
export { diffCompiledMappings, type MappingDiff } from './diff-mapping.js';
export { MAPPING_DOCUMENT_VERSION, mappingDocumentSchema } from './document-schema.js';
export {
  DURATION_EXPECTED,
  DURATION_PATTERN,
  durationMs,
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from './duration.js';
export { MAX_INSTANCES_PER_ENTRY } from './instances.js';
export {
  formatMappingJsonSchema,
  generateMappingJsonSchema,
  MAPPING_SCHEMA_TITLE,
  type SchemaAdapter,
} from './json-schema.js';
export type { JsonObject, JsonValue } from './json-value.js';
export { formatMappingHint, type MappingHint, mappingHints } from './mapping-hints.js';
export { formatMappingIssue, formatMappingIssues, type MappingIssue } from './mapping-issue.js';
export { MAX_MAPPING_BYTES, type MappingSource } from './mapping-source.js';
export {
  fromPointValue,
  isInstanceValues,
  type PointValue,
  pointValuesEqual,
  toPointValue,
} from './point-value.js';
export { printCompiledMapping, redactCompiledMapping, redactDevice } from './redact.js';
export { escapeControlCharacters, MAX_QUOTED_CHARACTERS } from './safe-text.js';
export { isSecretName, REDACTED } from './secret-keys.js';
export {
  fromLwm2mValue,
  type NumberSlot,
  plainLwm2mNumber,
  scalarToLwm2m,
  toLwm2mValue,
} from './value-conversion.js';
export { MAX_NESTING_DEPTH } from './yaml-syntax.js';
