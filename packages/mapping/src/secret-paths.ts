import { isJsonObject, type JsonValue } from './json-value.js';
import { followPath, type LocatedNode } from './located-node.js';
import { isSecretConnectionKey } from './secret-keys.js';

/** `/connection/a~1b` (RFC 6901). */
export function jsonPointer(segments: readonly (string | number)[]): string {
  return segments
    .map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}

export interface SecretScan {
  /** JSON pointers relative to the device (`/connection/password`), sorted. */
  readonly paths: string[];
  /** The secret values as text (to keep them out of messages). */
  readonly values: string[];
}

/**
 * Finds the secrets in a device's validated connection: values under keys the adapter names in
 * `secretConnectionKeys` or that look secret (password, secret, token, key), and values that came
 * from a secret-looking environment variable.
 */
export function findConnectionSecrets(
  connection: JsonValue,
  input: LocatedNode | undefined,
  adapterSecretKeys: readonly string[],
): SecretScan {
  const paths: string[] = [];
  const values: string[] = [];
  const visit = (value: JsonValue, path: (string | number)[]): void => {
    const last = path.at(-1);
    const fromSecretVariable = (): boolean => {
      if (input === undefined) return false;
      const found = followPath(input, path);
      return found.complete && found.node.kind === 'scalar' && found.node.substitution?.secret === true;
    };
    if (
      (typeof last === 'string' && isSecretConnectionKey(last, adapterSecretKeys)) ||
      fromSecretVariable()
    ) {
      paths.push(jsonPointer(['connection', ...path]));
      collectValues(value, values);
      return;
    }
    if (Array.isArray(value)) {
      for (const [index, item] of (value as JsonValue[]).entries()) visit(item, [...path, index]);
    } else if (isJsonObject(value))
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(connection, []);
  return { paths: paths.sort(), values };
}

function collectValues(value: JsonValue, out: string[]): void {
  if (value === null) return;
  if (Array.isArray(value)) for (const item of value as JsonValue[]) collectValues(item, out);
  else if (isJsonObject(value)) for (const item of Object.values(value)) collectValues(item, out);
  else out.push(String(value));
}

/** Text of every scalar under secret keys of a connection as written (before validation). */
export function secretInputValues(
  node: LocatedNode | undefined,
  adapterSecretKeys: readonly string[],
): string[] {
  const out: string[] = [];
  const visit = (current: LocatedNode, secret: boolean): void => {
    if (current.kind === 'scalar') {
      if (
        (secret || current.substitution?.secret === true) &&
        current.value !== null &&
        !(current.value instanceof Uint8Array)
      ) {
        out.push(String(current.value));
      }
      return;
    }
    if (current.kind === 'seq') for (const item of current.items) visit(item, secret);
    else
      for (const [key, entry] of current.entries)
        visit(entry.value, secret || isSecretConnectionKey(key, adapterSecretKeys));
  };
  if (node !== undefined) visit(node, false);
  return out;
}
