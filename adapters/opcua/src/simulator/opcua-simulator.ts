/**
 * An OPC UA server for tests, demos and `adapter-host simulate`, on node-opcua-server: the
 * configured variables (every supported type, signals, writable or not) and methods, the security
 * policies and user tokens of the adapter, and fault injection (restart on the same port with the
 * same values, Bad status on chosen variables, slow responses, dropped connections). Binds
 * 127.0.0.1 by default; its PKI lives in a temporary folder (removed at close) unless given one.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@lwm2m-adapters/errors';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import { OPCUAServer } from 'node-opcua-server';
import {
  type BuiltAddressSpace,
  buildAddressSpace,
  type RecordedCall,
} from './address-space/build-address-space.js';
import { parseOpcuaSimulatorConfig } from './config/load-simulator-config.js';
import type {
  OpcuaSimulatorConfig,
  OpcuaSimulatorConfigInput,
  SimulatedBadStatus,
} from './config/simulator-config-schema.js';
import { type FaultOperation, SimulatorFaults } from './simulator-faults.js';
import {
  coerceVariantValue,
  defaultScalar,
  type LooseScalar,
  type PlainScalar,
  toPlain,
} from './values/simulated-value.js';
import { ValueStore } from './values/value-store.js';

export interface OpcuaSimulatorOptions {
  /** Overrides the configuration's port (0: a free ephemeral port, kept across restarts). */
  readonly port?: number;
  /** Values a variable (by its config `node` text) may take: signals snap to them. */
  readonly allowedValues?: ReadonlyMap<string, readonly LooseScalar[]>;
  /** Most calls kept by `calls` (oldest dropped). */
  readonly maxRecordedCalls?: number;
}

type State = 'new' | 'starting' | 'running' | 'closed';

export class OpcuaSimulator implements AsyncDisposable {
  readonly config: OpcuaSimulatorConfig;
  private readonly store: ValueStore;
  private readonly faults = new SimulatorFaults();
  private readonly recorded: RecordedCall[] = [];
  private readonly maxCalls: number;
  private state: State = 'new';
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private server: OPCUAServer | undefined;
  private built: BuiltAddressSpace | undefined;
  private boundPort: number;
  private pki: string | undefined;
  private ownsPki = false;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(config: OpcuaSimulatorConfigInput | OpcuaSimulatorConfig, options: OpcuaSimulatorOptions = {}) {
    this.config = parseOpcuaSimulatorConfig(config);
    this.boundPort = options.port ?? this.config.port;
    this.maxCalls = options.maxRecordedCalls ?? 1000;
    this.store = new ValueStore(this.config.seed);
    for (const v of this.config.variables) {
      const initial = coerceVariantValue(v.type, v.array, v.value ?? (v.array ? [] : defaultScalar(v.type)));
      this.store.add(v.node, {
        type: v.type,
        array: v.array,
        initial,
        signal: v.signal,
        allowed: options.allowedValues?.get(v.node),
      });
    }
    this.store.tick(0);
    for (const f of this.config.faults.badStatus)
      this.faults.setBadStatus(this.keyOf(f.node), f.status, f.on);
    this.faults.delayMs = this.config.faults.delayMs;
  }

  /** Starts listening; idempotent (a second call waits for the first). */
  start(): Promise<void> {
    if (this.state === 'closed')
      return Promise.reject(new CodedError('OPERATION_NOT_ALLOWED', 'the OPC UA simulator is closed'));
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    this.state = 'starting';
    try {
      if (this.config.security.pkiFolder !== undefined) {
        this.pki = this.config.security.pkiFolder;
        await mkdir(this.pki, { recursive: true });
      } else {
        this.pki = await mkdtemp(join(tmpdir(), 'opcua-simulator-pki-'));
        this.ownsPki = true;
      }
      if (this.boundPort === 0) this.boundPort = await freePort(this.config.host);
      await this.startServer();
      this.startedAt = Date.now();
      this.timer = setInterval(() => this.store.tick(Date.now() - this.startedAt), this.config.tickMs);
      this.timer.unref();
      this.state = 'running';
    } catch (error) {
      await this.release();
      throw new CodedError('DEVICE_UNREACHABLE', `the OPC UA simulator cannot start: ${String(error)}`, {
        cause: error,
        details: { port: this.boundPort },
      });
    }
  }

  private async startServer(): Promise<void> {
    const pki = this.pki as string;
    const security = this.config.security;
    const server = new OPCUAServer({
      port: this.boundPort,
      host: this.config.host,
      hostname: this.config.host,
      serverCertificateManager: new OPCUACertificateManager({
        rootFolder: join(pki, 'server'),
        automaticallyAcceptUnknownCertificate: security.trustAllClients,
      }),
      userCertificateManager: new OPCUACertificateManager({
        rootFolder: join(pki, 'user'),
        automaticallyAcceptUnknownCertificate: security.trustAllClients,
      }),
      securityPolicies: security.policies.map((p) => SecurityPolicy[p]),
      securityModes: security.modes.map((m) => MessageSecurityMode[m]),
      allowAnonymous: security.allowAnonymous,
      userManager: {
        isValidUser: (username: string, password: string) =>
          security.users.some((u) => u.username === username && u.password === password),
      },
      serverInfo: {
        applicationUri: 'urn:lwm2m-adapters:opcua-simulator',
        productUri: 'urn:lwm2m-adapters:opcua-simulator',
        applicationName: { text: 'lwm2m-adapters OPC UA simulator' },
      },
      buildInfo: { productName: 'lwm2m-adapters OPC UA simulator' },
      disableDiscovery: true,
    });
    this.server = server;
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (addressSpace === null || addressSpace === undefined)
      throw new Error('node-opcua built no address space');
    this.built = buildAddressSpace(addressSpace, {
      config: this.config,
      store: this.store,
      faults: this.faults,
      onCall: (call) => {
        this.recorded.push(call);
        if (this.recorded.length > this.maxCalls) this.recorded.shift();
      },
    });
    this.installDelay(server);
    await server.start();
  }

  /** Handles every service request `faults.delayMs` late (the slow-responses fault). */
  private installDelay(server: OPCUAServer): void {
    const target = server as unknown as { on_request: (message: unknown, channel: unknown) => void };
    const original = target.on_request.bind(server);
    target.on_request = (message, channel) => {
      const delay = this.faults.delayMs;
      if (delay === 0) original(message, channel);
      else setTimeout(() => original(message, channel), delay);
    };
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await server.shutdown(0);
    await server.dispose?.();
  }

  /** Stops; idempotent. Removes the PKI folder it made. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => {});
      await this.release();
    })();
    return this.closing;
  }

  private async release(): Promise<void> {
    this.state = 'closed';
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.stopServer();
    if (this.ownsPki && this.pki !== undefined) await rm(this.pki, { recursive: true, force: true });
    this.ownsPki = false;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private requireRunning(): void {
    if (this.state !== 'running')
      throw new CodedError('OPERATION_NOT_ALLOWED', `the OPC UA simulator is ${this.state}`);
  }

  get port(): number {
    return this.boundPort;
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.config.host}:${this.boundPort}`;
  }

  /** The server PKI folder (its certificate is in server/own/certs/certificate.pem). */
  get pkiFolder(): string | undefined {
    return this.pki;
  }

  get serverCertificateFile(): string | undefined {
    return this.pki === undefined ? undefined : join(this.pki, 'server', 'own', 'certs', 'certificate.pem');
  }

  /** Namespace URIs by index, as the server's NamespaceArray lists them. */
  get namespaces(): readonly string[] {
    return this.built?.namespaces ?? [];
  }

  private keyOf(node: string): string {
    const key = this.built?.aliases.get(node) ?? (this.store.has(node) ? node : undefined);
    if (key === undefined) {
      const byPath = this.config.variables.find((v) => v.path === node);
      if (byPath !== undefined) return byPath.node;
      throw new CodedError('CONFIG_INVALID', `${node} names no simulated variable`, { details: { node } });
    }
    return key;
  }

  /** The current value of a variable (bigint for 64-bit integers, Uint8Array for ByteString). */
  value(node: string): PlainScalar | PlainScalar[] {
    const key = this.keyOf(node);
    const stored = this.store.get(key);
    if (stored === undefined) throw new CodedError('CONFIG_INVALID', `${node} names no simulated variable`);
    return toPlain(stored.type, stored.value);
  }

  /** Sets a variable as the plant would (it leaves its signal). */
  setValue(node: string, value: LooseScalar | readonly LooseScalar[]): void {
    this.store.set(this.keyOf(node), value, true);
  }

  /** Method calls so far, oldest first. */
  calls(): readonly RecordedCall[] {
    return [...this.recorded];
  }

  /** Reads and/or writes of this variable answer `status` until cleared. */
  setBadStatus(
    node: string,
    status: SimulatedBadStatus = 'BadDeviceFailure',
    on: FaultOperation = 'both',
  ): void {
    this.faults.setBadStatus(this.keyOf(node), status, on);
  }

  clearBadStatus(node?: string): void {
    this.faults.clearBadStatus(node === undefined ? undefined : this.keyOf(node));
  }

  /** Every service request is handled `ms` late (0: no delay). */
  setResponseDelay(ms: number): void {
    this.faults.delayMs = ms;
  }

  /** Destroys every client connection; the server stays up and accepts new ones. Returns how many. */
  dropConnections(): number {
    this.requireRunning();
    let dropped = 0;
    for (const endpoint of this.server?.endpoints ?? []) {
      for (const channel of endpoint.getChannels()) {
        // Terminates the TCP connection without a CloseSecureChannel: what a network cut looks like.
        channel.close();
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Stops the server (clients see the connection go) and starts it again on the same port with
   * the same address space and values, after `downMs`.
   */
  async restart(downMs = 0): Promise<void> {
    this.requireRunning();
    this.state = 'starting';
    try {
      await this.stopServer();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await this.startServer();
      this.state = 'running';
    } catch (error) {
      this.state = 'running';
      throw new CodedError('DEVICE_UNREACHABLE', `the OPC UA simulator cannot restart: ${String(error)}`, {
        cause: error,
      });
    }
  }
}

/** A free TCP port on `host` (asked of the OS, then released for the server to take). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
