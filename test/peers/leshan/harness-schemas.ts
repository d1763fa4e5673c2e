/**
 * zod schemas for the JSON lines the Leshan harness (test/peers/leshan/harness/LeshanHarness.java)
 * prints on stdout: events, command replies, and Leshan's decoded nodes (NodeJson.java). Every line
 * is validated; a shape the TypeScript side does not expect fails the test that reads it.
 */
import { z } from 'zod';

/**
 * A value as NodeJson writes it: INTEGER / UNSIGNED_INTEGER / FLOAT as numbers, TIME as epoch
 * milliseconds, OPAQUE as lowercase hex, OBJLNK as "oid:iid", CORELNK as link-format text.
 */
export const harnessValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type HarnessValue = z.infer<typeof harnessValueSchema>;

const resourceSchema = z.object({
  kind: z.literal('resource'),
  id: z.number(),
  type: z.string(),
  value: harnessValueSchema,
});
const multipleSchema = z.object({
  kind: z.literal('multiple'),
  id: z.number(),
  type: z.string(),
  values: z.record(z.string(), harnessValueSchema),
});
const resourceInstanceSchema = z.object({
  kind: z.literal('resourceInstance'),
  id: z.number(),
  type: z.string(),
  value: harnessValueSchema,
});
const instanceSchema = z.object({
  kind: z.literal('instance'),
  id: z.number(),
  resources: z.array(z.discriminatedUnion('kind', [resourceSchema, multipleSchema])),
});
const objectSchema = z.object({
  kind: z.literal('object'),
  id: z.number(),
  instances: z.array(instanceSchema),
});
const rootSchema = z.object({ kind: z.literal('root'), objects: z.array(objectSchema) });

/** One node Leshan decoded, from the root down to a resource instance. */
export const harnessNodeSchema = z.discriminatedUnion('kind', [
  resourceSchema,
  multipleSchema,
  resourceInstanceSchema,
  instanceSchema,
  objectSchema,
  rootSchema,
]);
export type HarnessNode = z.infer<typeof harnessNodeSchema>;

/** Composite content by path (`"/3/0/0"`); null where Leshan got no node for a requested path. */
export const harnessNodesSchema = z.record(z.string(), harnessNodeSchema.nullable());
export type HarnessNodes = z.infer<typeof harnessNodesSchema>;

/** The device's answer as Leshan relays it. */
const responseFields = {
  /** CoAP code, `2.05`. */
  code: z.string().regex(/^\d\.\d\d$/),
  /** Leshan's name for it: CONTENT, CHANGED, NOT_FOUND... */
  name: z.string(),
  success: z.boolean(),
  errorMessage: z.string().optional(),
};
export const harnessResponseSchema = z.object(responseFields);
export const harnessReadResultSchema = z.object({ ...responseFields, content: harnessNodeSchema.nullable() });
export const harnessCompositeResultSchema = z.object({ ...responseFields, content: harnessNodesSchema });
export type HarnessResponse = z.infer<typeof harnessResponseSchema>;
export type HarnessReadResult = z.infer<typeof harnessReadResultSchema>;
export type HarnessCompositeResult = z.infer<typeof harnessCompositeResultSchema>;

/** `{"id":N,"ok":...}`: the reply to one command (result validated per command). */
export const harnessReplySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);

const registrationEvent = {
  endpoint: z.string(),
  registrationId: z.string(),
  lwm2mVersion: z.string(),
  /** The registered object links in CoRE Link Format. */
  objectLinks: z.string(),
};

/** Everything the harness reports on its own (not as a reply). */
export const harnessEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ready'), coapPort: z.number().int().positive() }),
  z.object({ event: z.literal('registered'), ...registrationEvent }),
  z.object({ event: z.literal('updated'), ...registrationEvent }),
  z.object({ event: z.literal('deregistered'), ...registrationEvent, expired: z.boolean() }),
  z.object({
    event: z.literal('compositeNotification'),
    endpoint: z.string(),
    /** The observed paths, as requested. */
    paths: z.array(z.string()),
    content: harnessNodesSchema,
  }),
  z.object({
    event: z.literal('notification'),
    endpoint: z.string(),
    path: z.string(),
    content: harnessNodeSchema.nullable(),
  }),
  z.object({
    event: z.literal('send'),
    endpoint: z.string(),
    /** SENML_CBOR or SENML_JSON. */
    format: z.string(),
    /** One record per distinct timestamp (null: the values carried none). */
    records: z.array(z.object({ timestamp: z.number().nullable(), nodes: harnessNodesSchema })),
  }),
  z.object({ event: z.literal('observationError'), endpoint: z.string().nullable(), error: z.string() }),
  z.object({ event: z.literal('sendError'), endpoint: z.string().nullable(), error: z.string() }),
  z.object({ event: z.literal('protocolError'), error: z.string() }),
]);
export type HarnessEvent = z.infer<typeof harnessEventSchema>;
