import { readFile, rename, writeFile } from 'node:fs/promises';
import { CodedError } from '@lwm2m-adapters/sdk';

export type JsonObject = { [key: string]: unknown };

/** Reads the document; a missing file is an unreachable device, bad JSON an invalid response. */
export async function readJsonDocument(file: string, signal: AbortSignal): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (err) {
    if (signal.aborted) throw new CodedError('DEVICE_TIMEOUT', `reading ${file} timed out`, { cause: err });
    throw new CodedError('DEVICE_UNREACHABLE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as JsonObject;
  } catch (err) {
    throw new CodedError(
      'DEVICE_RESPONSE_INVALID',
      `${file} is not a JSON object: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Writes atomically (temporary file, then rename), so a reader never sees half a document. */
export async function writeJsonDocument(
  file: string,
  document: JsonObject,
  signal: AbortSignal,
): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`, { signal });
    await rename(temporary, file);
  } catch (err) {
    throw new CodedError('DEVICE_UNREACHABLE', `cannot write ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export function getKey(document: JsonObject, key: string): unknown {
  let node: unknown = document;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as JsonObject)[part];
  }
  return node;
}

export function setKey(document: JsonObject, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = document;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as JsonObject;
  }
  node[parts.at(-1)!] = value;
}
