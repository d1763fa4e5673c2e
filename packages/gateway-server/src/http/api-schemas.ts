import { CodedError } from '@lwm2m-adapters/errors';
import { ContentFormat, resourceTypes } from '@lwm2m-adapters/lwm2m-core';
import { z } from 'zod';
import { GATEWAY_EVENT_TYPES } from '../events/gateway-server-event.js';

/** Content formats by the names the API takes (`?format=`, `"format"`), or their numbers. */
export const FORMAT_NAMES = {
  text: ContentFormat.TEXT,
  opaque: ContentFormat.OPAQUE,
  cbor: ContentFormat.CBOR,
  'senml-json': ContentFormat.SENML_JSON,
  'senml-cbor': ContentFormat.SENML_CBOR,
  tlv: ContentFormat.TLV,
  'lwm2m-json': ContentFormat.LWM2M_JSON,
  'lwm2m-cbor': ContentFormat.LWM2M_CBOR,
} as const;

const formatNumbers = new Set<number>(Object.values(FORMAT_NAMES));

export const formatSchema = z
  .union([
    z.enum(Object.keys(FORMAT_NAMES) as [keyof typeof FORMAT_NAMES]),
    z.string().regex(/^\d{1,5}$/),
    z.number().int(),
  ])
  .transform((format, ctx) => {
    const number =
      typeof format === 'number' || /^\d+$/.test(format)
        ? Number(format)
        : FORMAT_NAMES[format as keyof typeof FORMAT_NAMES];
    if (!formatNumbers.has(number)) {
      ctx.addIssue({
        code: 'custom',
        message: `format must be one of ${Object.keys(FORMAT_NAMES).join(', ')} (or its number), got ${format}`,
      });
      return z.NEVER;
    }
    return number;
  });

/** Endpoint names and Device IDs as they appear in a path segment (percent-decoded). */
export const nameSchema = z.string().min(1).max(255);

const scalarSchema = z.union([z.string().max(1_048_576), z.number(), z.boolean(), z.null()]);

export const valueEntryInputSchema = z
  .object({
    path: z.string().min(1).max(512),
    type: z.enum(resourceTypes).optional(),
    value: scalarSchema,
  })
  .strict();

const valuesSchema = z.array(valueEntryInputSchema).max(10_000);

/** PUT/PATCH (and POST on an instance) body: values, or one value for the target path. */
export const writeBodySchema = z.union([
  z.object({ values: valuesSchema.min(1), format: formatSchema.optional() }).strict(),
  z
    .object({ value: scalarSchema, type: z.enum(resourceTypes).optional(), format: formatSchema.optional() })
    .strict(),
]);

export const createBodySchema = z
  .object({
    /** The new instance id; without it the client picks one. */
    id: z.number().int().min(0).max(65534).optional(),
    values: valuesSchema,
    format: formatSchema.optional(),
  })
  .strict();

export const executeBodySchema = z
  .object({ arguments: z.string().max(4096).optional() })
  .strict()
  .optional();

const attribute = z.number().nullable().optional();
export const attributesSchema = z
  .object({
    pmin: attribute,
    pmax: attribute,
    gt: attribute,
    lt: attribute,
    st: attribute,
    epmin: attribute,
    epmax: attribute,
    edge: attribute,
    con: attribute,
    hqmax: attribute,
  })
  .strict();

export const observeBodySchema = z
  .object({ format: formatSchema.optional(), attributes: attributesSchema.optional() })
  .strict()
  .optional();

export const compositeReadBodySchema = z
  .object({
    paths: z.array(z.string().min(1).max(512)).min(1).max(256),
    format: formatSchema.optional(),
    accept: formatSchema.optional(),
  })
  .strict();

export const compositeWriteBodySchema = z
  .object({ values: valuesSchema.min(1), format: formatSchema.optional() })
  .strict();

const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

export const readQuerySchema = z
  .object({
    format: formatSchema.optional(),
    timeoutMs: z.coerce.number().int().min(1).max(300_000).optional(),
  })
  .strict();

export const requestQuerySchema = z
  .object({ timeoutMs: z.coerce.number().int().min(1).max(300_000).optional() })
  .strict();

export const cancelQuerySchema = z
  .object({
    active: booleanText.optional(),
    timeoutMs: z.coerce.number().int().min(1).max(300_000).optional(),
  })
  .strict();

export const compositeCancelQuerySchema = z
  .object({
    paths: z
      .string()
      .transform((text) => text.split(',').filter((t) => t !== ''))
      .pipe(z.array(z.string().min(1).max(512)).min(1).max(256)),
    active: booleanText.optional(),
    timeoutMs: z.coerce.number().int().min(1).max(300_000).optional(),
  })
  .strict();

export const emptyQuerySchema = z.object({}).strict();

export const eventsQuerySchema = z
  .object({
    types: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      )
      .pipe(z.array(z.enum(GATEWAY_EVENT_TYPES as [string, ...string[]])).min(1))
      .optional(),
    endpoint: nameSchema.optional(),
    deviceId: nameSchema.optional(),
    lastEventId: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export const lastEventIdSchema = z.coerce.number().int().min(0);

export const objectIdSchema = z.coerce.number().int().min(0).max(65534);
export const objectQuerySchema = z
  .object({
    version: z
      .string()
      .regex(/^\d{1,5}\.\d{1,5}$/)
      .optional(),
  })
  .strict();

/** Parses input with a schema; API_REQUEST_INVALID naming `what` and each problem otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${at}${issue.message}`;
  });
  throw new CodedError('API_REQUEST_INVALID', `${what}: ${problems.join('; ')}`, {
    details: { problems },
  });
}
