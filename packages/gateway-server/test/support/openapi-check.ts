/** Validates API answers and events against the schemas of openapi.json (ajv, JSON Schema 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as plain JSON
export const openapi: any = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true });
// RFC 3339 date-time, as the API writes it (UTC, optional milliseconds)
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addSchema({ $id: 'openapi.json', components: openapi.components });
const compiled = new Map<string, ValidateFunction>();

function validator(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `openapi.json${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

function check(ref: string, value: unknown, what: string): void {
  const validate = validator(ref);
  if (!validate(value)) {
    throw new Error(
      `${what} does not match ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 600)}`,
    );
  }
}

/** The answer of `method route` with `status` must be described by openapi.json and match its schema. */
export function checkResponse(
  route: string | undefined,
  method: string,
  status: number,
  body: unknown,
): void {
  if (route === undefined) {
    // no route matched: a coded error
    check('#/components/schemas/ErrorAnswer', body, `${method} (no route) ${status}`);
    return;
  }
  const operation = openapi.paths[route]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`openapi.json does not describe ${method} ${route}`);
  if (route === '/api/events' && status === 200) return; // text/event-stream, checked frame by frame
  const response = operation.responses[String(status)] ?? operation.responses.default;
  if (response === undefined)
    throw new Error(`openapi.json gives no ${status} answer for ${method} ${route}`);
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`openapi.json has no JSON schema for ${status} of ${method} ${route}`);
  const ref = schema.$ref as string | undefined;
  if (ref === undefined) throw new Error(`openapi.json: use a $ref for the ${status} of ${method} ${route}`);
  check(ref, body, `${method} ${route} ${status}`);
}

/** An event must match the GatewayServerEvent schema. */
export function checkEvent(event: unknown): void {
  check('#/components/schemas/GatewayServerEvent', event, 'event');
}
