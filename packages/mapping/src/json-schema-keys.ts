import { isJsonObject, type JsonObject } from './json-value.js';

/**
 * The property names a JSON Schema allows for the object at `path` (following properties, items,
 * additionalProperties and anyOf/oneOf/allOf branches). Branches whose `const` properties
 * contradict `input` are skipped, so a discriminated union lists only the chosen variant's keys.
 * Undefined when the schema says nothing usable.
 */
export function allowedKeysAt(
  schema: JsonObject,
  path: readonly PropertyKey[],
  input: unknown,
): string[] | undefined {
  let current: JsonObject[] = matchingBranches(schema, input);
  let value: unknown = input;
  for (const step of path) {
    value =
      isJsonObject(value) || Array.isArray(value)
        ? (value as Record<string, unknown>)[String(step)]
        : undefined;
    const next: JsonObject[] = [];
    for (const branch of current) {
      const child = childSchema(branch, step);
      if (child !== undefined) next.push(...matchingBranches(child, value));
    }
    current = next;
  }
  const keys = new Set<string>();
  for (const branch of current) {
    const properties = branch.properties;
    if (isJsonObject(properties)) for (const key of Object.keys(properties)) keys.add(key);
  }
  return keys.size > 0 ? [...keys] : undefined;
}

function childSchema(schema: JsonObject, step: PropertyKey): JsonObject | undefined {
  if (typeof step === 'number') {
    const items = schema.items;
    return isJsonObject(items) ? items : undefined;
  }
  const properties = schema.properties;
  const property = isJsonObject(properties) ? properties[String(step)] : undefined;
  if (isJsonObject(property)) return property;
  const additional = schema.additionalProperties;
  return isJsonObject(additional) ? additional : undefined;
}

function matchingBranches(schema: JsonObject, input: unknown): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (node: JsonObject, depth: number): void => {
    if (depth > 16 || contradicts(node, input)) return;
    out.push(node);
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[keyword];
      if (Array.isArray(list)) for (const item of list) if (isJsonObject(item)) visit(item, depth + 1);
    }
  };
  visit(schema, 0);
  return out;
}

function contradicts(schema: JsonObject, input: unknown): boolean {
  const properties = schema.properties;
  if (!isJsonObject(properties) || !isJsonObject(input)) return false;
  for (const [key, property] of Object.entries(properties)) {
    if (!isJsonObject(property) || !('const' in property)) continue;
    const given = (input as Record<string, unknown>)[key];
    if (given !== undefined && given !== property.const) return true;
  }
  return false;
}
