import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  MessageSecurityMode,
  type OPCUAClientOptions,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua-client';
import { effectiveSecurityMode, type OpcuaConnection } from '../config/connection-schema.js';

/** The client PKI of one session: the configured folder, or a temporary one removed at close. */
export interface ClientPki {
  readonly folder: string;
  readonly manager: OPCUACertificateManager;
  dispose(): Promise<void>;
}

export async function openClientPki(connection: OpcuaConnection): Promise<ClientPki> {
  const temporary = connection.pkiFolder === undefined;
  const folder = connection.pkiFolder ?? (await mkdtemp(join(tmpdir(), 'lwm2m-opcua-pki-')));
  const manager = new OPCUACertificateManager({
    rootFolder: folder,
    automaticallyAcceptUnknownCertificate: connection.trustUnknownServerCertificate,
    name: 'PKI',
  });
  await manager.initialize();
  return {
    folder,
    manager,
    async dispose() {
      await manager.dispose();
      if (temporary) await rm(folder, { recursive: true, force: true });
    },
  };
}

const POLICY = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
} as const;

const MODE = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
} as const;

/**
 * node-opcua client options for one connection: its security, the PKI, a connection strategy
 * with no retry of its own (the session drives reconnection with capped backoff), and bounded
 * transport and request timeouts.
 */
export function clientOptionsOf(connection: OpcuaConnection, pki: ClientPki): OPCUAClientOptions {
  return {
    applicationName: connection.applicationName,
    securityPolicy: POLICY[connection.securityPolicy],
    securityMode: MODE[effectiveSecurityMode(connection)],
    endpointMustExist: false,
    clientCertificateManager: pki.manager,
    ...(connection.clientCertificateFile === undefined
      ? {}
      : {
          certificateFile: connection.clientCertificateFile,
          privateKeyFile: connection.clientPrivateKeyFile ?? connection.clientCertificateFile,
        }),
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    transportTimeout: connection.connectTimeoutMs,
    defaultTransactionTimeout: connection.requestTimeoutMs,
    requestedSessionTimeout: connection.sessionTimeoutMs,
    keepSessionAlive: false,
  };
}

/** The user identity token of a connection (a certificate user's files are read here). */
export async function userIdentityOf(connection: OpcuaConnection): Promise<UserIdentityInfo> {
  const user = connection.user;
  switch (user.type) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username':
      return { type: UserTokenType.UserName, userName: user.username, password: user.password };
    case 'certificate': {
      const certificate = await readFile(user.certificateFile);
      const der = certificate.toString('latin1').includes('-----BEGIN')
        ? Buffer.from(
            certificate
              .toString('utf8')
              .replace(/-----[^-]+-----/g, '')
              .replace(/\s+/g, ''),
            'base64',
          )
        : certificate;
      const privateKey = await readFile(user.privateKeyFile, 'utf8');
      return {
        type: UserTokenType.Certificate,
        certificateData: der,
        privateKey: privateKey as unknown as never,
      } as UserIdentityInfo;
    }
  }
}

/** The newest file in `<pki>/rejected/` (where node-opcua puts a server certificate it did not trust). */
export async function newestRejectedCertificate(pki: ClientPki): Promise<string | undefined> {
  const dir = join(pki.folder, 'rejected');
  try {
    const files = await readdir(dir);
    let best: { file: string; time: number } | undefined;
    for (const file of files) {
      const s = await stat(join(dir, file));
      if (s.isFile() && (best === undefined || s.mtimeMs > best.time)) best = { file, time: s.mtimeMs };
    }
    return best === undefined ? undefined : join(dir, best.file);
  } catch {
    return undefined;
  }
}
