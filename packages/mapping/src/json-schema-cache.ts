import { z } from 'zod';
import { isJsonObject, type JsonObject } from './json-value.js';

/** JSON Schemas of zod schemas, made once per compile (used to list allowed keys in messages). */
export class JsonSchemaCache {
  readonly #schemas = new Map<z.ZodType, JsonObject | undefined>();

  of(schema: z.ZodType): JsonObject | undefined {
    if (this.#schemas.has(schema)) return this.#schemas.get(schema);
    let json: JsonObject | undefined;
    try {
      const generated: unknown = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      json = isJsonObject(generated) ? generated : undefined;
    } catch {
      json = undefined;
    }
    this.#schemas.set(schema, json);
    return json;
  }
}
