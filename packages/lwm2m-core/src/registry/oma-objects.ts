import { checkObjectDefinition } from './definition-check.js';
import { definitionError } from './definition-error.js';
import type { ObjectDefinition } from './object-definition.js';
import omaObjectsJson from './oma-objects.generated.json' with { type: 'json' };

const GENERATED_SOURCE = 'oma-objects.generated.json';

/**
 * The vendored OMA object definitions (every version of core objects 0-22, gateway objects 25
 * and 26, IPSO smart objects 3200-3350), by id then version. Generated from
 * `registry/oma/*.xml` by `scripts/generate-oma-registry.ts`; each call returns fresh, frozen,
 * checked definitions.
 */
export function omaObjectDefinitions(): ObjectDefinition[] {
  const data: unknown = omaObjectsJson;
  if (!Array.isArray(data)) {
    throw definitionError({ source: GENERATED_SOURCE }, 'expected an array of definitions');
  }
  return data.map((definition: unknown) => checkObjectDefinition(definition, GENERATED_SOURCE));
}
