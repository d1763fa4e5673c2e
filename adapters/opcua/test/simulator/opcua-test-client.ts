/** A node-opcua client for the simulator tests: PKI in a temp folder, no endless retries. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  type ClientSession,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua-client';

export interface TestClient extends AsyncDisposable {
  readonly client: OPCUAClient;
  readonly session: ClientSession;
  close(): Promise<void>;
}

export interface TestClientOptions {
  readonly policy?: keyof typeof SecurityPolicy;
  readonly mode?: keyof typeof MessageSecurityMode;
  readonly username?: string;
  readonly password?: string;
  readonly requestTimeoutMs?: number;
}

export async function connectTestClient(
  endpointUrl: string,
  options: TestClientOptions = {},
): Promise<TestClient> {
  const pki = await mkdtemp(join(tmpdir(), 'opcua-test-client-'));
  const client = OPCUAClient.create({
    applicationName: 'simulator-test-client',
    endpointMustExist: false,
    securityPolicy: SecurityPolicy[options.policy ?? 'None'],
    securityMode: MessageSecurityMode[options.mode ?? 'None'],
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: pki,
      automaticallyAcceptUnknownCertificate: true,
    }),
    requestedSessionTimeout: 20_000,
    defaultTransactionTimeout: options.requestTimeoutMs ?? 5000,
  });
  const close = async () => {
    await client.disconnect().catch(() => {});
    await rm(pki, { recursive: true, force: true });
  };
  try {
    await client.connect(endpointUrl);
    const identity: UserIdentityInfo =
      options.username === undefined
        ? { type: UserTokenType.Anonymous }
        : { type: UserTokenType.UserName, userName: options.username, password: options.password ?? '' };
    const session = await client.createSession(identity);
    return { client, session, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await close();
    throw error;
  }
}
