/**
 * zod schemas for the JSON the Leshan demo server 2.0.0-M4 REST API returns (only the fields the
 * harness uses are checked; everything else passes through). Shapes come from the M4 sources
 * (RegistrationSerializer, ResponseSerializer, LwM2mNodeSerializer, SecuritySerializer, EventServlet)
 * and were checked against the running server.
 */
import { z } from 'zod';

/** One entry of a registration's object list or of a Discover answer: `{"url":"/3/0","attributes":{"ver":"1.1"}}`. */
export const linkSchema = z.looseObject({
  url: z.string(),
  /** Attribute values as written on the wire: `rt="oma.lwm2m"` gives `"\"oma.lwm2m\""`. */
  attributes: z.record(z.string(), z.string().nullable()),
});
export type LeshanLink = z.infer<typeof linkSchema>;

/** GET /api/clients[/{ep}] and the REGISTRATION / DEREGISTRATION events. */
export const registrationSchema = z.looseObject({
  endpoint: z.string(),
  registrationId: z.string(),
  registrationDate: z.string(),
  lastUpdate: z.string(),
  /** `host:port` the registration came from. */
  address: z.string(),
  lwM2mVersion: z.string(),
  lifetime: z.number(),
  bindingMode: z.string(),
  rootPath: z.string(),
  objectLinks: z.array(linkSchema),
  secure: z.boolean(),
  queuemode: z.boolean(),
  additionalRegistrationAttributes: z.record(z.string(), z.string()),
});
export type LeshanRegistration = z.infer<typeof registrationSchema>;

/** A resource value as the demo serialises it (opaque as hex, time as an ISO string). */
export const valueSchema = z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]);
export type LeshanValue = z.infer<typeof valueSchema>;

const singleResourceSchema = z.looseObject({ id: z.number(), value: valueSchema.optional() });
const multiResourceSchema = z.looseObject({ id: z.number(), values: z.record(z.string(), valueSchema) });
export const resourceSchema = z.union([multiResourceSchema, singleResourceSchema]);
export const instanceSchema = z.looseObject({ id: z.number(), resources: z.array(resourceSchema) });
export const objectSchema = z.looseObject({ id: z.number(), instances: z.array(instanceSchema) });
/** A read, observe or notification payload: an object, an instance or a (multi-)resource. */
export const nodeSchema = z.union([objectSchema, instanceSchema, multiResourceSchema, singleResourceSchema]);
export type LeshanNode = z.infer<typeof nodeSchema>;

/** `"CONTENT(205)"` → name and CoAP code. */
const statusSchema = z.string().transform((status, ctx) => {
  const m = /^([A-Z_]+)\((\d)(\d\d)\)$/.exec(status);
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: `unexpected Leshan status "${status}"` });
    return z.NEVER;
  }
  return { name: m[1] ?? '', code: `${m[2]}.${m[3]}` };
});

/** The body of a device request that got an answer (HTTP 200): read, write, observe, discover... */
export const responseSchema = z.looseObject({
  status: statusSchema,
  valid: z.boolean(),
  success: z.boolean(),
  failure: z.boolean(),
  errormessage: z.string().optional(),
  /** Read and Observe. */
  content: nodeSchema.optional(),
  /** Discover. */
  objectLinks: z.array(linkSchema).optional(),
  /** Create. */
  location: z.string().optional(),
});

/** GET /api/security/clients entries; PUT takes the same shape. */
export const securityInfoSchema = z.looseObject({
  endpoint: z.string(),
  psk: z.looseObject({ identity: z.string(), key: z.string() }).optional(),
  rpk: z.looseObject({ key: z.string() }).optional(),
  x509: z.boolean().optional(),
});
export type LeshanSecurityInfo = z.infer<typeof securityInfoSchema>;

/** GET /api/server/endpoint: the bound CoAP ports, as strings. */
export const serverEndpointSchema = z.looseObject({
  securedEndpointPort: z.coerce.number(),
  unsecuredEndpointPort: z.coerce.number(),
});

/** `data` of a NOTIFICATION event. */
export const notificationDataSchema = z.looseObject({ ep: z.string(), res: z.string(), val: nodeSchema });
/** `data` of an UPDATED event (the update part as Gson reflects RegistrationUpdate). */
export const updatedDataSchema = z.looseObject({
  registration: registrationSchema,
  update: z.looseObject({ registrationId: z.string() }),
});
/** `data` of SLEEPING / AWAKE events. */
export const presenceDataSchema = z.looseObject({ ep: z.string() });
/** `data` of a COAPLOG event (only on a stream opened with `?ep=`). */
export const coapLogDataSchema = z.looseObject({
  ep: z.string(),
  timestamp: z.number(),
  incoming: z.boolean(),
  type: z.string(),
  code: z.string(),
  mId: z.number(),
  token: z.string().optional(),
  options: z.string().optional(),
  payload: z.string().optional(),
});
