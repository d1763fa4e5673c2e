// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import { formatMappingJsonSchema, generateMappingJsonSchema, type JsonObject } from '../src/index.js';
import { fixtureAdapter } from './support/fixture-adapter.js';

/** A fixture adapter: the committed mapping.schema.json (built-in adapters) is checked in packages/host. */
const COMMITTED_FOR: readonly AdapterDefinition[] = [fixtureAdapter as AdapterDefinition];

function at(schema: JsonObject, ...path: string[]): JsonObject {
  let node: unknown = schema;
  for (const key of path) node = (node as Record<string, unknown>)[key];
  return node as JsonObject;
}

describe('JSON Schema for editors', () => {
  const schema = generateMappingJsonSchema(COMMITTED_FOR);

  it('is draft-07 with version 1 as a constant', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(at(schema, 'properties', 'version')).toMatchObject({ const: 1 });
    expect(schema.required).toEqual(['version', 'devices']);
    expect(schema.additionalProperties).toBe(false);
  });

  it("contains the adapter's connection and point fields, applied by adapter name", () => {
    const connection = at(schema, 'definitions', 'adapter:fixture.connection');
    expect(Object.keys(at(connection, 'properties'))).toEqual([
      'host',
      'port',
      'unitId',
      'community',
      'password',
    ]);
    expect(connection.required).toBeUndefined();
    // Numeric settings also accept ${...} references.
    expect(at(connection, 'properties', 'unitId')).toEqual({
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 247 },
        { type: 'string', pattern: '\\$\\{' },
      ],
    });
    const source = at(schema, 'definitions', 'adapter:fixture.source');
    expect(at(source, 'properties', 'table')).toEqual({
      type: 'string',
      enum: ['holding', 'input', 'coil', 'discrete'],
    });
    expect(source.required).toEqual(['table', 'address']);
    const device = at(schema, 'properties', 'devices', 'items');
    expect(at(device, 'properties', 'adapter').anyOf).toEqual([{ enum: ['fixture'] }, { type: 'string' }]);
    expect(device.allOf).toEqual([
      {
        if: { properties: { adapter: { const: 'fixture' } }, required: ['adapter'] },
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then keyword
        then: {
          properties: {
            connection: { $ref: '#/definitions/adapter:fixture.connection' },
            points: {
              patternProperties: {
                '^/': { properties: { source: { $ref: '#/definitions/adapter:fixture.source' } } },
              },
            },
          },
        },
      },
    ]);
    expect(at(schema, 'properties', 'templates', 'additionalProperties').allOf).toEqual(device.allOf);
  });

  it('describes points keyed by LwM2M path, with durations and access', () => {
    const points = at(schema, 'properties', 'devices', 'items', 'properties', 'points');
    // no `type: string` on keys: YAML writes enum keys as integers ({ 0: idle }), editors would flag them
    expect(points.propertyNames).toEqual({
      pattern: '^\\/\\d{1,5}\\/\\d{1,5}\\/\\d{1,5}(\\/\\d{1,5})?$',
    });
    // every OMA resource of instance 0, named, for completion and hover; entries validated by pattern
    expect(at(points, 'properties', '/3303/0/5700')).toEqual({
      description: 'Temperature (3303) / Sensor Value (5700): float, operations R, mandatory',
    });
    expect(Object.keys(at(points, 'patternProperties'))).toEqual(['^/']);
    const text = JSON.stringify(points);
    expect(text).toContain('"enum":["r","w","rw","execute"]');
    expect(text).toContain('(?:ms|s|m|h|d)');
  });

  it('generates the same schema every time, and without adapters', () => {
    expect(formatMappingJsonSchema(COMMITTED_FOR)).toBe(formatMappingJsonSchema(COMMITTED_FOR));
    expect(generateMappingJsonSchema([]).definitions).toBeUndefined();
  });
});
