import { reconnectBackoffSchema } from '@lwm2m-adapters/sdk';
import { z } from 'zod';

/** Security policies the adapter offers (OPC UA Part 7 profiles). */
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep'] as const;
export type OpcuaSecurityPolicy = (typeof OPCUA_SECURITY_POLICIES)[number];

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type OpcuaSecurityMode = (typeof OPCUA_SECURITY_MODES)[number];

const userSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('anonymous') }).strict(),
    z
      .object({
        type: z.literal('username'),
        username: z.string().min(1).max(256).describe('User name of the UserNameIdentityToken'),
        password: z.string().max(1024).describe('Password (a secret: never printed or logged)'),
      })
      .strict(),
    z
      .object({
        type: z.literal('certificate'),
        certificateFile: z
          .string()
          .min(1)
          .describe('PEM or DER file of the user certificate (X509IdentityToken)'),
        privateKeyFile: z.string().min(1).describe('PEM file of the user certificate private key'),
      })
      .strict(),
  ])
  .describe('User identity token: anonymous (default), username with password, or an X.509 certificate');

/**
 * How to reach one OPC UA server and who to be there. Defaults fit a server on the plant network
 * with no security; secured connections need a PKI folder for the client's own certificate and the
 * trusted server certificates.
 */
export const opcuaConnectionSchema = z
  .object({
    endpoint: z
      .string()
      .regex(
        /^opc\.tcp:\/\/[^/\s:]+(:\d{1,5})?(\/\S*)?$/,
        'an endpoint URL such as opc.tcp://192.168.1.10:4840',
      )
      .describe('Endpoint URL of the server, e.g. opc.tcp://plc.local:4840'),
    securityPolicy: z
      .enum(OPCUA_SECURITY_POLICIES)
      .default('None')
      .describe('Security policy: None, Basic256Sha256 or Aes128_Sha256_RsaOaep'),
    securityMode: z
      .enum(OPCUA_SECURITY_MODES)
      .optional()
      .describe(
        'Message security mode: None (only with policy None), Sign or SignAndEncrypt. Default: None with policy None, else SignAndEncrypt',
      ),
    user: userSchema.default({ type: 'anonymous' }),
    pkiFolder: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Folder of the client PKI (own certificate and key, trusted/ and rejected/ server certificates). Required with a security policy other than None; without one, a temporary folder is used and removed at close. Nothing is written under the home folder',
      ),
    clientCertificateFile: z
      .string()
      .min(1)
      .optional()
      .describe('The client application certificate (PEM); default: one made and kept in pkiFolder/own/'),
    clientPrivateKeyFile: z
      .string()
      .min(1)
      .optional()
      .describe('Private key of clientCertificateFile (PEM); required with it'),
    trustUnknownServerCertificate: z
      .boolean()
      .default(false)
      .describe(
        'Trust a server certificate not yet in pkiFolder/trusted/ (it is copied there on first connect). Off by default: copy the server certificate from pkiFolder/rejected/ to pkiFolder/trusted/ instead',
      ),
    applicationName: z
      .string()
      .min(1)
      .max(256)
      .default('lwm2m-adapters')
      .describe('Application name the client presents (and puts in its certificate)'),
    connectTimeoutMs: z
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe(
        'Time to open the secure channel and activate the session; then the attempt fails and is retried',
      ),
    requestTimeoutMs: z
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('Time a read, write or call may wait for its response; then it fails with DEVICE_TIMEOUT'),
    sessionTimeoutMs: z
      .int()
      .min(1000)
      .max(3_600_000)
      .default(60_000)
      .describe('Session timeout requested from the server'),
    keepAliveIntervalMs: z
      .int()
      .min(100)
      .max(600_000)
      .default(5000)
      .describe('How often a silent server is checked; a server that does not answer is reconnected'),
    publishingIntervalMs: z
      .int()
      .min(10)
      .max(600_000)
      .default(250)
      .describe(
        'Publishing interval of the device subscription: how often the server sends collected changes',
      ),
    reconnect: reconnectBackoffSchema
      .default({ initialMs: 500, maxMs: 4_000 })
      .describe(
        'Backoff between connection attempts (bounded; never a retry storm). The default (0.5 s doubling up to 4 s) serves a server again within 5 s of its return',
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    const mode = c.securityMode ?? (c.securityPolicy === 'None' ? 'None' : 'SignAndEncrypt');
    if ((c.securityPolicy === 'None') !== (mode === 'None'))
      ctx.addIssue({
        code: 'custom',
        path: ['securityMode'],
        message:
          c.securityPolicy === 'None'
            ? 'securityMode must be None when securityPolicy is None (choose a policy such as Basic256Sha256 for Sign or SignAndEncrypt)'
            : `securityMode must be Sign or SignAndEncrypt with securityPolicy ${c.securityPolicy}`,
      });
    if (c.securityPolicy !== 'None' && c.pkiFolder === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['pkiFolder'],
        message: `securityPolicy ${c.securityPolicy} needs pkiFolder: the folder that holds the client certificate and the trusted server certificates`,
      });
    if ((c.clientCertificateFile === undefined) !== (c.clientPrivateKeyFile === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [c.clientCertificateFile === undefined ? 'clientCertificateFile' : 'clientPrivateKeyFile'],
        message: 'clientCertificateFile and clientPrivateKeyFile go together',
      });
  });

export type OpcuaConnection = z.output<typeof opcuaConnectionSchema>;

/** The effective security mode of a validated connection. */
export function effectiveSecurityMode(connection: OpcuaConnection): OpcuaSecurityMode {
  return connection.securityMode ?? (connection.securityPolicy === 'None' ? 'None' : 'SignAndEncrypt');
}
