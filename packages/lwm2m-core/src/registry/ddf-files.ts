import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { MAX_DDF_BYTES, parseDdf } from './ddf-parser.js';
import { definitionError } from './definition-error.js';
import type { ObjectDefinition } from './object-definition.js';

function readFailure(path: string, error: unknown): CodedError {
  const reason = error instanceof Error ? error.message : String(error);
  return definitionError({ source: path }, `cannot read the DDF file: ${reason}`, error);
}

/** Reads and parses one DDF XML file; errors name the file (DEFINITION_INVALID). */
export async function loadDdfFile(path: string): Promise<ObjectDefinition[]> {
  let xml: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_DDF_BYTES) {
      throw definitionError({ source: path }, `the DDF file is larger than ${MAX_DDF_BYTES} bytes`);
    }
    xml = await readFile(path, 'utf8');
  } catch (error) {
    throw isCodedError(error) ? error : readFailure(path, error);
  }
  return parseDdf(xml, path);
}

/** The `*.xml` files directly in `directory`, in natural name order ("9.xml" before "10.xml"). */
export async function listDdfFiles(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.xml'))
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((name) => join(directory, name));
  } catch (error) {
    throw readFailure(directory, error);
  }
}

/** Parses every `*.xml` file directly in `directory` (not recursive), in natural name order. */
export async function loadDdfDirectory(directory: string): Promise<ObjectDefinition[]> {
  const definitions: ObjectDefinition[] = [];
  for (const path of await listDdfFiles(directory)) definitions.push(...(await loadDdfFile(path)));
  return definitions;
}
