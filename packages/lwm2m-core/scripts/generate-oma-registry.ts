/**
 * Regenerates src/registry/oma-objects.generated.json from the vendored DDF files in registry/oma.
 *   npx tsx --conditions=source packages/lwm2m-core/scripts/generate-oma-registry.ts
 * The test suite checks that the committed JSON equals what this script produces.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listDdfFiles } from '../src/registry/ddf-files.js';
import { parseDdf } from '../src/registry/ddf-parser.js';
import type { ObjectDefinition } from '../src/registry/object-definition.js';
import { compareObjectVersions } from '../src/registry/object-version.js';

export const OMA_DDF_DIRECTORY = fileURLToPath(new URL('../registry/oma/', import.meta.url));
export const OMA_GENERATED_JSON = fileURLToPath(
  new URL('../src/registry/oma-objects.generated.json', import.meta.url),
);

/** Vendored files are named like the OMA registry: `3303.xml` (latest) or `3303-1_0.xml` (version 1.0). */
const FILE_NAME_RE = /^(\d+)(?:-(\d+)_(\d+))?\.xml$/;

function checkFileName(name: string, definitions: readonly ObjectDefinition[]): void {
  const match = FILE_NAME_RE.exec(name);
  const [definition, ...others] = definitions;
  if (match === null || definition === undefined || others.length > 0) {
    throw new Error(`${name}: expected one object in a file named <id>.xml or <id>-<major>_<minor>.xml`);
  }
  const version = match[2] === undefined ? undefined : `${match[2]}.${match[3]}`;
  if (Number(match[1]) !== definition.id || (version !== undefined && version !== definition.version)) {
    throw new Error(`${name}: holds object ${definition.id} version ${definition.version}`);
  }
}

/** Parses every vendored DDF file and renders the generated JSON (by id then version). */
export async function renderOmaObjectsJson(directory = OMA_DDF_DIRECTORY): Promise<string> {
  const definitions: ObjectDefinition[] = [];
  const seen = new Map<string, string>();
  for (const path of await listDdfFiles(directory)) {
    const name = basename(path);
    const parsed = parseDdf(await readFile(path, 'utf8'), name);
    checkFileName(name, parsed);
    for (const definition of parsed) {
      const key = `${definition.id}@${definition.version}`;
      const previous = seen.get(key);
      if (previous !== undefined) throw new Error(`${name}: object ${key} is also defined in ${previous}`);
      seen.set(key, name);
      definitions.push(definition);
    }
  }
  definitions.sort((a, b) => a.id - b.id || compareObjectVersions(a.version, b.version));
  return `${JSON.stringify(definitions)}\n`;
}

async function main(): Promise<void> {
  const json = await renderOmaObjectsJson();
  await writeFile(OMA_GENERATED_JSON, json);
  const definitions = JSON.parse(json) as ObjectDefinition[];
  const objects = new Set(definitions.map((definition) => definition.id)).size;
  console.log(`wrote ${definitions.length} definitions of ${objects} objects to ${OMA_GENERATED_JSON}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
