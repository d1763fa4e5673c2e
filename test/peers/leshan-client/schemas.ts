/**
 * zod schemas for the JSON lines the Leshan client harness (LeshanClientHarness.java in this
 * directory) prints on stdout: events and command replies. Every line is validated; a shape the
 * TypeScript side does not expect fails the test that reads it.
 */
import { z } from 'zod';

/** A CoAP response code, `2.05`. */
const coapCode = z.string().regex(/^\d\.\d\d$/);

/** A resource value as the harness reports it: TIME as epoch ms, OPAQUE as hex, unsigned as text. */
export const leshanClientValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
]);
export type LeshanClientValue = z.infer<typeof leshanClientValueSchema>;

/** `{"id":N,"ok":...}`: the reply to one command. */
export const leshanClientReplySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: leshanClientValueSchema }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);

/** Everything the harness reports on its own (not as a reply). */
export const leshanClientEventSchema = z.discriminatedUnion('event', [
  /** Objects built; the client registers on `start`. */
  z.object({ event: z.literal('ready') }),
  z.object({
    event: z.literal('registered'),
    /** The Location-Path the server answered, as Leshan keeps it: `/rd/<id>`. */
    registrationId: z.string(),
    serverUri: z.string(),
  }),
  z.object({ event: z.literal('updated') }),
  z.object({ event: z.literal('deregistered') }),
  z.object({
    event: z.literal('registrationFailed'),
    operation: z.enum(['register', 'update', 'deregister']),
    /** The server's error code; null on a timeout or a transport failure. */
    code: coapCode.nullable(),
    message: z.string(),
  }),
  /** A request the server sent, reported after Leshan answered it. */
  z.object({
    event: z.literal('request'),
    /** Leshan's request class without "Request", lower camel case: read, write, execute, observe, discover, writeAttributes... */
    operation: z.string(),
    /** Null for requests without a single path (composite operations). */
    path: z.string().nullable(),
    /** Accept of a Read/Observe, payload format of a Write; null when the request named none. */
    contentFormat: z.number().int().nullable(),
    /** What Leshan answered. */
    code: coapCode,
    /** Execute arguments as received (`0='ON',1`), empty when none. */
    arguments: z.string().optional(),
    /** Write: the written single-instance values by path. */
    values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
  /** An executable resource of the harness ran: /3/0/4 is Reboot, /3303/0/5605 resets min/max. */
  z.object({ event: z.literal('executed'), path: z.string(), arguments: z.string() }),
  z.object({ event: z.literal('error'), message: z.string() }),
]);
export type LeshanClientEvent = z.infer<typeof leshanClientEventSchema>;
