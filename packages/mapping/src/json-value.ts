/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/**
 * The canonical JSON form of `value`: object keys sorted, `undefined` properties dropped.
 * Returns undefined when `value` holds something JSON cannot carry (bigint, non-finite number,
 * function, Date, Uint8Array, undefined array element, class instance), with `problemPath` set to
 * where the first such value sits.
 */
export function toCanonicalJson(
  value: unknown,
  problemPath: (string | number)[] = [],
): JsonValue | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = toCanonicalJson(value[i], problemPath);
      if (item === undefined) {
        problemPath.unshift(i);
        return undefined;
      }
      out.push(item);
    }
    return out;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    const entries: [string, JsonValue][] = [];
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined) continue;
      const item = toCanonicalJson(field, problemPath);
      if (item === undefined) {
        problemPath.unshift(key);
        return undefined;
      }
      entries.push([key, item]);
    }
    return Object.fromEntries(entries);
  }
  return undefined;
}
