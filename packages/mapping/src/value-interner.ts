import { deepFreeze } from './deep-freeze.js';
/**
 * One frozen copy of each JSON value many devices have alike (their adapter, their object list, the
 * nested settings of their connections), so a mapping of many devices holds each once. Keyed by
 * the value's JSON text; for small values only. One per compilation.
 */
export class ValueInterner {
  readonly #values = new Map<string, unknown>();

  intern<T>(value: T): T {
    const key = JSON.stringify(value);
    const known = this.#values.get(key);
    if (known !== undefined) return known as T;
    this.#values.set(key, deepFreeze(value));
    return value;
  }
}
