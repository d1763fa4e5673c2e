import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { CodedError } from '@lwm2m-adapters/errors';
import { loadDdfFile, type ObjectDefinition, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { AdapterCache, type AdapterResolver } from './adapter-cache.js';
import {
  compileDevice,
  type DeviceIdentity,
  type DeviceOutcome,
  type MappingScope,
} from './compile-device.js';
import type { ReportingDefaults } from './compile-scope.js';
import { COMPILED_MAPPING_VERSION, type CompiledDevice, type CompiledMapping } from './compiled-mapping.js';
import { mergeDeviceOverTemplate } from './device-merge.js';
import { PartsUnusable, readMappingYaml } from './devices-list-reader.js';
import { didYouMean } from './did-you-mean.js';
import {
  DEVICE_ID_PATTERN,
  documentShellSchema,
  EXTENSION_KEY_PREFIX,
  reportingDefaultsSchema,
  templateKeysSchema,
} from './document-schema.js';
import { durationMs } from './duration.js';
import { expandInstances } from './instances.js';
import { IssueCollector } from './issue-collector.js';
import { JsonSchemaCache } from './json-schema-cache.js';
import {
  entryOf,
  type LocatedEntry,
  type LocatedMap,
  type LocatedNode,
  makeMap,
  type Origin,
  stringOf,
  valueAt,
} from './located-node.js';
import { formatMappingIssues, type MappingIssue } from './mapping-issue.js';
import { type MappingSource, readMappingSource } from './mapping-source.js';
import { PointOutcomeCache } from './point-outcome-cache.js';
import { quote, safeMessage } from './safe-text.js';
import { SourceText } from './source-text.js';
import { substituteVariables, type VariableScope } from './substitute-variables.js';
import { ValueInterner } from './value-interner.js';
import { parseLocated } from './zod-issues.js';

export interface CompileMappingOptions {
  /** Gives the adapter for each name used (`modbus`, an npm package name). */
  readonly resolveAdapter: AdapterResolver;
  /** Object definitions; default: a fresh registry of the OMA objects. Never modified. */
  readonly registry?: ObjectRegistry;
  /** Variables for `${NAME}`; default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory `objects:` paths are relative to; default: the mapping file's directory. */
  readonly baseDirectory?: string;
}

export type CompileMappingResult =
  | { readonly ok: true; readonly mapping: CompiledMapping }
  | {
      readonly ok: false;
      /**
       * MAPPING_FILE_MISSING: the path names no file that can be read (no such file, a directory,
       * no permission); MAPPING_UNREADABLE: the file is too large, not text, or not YAML;
       * MAPPING_INVALID otherwise.
       */
      readonly code: 'MAPPING_FILE_MISSING' | 'MAPPING_INVALID' | 'MAPPING_UNREADABLE';
      /** Every problem found, in file order. */
      readonly issues: readonly MappingIssue[];
    };

/**
 * Reads, validates and compiles a mapping. Never throws for problems in the mapping: they come
 * back as located issues, all of them at once.
 */
export async function compileMapping(
  source: MappingSource,
  options: CompileMappingOptions,
): Promise<CompileMappingResult> {
  const loaded = await readMappingSource(source);
  if (!loaded.ok) return { ok: false, code: loaded.code, issues: [loaded.issue] };
  try {
    return await compileMappingText(loaded.fileName, loaded.text, options, { inParts: true });
  } catch (error) {
    if (!(error instanceof PartsUnusable)) throw error;
    return await compileMappingText(loaded.fileName, loaded.text, options, { inParts: false });
  }
}

/**
 * Compiles mapping text. With `inParts`, a large file's device entries are read part by part
 * (throws PartsUnusable when the file cannot be read so; compile it whole then).
 */
export async function compileMappingText(
  fileName: string,
  mappingText: string,
  options: CompileMappingOptions,
  reading: { readonly inParts: boolean },
): Promise<CompileMappingResult> {
  const text = new SourceText(fileName, mappingText);
  const issues = new IssueCollector();
  const env = options.env ?? process.env;
  const secrets = new Set<string>();
  const sharedEntries = new Set<number>();
  const finish = (code: 'MAPPING_INVALID' | 'MAPPING_UNREADABLE'): CompileMappingResult => ({
    ok: false,
    code,
    issues: issues.finish(text, {
      secrets,
      isShared: (path) =>
        path[0] === 'templates' || (path[0] === 'devices' && sharedEntries.has(Number(path[1]))),
    }),
  });

  const read = readMappingYaml(text, issues, reading);
  if (read.root === undefined) return finish(read.syntaxError ? 'MAPPING_UNREADABLE' : 'MAPPING_INVALID');
  const root = read.root;
  if (root.kind !== 'map') {
    issues.add({
      origin: root.origin,
      message: 'the mapping must be a YAML mapping',
      expected: 'version: 1, then devices: (and optionally templates:, defaults:, objects:)',
    });
    return finish('MAPPING_INVALID');
  }
  if (!checkVersion(root, issues)) return finish('MAPPING_INVALID');

  const topScope: VariableScope = { instance: {}, env, secrets };
  const document = withSubstituted(withoutExtensionKeys(root), ['objects', 'defaults'], topScope, issues);
  const jsonSchemas = new JsonSchemaCache();
  parseLocated(
    documentShellSchema,
    {
      root: document,
      rootOrigin: document.origin,
      fieldPrefix: [],
      jsonSchema: jsonSchemas.of(documentShellSchema),
    },
    issues,
  );
  const defaults = topDefaults(document, issues, jsonSchemas);
  const base = options.registry ?? ObjectRegistry.withOmaObjects();
  const objects = await loadObjects(
    document,
    base,
    options.baseDirectory ?? dirname(resolve(fileName)),
    issues,
  );
  const templates = checkTemplates(document, issues, jsonSchemas);

  const scope: MappingScope = {
    source: text,
    registry: objects.registry,
    issues,
    jsonSchemas,
    adapters: new AdapterCache(options.resolveAdapter),
    defaults,
    secrets,
    points: new PointOutcomeCache(),
    shared: new ValueInterner(),
    completePointSets: new Set(),
  };
  const devices: CompiledDevice[] = [];
  const identities = new UniqueIdentities(issues, text);
  const deviceList = valueAt(document, 'devices');
  const entries: Iterable<LocatedNode> =
    read.deviceEntries?.() ?? (deviceList?.kind === 'seq' ? deviceList.items : []);
  let index = -1;
  for (const entry of entries) {
    index++;
    if (entry.kind !== 'map') {
      issues.add({
        origin: entry.origin,
        message: `devices[${index}] is not a device`,
        expected: 'a mapping with id, template or adapter, connection and points',
      });
      continue;
    }
    const instancesEntry = entryOf(entry, 'instances');
    const expansion = expandInstances(
      instancesEntry === undefined
        ? undefined
        : { ...instancesEntry, value: substituteVariables(instancesEntry.value, topScope, issues) },
      issues,
    );
    if (instancesEntry !== undefined && (expansion.ok || expansion.firstRow !== undefined))
      sharedEntries.add(index);
    if (!expansion.ok) {
      // The entry is still checked once, for its problems that do not depend on the expansion.
      const rowScope: VariableScope =
        expansion.firstRow === undefined
          ? { instance: {}, env, secrets, unknownInstanceVariables: expansion.unknown }
          : { instance: expansion.firstRow, env, secrets };
      await compileEntry(entry, index, rowScope, templates, scope);
      continue;
    }
    for (const row of expansion.rows) {
      const outcome = await compileEntry(entry, index, { instance: row, env, secrets }, templates, scope);
      if (outcome.identity !== undefined) identities.add(outcome.identity, outcome.label);
      if (outcome.device !== undefined) devices.push(outcome.device);
    }
  }
  if (issues.size > 0) return finish('MAPPING_INVALID');
  return {
    ok: true,
    mapping: {
      mappingVersion: COMPILED_MAPPING_VERSION,
      source: { file: fileName, sha256: createHash('sha256').update(mappingText).digest('hex') },
      objectDefinitions: objects.definitions,
      devices,
    },
  };
}

/**
 * Like compileMapping, but throws: CodedError MAPPING_INVALID or MAPPING_UNREADABLE whose message
 * lists every issue as `file:line:column: message; expected ...` and whose `details.issues` holds
 * them as MappingIssue objects.
 */
export async function loadMapping(
  source: MappingSource,
  options: CompileMappingOptions,
): Promise<CompiledMapping> {
  const result = await compileMapping(source, options);
  if (result.ok) return result.mapping;
  const file = typeof source === 'string' ? source : source.fileName;
  const count = result.issues.length;
  const message =
    result.code === 'MAPPING_FILE_MISSING'
      ? formatMappingIssues(result.issues)
      : `${safeMessage(file)}: ${count} ${count === 1 ? 'problem' : 'problems'} in the mapping:\n${formatMappingIssues(result.issues)}`;
  throw new CodedError(result.code, message, { details: { file, issues: result.issues } });
}

function checkVersion(root: LocatedMap, issues: IssueCollector): boolean {
  const entry = entryOf(root, 'version');
  if (entry === undefined) {
    issues.add({
      origin: root.origin,
      message: 'version is missing',
      expected: 'version: 1 as the first line of the mapping',
    });
    return false;
  }
  if (entry.value.kind === 'scalar' && entry.value.value === 1) return true;
  const shown =
    entry.value.kind === 'scalar'
      ? ` ${typeof entry.value.value === 'string' ? quote(entry.value.value) : String(entry.value.value)}`
      : '';
  issues.add({
    origin: entry.value.origin,
    message: `version${shown} is not supported by this version of lwm2m-adapters`,
    expected: 'version: 1',
  });
  return false;
}

function withoutExtensionKeys(root: LocatedMap): LocatedMap {
  const entries = [...root.entries].filter(([key]) => !key.startsWith(EXTENSION_KEY_PREFIX));
  return entries.length === root.entries.size ? root : makeMap(root.origin, new Map(entries));
}

function withSubstituted(
  root: LocatedMap,
  keys: readonly string[],
  scope: VariableScope,
  issues: IssueCollector,
): LocatedMap {
  const entries = new Map(root.entries);
  for (const key of keys) {
    const entry = entries.get(key);
    if (entry !== undefined)
      entries.set(key, { ...entry, value: substituteVariables(entry.value, scope, issues) });
  }
  return makeMap(root.origin, entries);
}

function topDefaults(
  document: LocatedMap,
  issues: IssueCollector,
  jsonSchemas: JsonSchemaCache,
): ReportingDefaults {
  const entry = entryOf(document, 'defaults');
  if (entry === undefined) return {};
  const parsed = parseLocated(
    reportingDefaultsSchema,
    {
      root: entry.value,
      rootOrigin: entry.keyOrigin,
      fieldPrefix: ['defaults'],
      jsonSchema: jsonSchemas.of(reportingDefaultsSchema),
    },
    issues,
  );
  if (!parsed.ok) return {};
  const { poll, pmin, pmax, deadband } = parsed.data;
  return {
    pollMs: poll === undefined ? undefined : durationMs(poll),
    pminMs: pmin === undefined ? undefined : durationMs(pmin),
    pmaxMs: pmax === undefined ? undefined : durationMs(pmax),
    deadband,
  };
}

interface LoadedObjects {
  readonly registry: ObjectRegistry;
  readonly definitions: ObjectDefinition[];
}

async function loadObjects(
  document: LocatedMap,
  base: ObjectRegistry,
  baseDirectory: string,
  issues: IssueCollector,
): Promise<LoadedObjects> {
  const list = valueAt(document, 'objects');
  if (list?.kind !== 'seq' || list.items.length === 0) return { registry: base, definitions: [] };
  const registry = new ObjectRegistry(base.listAllVersions());
  for (const definition of base.list())
    registry.setDefaultVersion(definition.id, base.defaultVersion(definition.id));
  const definitions: ObjectDefinition[] = [];
  for (const item of list.items) {
    const file = stringOf(item);
    if (file === undefined || file === '') continue;
    try {
      for (const definition of await loadDdfFile(resolve(baseDirectory, file))) {
        definitions.push(
          JSON.parse(JSON.stringify(registry.add(definition, { source: file }))) as ObjectDefinition,
        );
      }
    } catch (error) {
      issues.add({
        origin: item.origin,
        message: `objects: ${quote(file)} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
        expected: 'an LwM2M object definition (DDF XML) file, relative to the mapping file',
      });
    }
  }
  definitions.sort((a, b) => a.id - b.id || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { registry, definitions };
}

function checkTemplates(
  document: LocatedMap,
  issues: IssueCollector,
  jsonSchemas: JsonSchemaCache,
): ReadonlyMap<string, LocatedEntry> {
  const node = valueAt(document, 'templates');
  const templates = new Map<string, LocatedEntry>();
  if (node?.kind !== 'map') return templates;
  for (const [name, entry] of node.entries) {
    if (entry.value.kind !== 'map') {
      issues.add({
        origin: entry.keyOrigin,
        message: `template ${name} is not a mapping`,
        expected: 'a mapping with adapter, connection and points',
      });
      continue;
    }
    parseLocated(
      templateKeysSchema,
      {
        root: entry.value,
        rootOrigin: entry.keyOrigin,
        fieldPrefix: ['templates', name],
        jsonSchema: jsonSchemas.of(templateKeysSchema),
      },
      issues,
    );
    templates.set(name, entry);
  }
  return templates;
}

const DEVICE_ID_RE = new RegExp(DEVICE_ID_PATTERN);

/** One device of a device entry: its variables substituted, merged over its template, compiled. */
async function compileEntry(
  entry: LocatedMap,
  index: number,
  rowScope: VariableScope,
  templates: ReadonlyMap<string, LocatedEntry>,
  scope: MappingScope,
): Promise<DeviceOutcome & { readonly label: string }> {
  const { issues } = scope;
  const label = deviceLabel(entry, index, rowScope);
  const deviceScope: VariableScope = { ...rowScope, device: label };
  const substituted = substituteVariables(entry, deviceScope, issues);
  const template = templateOf(substituted, templates, issues, label);
  const tree = mergeDeviceOverTemplate(
    template.node === undefined ? undefined : substituteVariables(template.node, deviceScope, issues),
    substituted,
    issues,
    label,
  );
  const outcome = await compileDevice(tree, label, scope, { templateMissing: template.missing });
  return { ...outcome, label };
}

function deviceLabel(entry: LocatedMap, index: number, scope: VariableScope): string {
  const id = entryOf(entry, 'id');
  if (id === undefined) return `devices[${index}]`;
  const quiet = new IssueCollector();
  const value = substituteVariables(id.value, scope, quiet);
  const text =
    value.kind === 'scalar' && (typeof value.value === 'string' || typeof value.value === 'number')
      ? String(value.value)
      : '';
  // An id that is not valid (reported) is no name to show: it may be long or hold control characters.
  return DEVICE_ID_RE.test(text) ? text : `devices[${index}]`;
}

/** The template a device names; `missing` when it names one that is not there (reported). */
function templateOf(
  device: LocatedMap,
  templates: ReadonlyMap<string, LocatedEntry>,
  issues: IssueCollector,
  label: string,
): { readonly node: LocatedMap | undefined; readonly missing: boolean } {
  const entry = entryOf(device, 'template');
  if (entry === undefined) return { node: undefined, missing: false };
  const name = stringOf(entry.value);
  // not text, or an unresolved reference: reported elsewhere, and what it names is unknown
  if (name === undefined || entry.value.kind !== 'scalar' || entry.value.substitution?.unresolved === true)
    return { node: undefined, missing: true };
  const template = templates.get(name);
  if (template === undefined) {
    const names = [...templates.keys()];
    issues.add({
      origin: entry.value.origin,
      message: `template ${quote(name)} is not defined`,
      expected:
        names.length === 0
          ? 'a template defined under templates:'
          : `one of ${names.join(', ')}${didYouMean(name, names)}`,
      device: label,
    });
    return { node: undefined, missing: true };
  }
  return { node: template.value.kind === 'map' ? template.value : undefined, missing: false };
}

/** Reports device ids, prefixes and endpoints used twice (linear: one map per kind). */
class UniqueIdentities {
  readonly #issues: IssueCollector;
  readonly #source: SourceText;
  readonly #seen = {
    id: new Map<string, Origin>(),
    prefix: new Map<string, Origin>(),
    endpoint: new Map<string, Origin>(),
  };

  constructor(issues: IssueCollector, source: SourceText) {
    this.#issues = issues;
    this.#source = source;
  }

  /** A duplicate id is reported alone (its default prefix and endpoint would repeat it). */
  add(identity: DeviceIdentity, label: string): void {
    if (!this.#check('id', 'device id', identity.id, identity.idOrigin, label)) return;
    if (identity.prefixValid)
      this.#check('prefix', 'gateway prefix', identity.prefix, identity.prefixOrigin, label);
    this.#check('endpoint', 'endpoint name', identity.endpoint, identity.endpointOrigin, label);
  }

  /** Records the value; false (and an issue) when it was already used. */
  #check(
    kind: 'id' | 'prefix' | 'endpoint',
    what: string,
    value: string,
    origin: Origin,
    label: string,
  ): boolean {
    const seen = this.#seen[kind];
    const previous = seen.get(value);
    if (previous === undefined) {
      seen.set(value, origin);
      return true;
    }
    const where =
      previous.offset === origin.offset
        ? `by another instance of this entry (use an instance variable, e.g. \${n})`
        : `at line ${this.#source.position(previous.offset).line}`;
    this.#issues.add({
      origin,
      message: `${what} ${quote(value)} is already used ${where}`,
      expected: `a unique ${what} per device`,
      device: label,
    });
    return false;
  }
}
