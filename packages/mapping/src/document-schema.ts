import { z } from 'zod';
import { DURATION_EXPECTED, DURATION_PATTERN, durationMs } from './duration.js';

/**
 * zod schemas of the mapping document's own fields (version 1). The adapter's connection and
 * point (`source`) schemas are applied separately, after template merging and substitution.
 * Custom messages start with "expected " so located errors read "<field> <value> is not valid;
 * expected <...>".
 */

export const MAPPING_DOCUMENT_VERSION = 1;

const durationError = `expected ${DURATION_EXPECTED}`;

export const durationSchema = z
  .union(
    [
      z.number({ error: durationError }).nonnegative({ error: durationError }),
      z.string({ error: durationError }).regex(new RegExp(DURATION_PATTERN), { error: durationError }),
    ],
    { error: durationError },
  )
  .refine((value) => durationMs(value) !== undefined, { error: durationError })
  .describe(`${DURATION_EXPECTED} (at most about 24 days)`);

export const accessSchema = z
  .enum(['r', 'w', 'rw', 'execute'], { error: 'expected one of r, w, rw, execute' })
  .describe(
    'What the LwM2M server may do: r (read), w (write), rw (read and write), execute. Default: execute for executable resources, w for write-only ones, r otherwise.',
  );

const pollSchema = durationSchema.refine((value) => durationMs(value) !== 0, {
  error: 'expected a duration of at least 1ms (0 would read the device continuously)',
});

const reportingShape = {
  poll: pollSchema
    .optional()
    .describe(
      'How often the host reads the point from the device on its own (default: only when read or observed).',
    ),
  pmin: durationSchema.optional().describe('Default minimum period between notifications (LwM2M pmin).'),
  pmax: durationSchema.optional().describe('Default maximum period between notifications (LwM2M pmax).'),
  deadband: z
    .number({ error: 'expected a number >= 0 (in LwM2M units, after scale and offset)' })
    .nonnegative({ error: 'expected a number >= 0 (in LwM2M units, after scale and offset)' })
    .optional()
    .describe(
      'Smallest change of a numeric value that is reported, in LwM2M units (after scale and offset).',
    ),
};

export const reportingDefaultsSchema = z
  .strictObject(reportingShape)
  .superRefine((defaults, context) => {
    const pmin = defaults.pmin === undefined ? undefined : durationMs(defaults.pmin);
    const pmax = defaults.pmax === undefined ? undefined : durationMs(defaults.pmax);
    if (pmin !== undefined && pmax !== undefined && pmin > pmax) {
      context.addIssue({
        code: 'custom',
        path: ['pmin'],
        input: defaults.pmin,
        message: 'expected pmin <= pmax',
      });
    }
  })
  .describe('Reporting defaults for points that do not set their own.');

export const VARIABLE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const TEMPLATE_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';
export const DEVICE_ID_PATTERN = '^[A-Za-z0-9_.~-]{1,64}$';
export const POINT_PATH_PATTERN = '^/\\d{1,5}/\\d{1,5}/\\d{1,5}(/\\d{1,5})?$';

const enumValueSchema = z.union([z.string(), z.number(), z.boolean()]);

export const enumerationSchema = z
  .record(z.string(), enumValueSchema)
  .refine((value) => Object.keys(value).length > 0, { error: 'expected at least one raw: value pair' })
  .describe('Maps raw device values to LwM2M values, e.g. { 0: idle, 1: running, 2: fault }.');

const unitsSchema = z.string().describe('Units of the LwM2M value (informational, e.g. Cel, %RH, kW).');
const descriptionSchema = z.string().describe('Free text for people reading the mapping.');

/** A point bound to the device through the adapter. */
export const boundPointSchema = z
  .strictObject({
    source: z
      .custom<unknown>((value) => value !== undefined && value !== null, {
        error: "expected the adapter's binding of this point (e.g. { table: holding, address: 100 })",
      })
      .describe("The adapter's binding of this point (register, node id, data type...)."),
    access: accessSchema.optional(),
    scale: z
      .number({ error: 'expected a number other than 0' })
      .refine((value) => value !== 0, { error: 'expected a number other than 0' })
      .optional()
      .describe('LwM2M value = raw * scale + offset.'),
    offset: z.number().optional().describe('LwM2M value = raw * scale + offset.'),
    bit: z
      .int({ error: 'expected a bit number 0..63' })
      .min(0, { error: 'expected a bit number 0..63' })
      .max(63, { error: 'expected a bit number 0..63' })
      .optional()
      .describe('Read one bit (0 = least significant) of an integer as a boolean. Read-only.'),
    enum: enumerationSchema.optional(),
    units: unitsSchema.optional(),
    description: descriptionSchema.optional(),
    ...reportingShape,
  })
  .describe('A point read from / written to the device.');

/** `{ value: ... }`: an explicit constant. */
export const constantPointSchema = z
  .strictObject({
    value: z
      .custom<unknown>((value) => value !== undefined, { error: 'expected the constant value' })
      .describe('The constant LwM2M value.'),
    units: unitsSchema.optional(),
    description: descriptionSchema.optional(),
    writable: z
      .boolean()
      .optional()
      .describe(
        'Let the server write it (the resource must be writable): the written value replaces the constant in memory until the mapping is reloaded or the host restarts. Default false: a Write is answered 4.05.',
      ),
  })
  .describe('A constant the host answers itself.');

/** For editors only: what a point entry may look like. Runtime checks dispatch on shape. */
export const pointEntrySchema = z.union([
  z.union([z.string(), z.number(), z.boolean()]).describe('A constant LwM2M value (e.g. Cel).'),
  constantPointSchema,
  boundPointSchema,
  z.null().describe('In a device: removes the template point at this path.'),
]);

export const pointsSchema = z
  .record(z.string().regex(new RegExp(POINT_PATH_PATTERN)), pointEntrySchema)
  .describe('Points keyed by LwM2M path /object/instance/resource[/resource-instance].');

const connectionSchema = z
  .record(z.string(), z.unknown())
  .describe("The adapter's connection settings (deep-merged over the template's).");

const instanceValuesSchema = z.union([
  z.array(z.union([z.string(), z.number()])).min(1),
  z.string().describe('A range "2..50" (inclusive) or a single value.'),
  z.number(),
]);

export const instancesSchema = z
  .union([
    z.record(z.string().regex(new RegExp(VARIABLE_NAME_PATTERN)), instanceValuesSchema),
    z
      .array(z.record(z.string().regex(new RegExp(VARIABLE_NAME_PATTERN)), z.union([z.string(), z.number()])))
      .min(1),
  ])
  .describe(
    `Instantiate this entry many times. A mapping of variables to value lists or ranges ("2..50") gives every combination; a list of mappings gives one instance per row. Use the variables as \${name}.`,
  );

const adapterNameSchema = z
  .string({ error: 'expected an adapter name such as modbus, or an npm package name' })
  .min(1, { error: 'expected an adapter name such as modbus, or an npm package name' })
  .describe('Adapter short name (modbus) or npm package name (@acme/lwm2m-adapter-bacnet).');

/** A device type, instantiated by devices that name it in `template`. */
export const templateSchema = z
  .strictObject({
    adapter: adapterNameSchema.optional(),
    connection: connectionSchema.optional(),
    points: pointsSchema.optional(),
    defaults: reportingDefaultsSchema.optional(),
    description: descriptionSchema.optional(),
  })
  .describe('A device type: adapter, connection defaults and points shared by the devices that use it.');

/** Only the keys of a template are checked before it is instantiated. */
export const templateKeysSchema = z.strictObject({
  adapter: z.unknown().optional(),
  connection: z.unknown().optional(),
  points: z.unknown().optional(),
  defaults: z.unknown().optional(),
  description: z.unknown().optional(),
});

const deviceShape = {
  id: z
    .string({ error: 'expected a device id of 1-64 characters A-Z a-z 0-9 _ . ~ -' })
    .regex(new RegExp(DEVICE_ID_PATTERN), {
      error: 'expected a device id of 1-64 characters A-Z a-z 0-9 _ . ~ -',
    })
    .describe(`Unique device id (may use instance variables, e.g. boiler-\${n}).`),
  template: z
    .string({ error: 'expected the name of a template' })
    .describe('Name of the template this device instantiates.'),
  adapter: adapterNameSchema,
  prefix: z
    .string({
      error: 'expected a gateway prefix of 1-64 characters A-Z a-z 0-9 _ . ~ - with at least one non-digit',
    })
    .describe('LwM2M Gateway prefix of this end device (default: the id, or dev<id> for numeric ids).'),
  endpoint: z
    .string({ error: 'expected an endpoint name of 1-255 printable characters' })
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'expected an endpoint name of 1-255 printable characters' })
    .describe('LwM2M endpoint client name when each device registers on its own (default: the id).'),
  instances: instancesSchema,
  defaults: reportingDefaultsSchema,
  description: descriptionSchema,
};

/** A device entry as written (for editors). */
export const deviceEntrySchema = z
  .strictObject({
    id: deviceShape.id,
    template: deviceShape.template.optional(),
    adapter: deviceShape.adapter.optional(),
    connection: connectionSchema.optional(),
    points: pointsSchema.optional(),
    prefix: deviceShape.prefix.optional(),
    endpoint: deviceShape.endpoint.optional(),
    instances: deviceShape.instances.optional(),
    defaults: deviceShape.defaults.optional(),
    description: deviceShape.description.optional(),
  })
  .describe('A device (or, with instances, many devices).');

/** A device after template merge and substitution; points and connection are checked separately. */
export const effectiveDeviceSchema = z.strictObject({
  id: deviceShape.id,
  template: deviceShape.template.optional(),
  adapter: deviceShape.adapter,
  connection: z.record(z.string(), z.unknown()).optional(),
  points: z.record(z.string(), z.unknown(), { error: 'expected a mapping of LwM2M paths to points' }),
  prefix: deviceShape.prefix.optional(),
  endpoint: deviceShape.endpoint.optional(),
  instances: z.unknown().optional(),
  defaults: deviceShape.defaults.optional(),
  description: deviceShape.description.optional(),
});

/** Top level, with templates and devices left for their own checks. */
export const documentShellSchema = z.strictObject({
  version: z.literal(MAPPING_DOCUMENT_VERSION, { error: 'expected version: 1' }),
  objects: z.array(z.string({ error: 'expected the path of a DDF XML file' }).min(1)).optional(),
  defaults: z.unknown().optional(),
  templates: z
    .record(
      z
        .string()
        .regex(new RegExp(TEMPLATE_NAME_PATTERN), { error: 'expected a template name of A-Z a-z 0-9 _ . -' }),
      z.unknown(),
    )
    .optional(),
  devices: z
    .array(z.unknown(), { error: 'expected a list of devices' })
    .min(1, { error: 'expected at least one device' }),
  description: z.string({ error: 'expected text' }).optional(),
});

/** Top-level keys starting with `x-` are ignored: a place for YAML anchors (as in Compose files). */
export const EXTENSION_KEY_PREFIX = 'x-';

/** The whole document (version 1), for editors. */
export const mappingDocumentSchema = z
  .strictObject({
    version: z.literal(MAPPING_DOCUMENT_VERSION).describe('Mapping language version.'),
    description: descriptionSchema.optional(),
    objects: z
      .array(z.string())
      .optional()
      .describe('DDF XML files of custom LwM2M objects, relative to this file.'),
    defaults: reportingDefaultsSchema.optional(),
    templates: z
      .record(z.string().regex(new RegExp(TEMPLATE_NAME_PATTERN)), templateSchema)
      .optional()
      .describe('Device types, by name.'),
    devices: z.array(deviceEntrySchema).min(1).describe('The devices to expose over LwM2M.'),
  })
  .describe('lwm2m-adapters mapping: binds device points to LwM2M /object/instance/resource paths.');
