import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatMappingJsonSchema } from '@lwm2m-adapters/mapping';
import { describe, expect, it } from 'vitest';
import { createAdapterResolver } from '../src/adapter-resolver.js';
import { BUILT_IN_ADAPTERS } from '../src/built-in-adapters.js';

/**
 * packages/mapping/mapping.schema.json is the editor schema for mappings using the adapters the
 * host bundles. Regenerate with `UPDATE_MAPPING_SCHEMA=1 npx vitest run packages/host/test/mapping-schema.test.ts`.
 */
const SCHEMA_FILE = fileURLToPath(new URL('../../mapping/mapping.schema.json', import.meta.url));

describe('editor JSON Schema', () => {
  it('matches the committed mapping.schema.json generated for the built-in adapters', async () => {
    // loaded by name, as a mapping anywhere would load them
    const resolve = createAdapterResolver(tmpdir());
    const adapters = await Promise.all(Object.keys(BUILT_IN_ADAPTERS).map((name) => resolve(name)));
    const generated = formatMappingJsonSchema(adapters);
    if (process.env.UPDATE_MAPPING_SCHEMA === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(generated));
    expect(generated).toContain('holding');
    expect(generated).toContain('PDU address of the first coil or register');
  });
});
