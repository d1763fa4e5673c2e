import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { z } from 'zod';
import { mappingDocumentSchema } from './document-schema.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.js';

/** What the JSON Schema needs from an adapter. */
export type SchemaAdapter = Pick<AdapterDefinition, 'name' | 'connectionSchema' | 'pointSchema'>;

/** Where editors find the schema when a mapping starts with the yaml-language-server comment. */
export const MAPPING_SCHEMA_TITLE = 'lwm2m-adapters mapping, version 1';

/**
 * A JSON Schema (draft-07, as YAML language servers expect) of mapping documents, with each
 * adapter's connection and point (`source`) schemas applied to templates and devices that name it
 * in `adapter:`. Connections are partial here (templates and devices each give part of one) and
 * numeric settings also accept `${...}` text. Editors use it via a first line such as
 * `# yaml-language-server: $schema=../packages/mapping/mapping.schema.json`.
 */
export function generateMappingJsonSchema(
  adapters: readonly SchemaAdapter[],
  /** Where resource names for completion and hover come from (default: the OMA objects). */
  registry: ObjectRegistry = ObjectRegistry.withOmaObjects(),
): JsonObject {
  const document = editorFriendly(toJsonSchema(mappingDocumentSchema), resourceNames(registry));
  const definitions: Record<string, JsonValue> = {};
  const rules: JsonObject[] = [];
  const names: string[] = [];
  for (const adapter of [...adapters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = definitionKey(adapter.name);
    names.push(adapter.name);
    const connection = rehome(toJsonSchema(adapter.connectionSchema), `${key}.connection`, definitions);
    const source = rehome(toJsonSchema(adapter.pointSchema), `${key}.source`, definitions);
    definitions[`${key}.connection`] = allowReferences(partial(connection));
    definitions[`${key}.source`] = allowReferences(source);
    rules.push({
      if: { properties: { adapter: { const: adapter.name } }, required: ['adapter'] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then keyword
      then: {
        properties: {
          connection: { $ref: `#/definitions/${key}.connection` },
          points: {
            patternProperties: {
              [POINT_KEY]: { properties: { source: { $ref: `#/definitions/${key}.source` } } },
            },
          },
        },
      },
    });
  }
  const properties = document.properties as JsonObject;
  const templates = properties.templates as JsonObject;
  const devices = properties.devices as JsonObject;
  const withAdapters = (entry: JsonValue | undefined, isDevice = false): JsonObject => {
    const schema = entry as JsonObject;
    const entryProperties = isDevice
      ? withReferenceId(schema.properties as JsonObject)
      : (schema.properties as JsonObject);
    const adapterProperty = entryProperties.adapter as JsonObject;
    return {
      ...schema,
      properties: {
        ...entryProperties,
        adapter:
          names.length === 0
            ? adapterProperty
            : { ...adapterProperty, anyOf: [{ enum: names }, { type: 'string' }] },
      },
      ...(rules.length === 0 ? {} : { allOf: rules }),
    };
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: MAPPING_SCHEMA_TITLE,
    ...document,
    patternProperties: {
      '^x-': { description: 'Ignored: a place for YAML anchors (&name) to reuse with *name.' },
    },
    properties: {
      ...properties,
      templates: { ...templates, additionalProperties: withAdapters(templates.additionalProperties) },
      devices: { ...devices, items: withAdapters(devices.items, true) },
    },
    ...(Object.keys(definitions).length === 0 ? {} : { definitions }),
  };
}

/** The schema as the text of `mapping.schema.json` (2-space JSON, trailing newline). */
export function formatMappingJsonSchema(adapters: readonly SchemaAdapter[]): string {
  return `${JSON.stringify(generateMappingJsonSchema(adapters), null, 2)}\n`;
}

function toJsonSchema(schema: z.ZodType): JsonObject {
  const generated: unknown = z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  });
  if (!isJsonObject(generated)) return {};
  const { $schema: _schema, ...rest } = generated;
  return rest;
}

function definitionKey(name: string): string {
  return `adapter:${name.replace(/[^A-Za-z0-9_.@-]/g, '_')}`;
}

/** Moves a sub-schema's own `definitions` into the root's, under `prefix`, rewriting its `$ref`s. */
function rehome(schema: JsonObject, prefix: string, definitions: Record<string, JsonValue>): JsonObject {
  const own = schema.definitions;
  if (!isJsonObject(own)) return schema;
  const rewrite = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isJsonObject(value)) return value;
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof item === 'string' && item.startsWith('#/definitions/')
          ? `#/definitions/${prefix}.${item.slice('#/definitions/'.length)}`
          : rewrite(item);
    }
    return out;
  };
  for (const [key, definition] of Object.entries(own)) definitions[`${prefix}.${key}`] = rewrite(definition);
  const { definitions: _definitions, ...rest } = schema;
  return rewrite(rest) as JsonObject;
}

/** Drops `required` everywhere and turns `oneOf` into `anyOf` (parts of a connection may be elsewhere). */
function partial(value: JsonValue): JsonObject {
  const walk = (node: JsonValue): JsonValue => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isJsonObject(node)) return node;
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(node)) {
      if (key === 'required') continue;
      out[key === 'oneOf' ? 'anyOf' : key] = walk(item);
    }
    return out;
  };
  return walk(value) as JsonObject;
}

const REFERENCE_TEXT: JsonObject = { type: 'string', pattern: '\\$\\{' };
const NON_TEXT_TYPES = new Set(['number', 'integer', 'boolean']);

/**
 * Lets numeric and boolean settings, and text settings held to a pattern (an OPC UA endpoint URL),
 * also be `${VAR}` text (substituted before validation).
 */
function allowReferences(value: JsonValue): JsonObject {
  const walk = (node: JsonValue): JsonValue => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isJsonObject(node)) return node;
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(node)) out[key] = walk(item);
    const type = node.type;
    const patternedText = type === 'string' && typeof node.pattern === 'string';
    if (typeof type === 'string' && (NON_TEXT_TYPES.has(type) || patternedText)) {
      const { description, ...rest } = out;
      return { ...(description === undefined ? {} : { description }), anyOf: [rest, REFERENCE_TEXT] };
    }
    return out;
  };
  return walk(value) as JsonObject;
}

/** Points are keyed by path: `/object/instance/resource[/resource-instance]`. */
const POINT_KEY = '^/';

/**
 * A device id may name instance variables (`id: pump-${n}`): the compiler checks the id once they
 * are substituted, the editor accepts the reference.
 */
function withReferenceId(properties: JsonObject): JsonObject {
  const id = properties.id;
  if (!isJsonObject(id) || typeof id.pattern !== 'string') return properties;
  const { pattern, description, ...rest } = id;
  return {
    ...properties,
    id: {
      ...rest,
      ...(description === undefined ? {} : { description }),
      anyOf: [{ pattern }, REFERENCE_TEXT],
    },
  };
}

/** `/3303/0/5700` → what an editor shows for it: object and resource names, type, operations, units. */
function resourceNames(registry: ObjectRegistry): JsonObject {
  const names: Record<string, JsonValue> = {};
  for (const object of registry.list()) {
    for (const resource of object.resources) {
      const path = `/${object.id}/0/${resource.id}${resource.multiple ? '/0' : ''}`;
      const units = resource.units === undefined || resource.units === '' ? '' : `, units ${resource.units}`;
      names[path] = {
        description: `${object.name} (${object.id}) / ${resource.name} (${resource.id}): ${resource.type}, operations ${resource.operations || 'none'}${resource.mandatory ? ', mandatory' : ''}${units}`,
      };
    }
  }
  return names;
}

/**
 * What editors need besides validation: map keys are text in JSON but YAML writes `{ 0: idle }`
 * with integer keys (the mapping reader takes both), so property names get no `type`; and `points`
 * objects list every OMA resource path of instance 0 with its names, for completion and hover,
 * their entries validated by pattern (a path listed or not).
 */
function editorFriendly(schema: JsonObject, names: JsonObject): JsonObject {
  const walk = (node: JsonValue, key?: string): JsonValue => {
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (!isJsonObject(node)) return node;
    const out: Record<string, JsonValue> = {};
    for (const [name, item] of Object.entries(node)) out[name] = walk(item, name);
    const propertyNames = out.propertyNames;
    if (isJsonObject(propertyNames) && propertyNames.type === 'string') {
      const { type: _type, ...rest } = propertyNames;
      out.propertyNames = rest;
    }
    if (key === 'points' && out.additionalProperties !== undefined) {
      const { additionalProperties, ...rest } = out;
      return { ...rest, properties: names, patternProperties: { [POINT_KEY]: additionalProperties } };
    }
    return out;
  };
  return walk(schema) as JsonObject;
}
