/**
 * The OPC UA simulator's configuration (YAML file or object), validated with zod. Nodes are named
 * as a mapping names them (`node: ns=2;s=Boiler1.Temperature` or `node: /2:Boiler1/2:Temperature`),
 * so a configuration and a mapping can be read side by side.
 */
import { signalSchema, signalValueSchema } from '@lwm2m-adapters/sdk/simulation';
import { z } from 'zod';
import { OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES } from '../../config/connection-schema.js';
import { nodeReferenceSchema, OPCUA_DATA_TYPES } from '../../config/point-schema.js';

/** Bad status codes a fault may answer with (reads and/or writes of chosen nodes). */
export const SIMULATED_BAD_STATUSES = [
  'BadDeviceFailure',
  'BadNodeIdUnknown',
  'BadCommunicationError',
  'BadSensorFailure',
  'BadOutOfService',
  'BadUserAccessDenied',
  'BadNotReadable',
  'BadNotWritable',
  'BadOutOfRange',
  'BadTypeMismatch',
  'BadInternalError',
] as const;
export type SimulatedBadStatus = (typeof SIMULATED_BAD_STATUSES)[number];

/** An initial value: a scalar (bigint or decimal string for 64-bit integers, ISO text for DateTime, base64 for ByteString) or an array of them. */
export const initialValueSchema = z.union([signalValueSchema, z.array(signalValueSchema)]);

export const variableSchema = z.strictObject({
  /** Where the variable is: a NodeId (placed under Objects unless `path` says where) or a browse path from Objects. */
  node: nodeReferenceSchema,
  /** With a NodeId `node`: the browse path it is found at (intermediate objects are created). */
  path: nodeReferenceSchema.optional(),
  type: z.enum(OPCUA_DATA_TYPES),
  array: z.boolean().default(false),
  writable: z.boolean().default(true),
  value: initialValueSchema.optional(),
  signal: signalSchema.optional(),
  /** EngineeringUnits property (an EUInformation with this display name, e.g. `°C`). */
  engineeringUnits: z.string().min(1).max(64).optional(),
  description: z.string().max(1024).optional(),
});

export const methodArgumentSchema = z.strictObject({
  name: z.string().min(1).max(256),
  type: z.enum(OPCUA_DATA_TYPES),
});

/** What a method does when called. */
export const methodBehaviourSchema = z.discriminatedUnion('kind', [
  /** Returns its inputs as outputs (outputs default to the inputs' declaration). */
  z.strictObject({ kind: z.literal('echo') }),
  /** Sets the target variable to its first input argument. */
  z.strictObject({ kind: z.literal('set'), target: nodeReferenceSchema }),
  /** Sets the target variable back to its initial value (or `value`). */
  z.strictObject({
    kind: z.literal('reset'),
    target: nodeReferenceSchema,
    value: initialValueSchema.optional(),
  }),
  /** Does nothing but count the call. */
  z.strictObject({ kind: z.literal('none') }),
]);

export const methodSchema = z.strictObject({
  /** The object the method belongs to (created when no variable path made it). */
  object: nodeReferenceSchema,
  /** The method: a NodeId, or a browse path whose last segment is its browse name. */
  method: nodeReferenceSchema,
  inputs: z.array(methodArgumentSchema).max(32).default([]),
  outputs: z.array(methodArgumentSchema).max(32).optional(),
  behaviour: methodBehaviourSchema.default({ kind: 'none' }),
});

export const badStatusFaultSchema = z.strictObject({
  node: nodeReferenceSchema,
  status: z.enum(SIMULATED_BAD_STATUSES).default('BadDeviceFailure'),
  on: z.enum(['read', 'write', 'both']).default('both'),
});

export const securitySchema = z.strictObject({
  policies: z
    .array(z.enum(OPCUA_SECURITY_POLICIES))
    .min(1)
    .default([...OPCUA_SECURITY_POLICIES]),
  modes: z
    .array(z.enum(OPCUA_SECURITY_MODES))
    .min(1)
    .default([...OPCUA_SECURITY_MODES]),
  allowAnonymous: z.boolean().default(true),
  users: z.array(z.strictObject({ username: z.string().min(1), password: z.string() })).default([]),
  /** Accept every client certificate (default); false: only those in pkiFolder/trusted. */
  trustAllClients: z.boolean().default(true),
  /** The server PKI; default a temporary folder removed at close. Never the home folder. */
  pkiFolder: z.string().min(1).optional(),
});

export const simulatorConfigSchema = z.strictObject({
  /** TCP port on 127.0.0.1; 0: a free ephemeral port (kept across restarts). */
  port: z.int().min(0).max(65535).default(0),
  /** Host to bind (default 127.0.0.1). */
  host: z.string().min(1).default('127.0.0.1'),
  /** Seed of every random-walk signal without its own. */
  seed: z.int().default(1),
  tickMs: z.int().min(1).max(3_600_000).default(100),
  /** Namespace URIs registered from index 2 on, in order. */
  namespaces: z.array(z.string().min(1)).default([]),
  security: securitySchema.default({
    policies: [...OPCUA_SECURITY_POLICIES],
    modes: [...OPCUA_SECURITY_MODES],
    allowAnonymous: true,
    users: [],
    trustAllClients: true,
  }),
  variables: z.array(variableSchema).default([]),
  methods: z.array(methodSchema).default([]),
  faults: z
    .strictObject({
      badStatus: z.array(badStatusFaultSchema).default([]),
      delayMs: z.int().min(0).max(600_000).default(0),
    })
    .default({ badStatus: [], delayMs: 0 }),
});

export type OpcuaSimulatorConfig = z.output<typeof simulatorConfigSchema>;
export type OpcuaSimulatorConfigInput = z.input<typeof simulatorConfigSchema>;
export type SimulatedVariable = z.output<typeof variableSchema>;
export type SimulatedMethod = z.output<typeof methodSchema>;
export type SimulatedMethodArgument = z.output<typeof methodArgumentSchema>;
export type InitialValue = z.output<typeof initialValueSchema>;
export type BadStatusFault = z.output<typeof badStatusFaultSchema>;
