import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OMA_GENERATED_JSON, renderOmaObjectsJson } from '../../scripts/generate-oma-registry.js';
import { omaObjectDefinitions } from '../../src/registry/oma-objects.js';
import { omaDirectory, readOmaFile } from './ddf-fixtures.js';

describe('vendored OMA registry', () => {
  it('the committed JSON is exactly what the generator makes from the vendored XML', async () => {
    const committed = await readFile(OMA_GENERATED_JSON, 'utf8');
    // If this fails: npx tsx --conditions=source packages/lwm2m-core/scripts/generate-oma-registry.ts
    expect(committed === (await renderOmaObjectsJson())).toBe(true);
  });

  it('loads 137 definitions of 76 objects, sorted by id then version', () => {
    const definitions = omaObjectDefinitions();
    expect(definitions).toHaveLength(137);
    expect(new Set(definitions.map((d) => d.id)).size).toBe(76);
    const keys = definitions.map((d) => [d.id, d.version] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1], 'en', { numeric: true }));
    expect(keys).toEqual(sorted);
  });

  it('every vendored file carries its BSD-3-Clause licence header and is listed in the README', async () => {
    const files = (await readdir(omaDirectory)).filter((name) => name.endsWith('.xml'));
    expect(files).toHaveLength(137);
    const readme = readOmaFile('README.md');
    for (const name of files) {
      const header = readOmaFile(name).slice(0, 4000);
      expect(header, name).toMatch(/Copyright 20\d\d Open Mobile Alliance/);
      expect(header, name).toMatch(/Redistribution and use in source and binary forms/);
      expect(readme, name).toContain(name.replace(/\.xml$/, ''));
    }
  });
});
