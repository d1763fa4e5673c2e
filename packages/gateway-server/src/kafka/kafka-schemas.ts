/**
 * JSON Schemas (draft 2020-12) of the records on each topic of the Kafka bridge, version 1 (the
 * records' `v`). A new version gets a new $id; a consumer checks `v`. Shipped with the package
 * (`kafkaRecordSchemas`) and documented in the README; the tests validate every record they see.
 */

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const isoTime = { type: 'string', format: 'date-time' } as const;
const scalar = { type: ['string', 'number', 'boolean', 'null'] } as const;
const error = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
  additionalProperties: false,
} as const;
const objectJson = {
  type: 'object',
  required: ['id', 'version', 'instances'],
  properties: {
    id: { type: 'integer' },
    version: nullable({ type: 'string' }),
    instances: { type: 'array', items: { type: 'integer' } },
  },
} as const;
const base = {
  v: { const: 1 },
  serverId: { type: 'string', minLength: 1 },
  runId: { type: 'string', minLength: 1 },
  key: { type: 'string', minLength: 1 },
  seq: { type: 'integer', minimum: 1 },
} as const;
const baseRequired = ['v', 'serverId', 'runId', 'key', 'seq'] as const;

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const ID = 'https://github.com/lwm2m-adapters/lwm2m-adapters/schemas/kafka';

export const registrationRecordSchema = {
  $schema: SCHEMA,
  $id: `${ID}/registration.v1.json`,
  title: 'iot.<serverId>.registrations record, v1',
  type: 'object',
  required: [
    ...baseRequired,
    'event',
    'endpoint',
    'registrationId',
    'deviceId',
    'prefix',
    'time',
    'client',
    'child',
    'reason',
  ],
  properties: {
    ...base,
    event: { enum: ['register', 'update', 'deregister', 'expired'] },
    endpoint: { type: 'string', minLength: 1 },
    registrationId: { type: 'string' },
    deviceId: nullable({ type: 'string' }),
    prefix: nullable({ type: 'string' }),
    time: isoTime,
    client: nullable({
      type: 'object',
      required: [
        'endpoint',
        'registrationId',
        'lifetime',
        'lwm2mVersion',
        'binding',
        'queueMode',
        'address',
        'objects',
      ],
      properties: {
        endpoint: { type: 'string' },
        registrationId: { type: 'string' },
        lifetime: { type: 'number' },
        lwm2mVersion: { type: 'string' },
        binding: { type: 'string' },
        queueMode: { type: 'boolean' },
        address: { type: 'string' },
        objects: { type: 'array', items: objectJson },
      },
    }),
    child: nullable({
      type: 'object',
      required: [
        'deviceId',
        'prefix',
        'gatewayEndpoint',
        'gatewayRegistrationId',
        'gatewayInstanceId',
        'objects',
      ],
      properties: {
        deviceId: { type: 'string' },
        prefix: { type: 'string' },
        gatewayEndpoint: { type: 'string' },
        gatewayRegistrationId: { type: 'string' },
        gatewayInstanceId: { type: 'integer' },
        objects: { type: 'array', items: objectJson },
      },
    }),
    reason: nullable({ type: 'string' }),
  },
  additionalProperties: false,
} as const;

export const observationRecordSchema = {
  $schema: SCHEMA,
  $id: `${ID}/observation.v1.json`,
  title: 'iot.<serverId>.observations record, v1 (one value)',
  type: 'object',
  required: [
    ...baseRequired,
    'source',
    'endpoint',
    'registrationId',
    'deviceId',
    'prefix',
    'path',
    'type',
    'value',
    'clientTime',
    'receivedAt',
    'observe',
  ],
  properties: {
    ...base,
    source: { enum: ['notification', 'compositeNotification', 'send'] },
    endpoint: { type: 'string', minLength: 1 },
    registrationId: { type: 'string' },
    deviceId: nullable({ type: 'string' }),
    prefix: nullable({ type: 'string' }),
    path: { type: 'string', pattern: '^/' },
    type: {
      enum: [
        'string',
        'integer',
        'unsignedInteger',
        'float',
        'boolean',
        'opaque',
        'time',
        'objlnk',
        'corelnk',
        'none',
      ],
    },
    value: scalar,
    clientTime: nullable(isoTime),
    receivedAt: isoTime,
    observe: nullable({ type: 'integer' }),
  },
  additionalProperties: false,
} as const;

const kinds = [
  'read',
  'write',
  'writeAttributes',
  'execute',
  'discover',
  'observe',
  'observeCancel',
  'create',
  'delete',
  'readComposite',
  'writeComposite',
] as const;

export const managementRequestRecordSchema = {
  $schema: SCHEMA,
  $id: `${ID}/management-request.v1.json`,
  title: 'iot.<serverId>.management.req record, v1',
  type: 'object',
  required: ['serverId', 'ep', 'ticket', 'kind', 'path'],
  properties: {
    serverId: { type: 'string', minLength: 1 },
    ep: { type: 'string', minLength: 1, maxLength: 255 },
    ticket: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\r\\n]+$' },
    kind: { enum: kinds },
    path: { type: 'string', minLength: 1 },
    contentFormat: { type: ['integer', 'string'] },
    body: {},
    timeoutMs: { type: 'integer', minimum: 1, maximum: 300000 },
  },
  additionalProperties: false,
} as const;

export const managementReplyRecordSchema = {
  $schema: SCHEMA,
  $id: `${ID}/management-reply.v1.json`,
  title: 'iot.<serverId>.management.rep record, v1',
  type: 'object',
  required: [
    'v',
    'serverId',
    'ticket',
    'ep',
    'kind',
    'path',
    'code',
    'success',
    'result',
    'error',
    'answeredAt',
  ],
  properties: {
    v: { const: 1 },
    serverId: { type: 'string' },
    ticket: nullable({ type: 'string' }),
    ep: nullable({ type: 'string' }),
    kind: nullable({ type: 'string' }),
    path: nullable({ type: 'string' }),
    code: nullable({ type: 'string', pattern: '^[245]\\.\\d\\d$' }),
    success: { type: 'boolean' },
    result: nullable({ type: 'object' }),
    error: nullable(error),
    answeredAt: isoTime,
  },
  additionalProperties: false,
} as const;

/** The schema of each topic kind. */
export const kafkaRecordSchemas = {
  registrations: registrationRecordSchema,
  observations: observationRecordSchema,
  'management.req': managementRequestRecordSchema,
  'management.rep': managementReplyRecordSchema,
} as const;
