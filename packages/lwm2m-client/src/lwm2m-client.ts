import type { CoapIncomingRequest, CoapOutgoingResponse, PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import {
  type Clock,
  type EventLogger,
  ListenerSet,
  silentEventLogger,
  systemClock,
} from '@lwm2m-adapters/kit';
import {
  ContentFormat,
  type LwM2mCodecsOptions,
  LwM2mPath,
  type ObjectModel,
} from '@lwm2m-adapters/lwm2m-core';
import type { LwM2mCoapLink } from './link/coap-link.js';
import {
  ClientDataModel,
  type DataModelChange,
  type EndDevice,
  type EndDeviceOptions,
} from './objects/client-data-model.js';
import type { ClientObjectTree } from './objects/client-object-tree.js';
import { type DeviceInfo, deviceInstance } from './objects/device-object.js';
import { type SecurityInfo, securityInstance } from './objects/security-object.js';
import { serverInstance } from './objects/server-object.js';
import { AttributeStore } from './observe/attribute-store.js';
import type { NotificationPolicyOptions } from './observe/notification-policy.js';
import type { ObservationAttributes } from './observe/observation-attributes.js';
import {
  ObservationManager,
  type ObservationStats,
  type ObservationSummary,
  type SamplingEntry,
} from './observe/observation-manager.js';
import { DeviceManagementHandler } from './operations/device-management-handler.js';
import type { RequestStats } from './operations/refusal-log.js';
import { registrationPayload } from './registration/registration-links.js';
import {
  RegistrationManager,
  type RegistrationState,
  type RegistrationStateChange,
  type RegistrationTimingOptions,
} from './registration/registration-manager.js';
import { ServerAccount, type ServerSettings } from './registration/server-account.js';
import { type SendEntry, type SendOptions, SendReporter, type SendResult } from './send/send-reporter.js';

/** The server the client registers with. */
export interface ClientServerOptions extends ServerSettings {
  readonly peer: PeerAddress;
  /** /0 Security content (URI, mode, PSK identity and key); never readable by the server. */
  readonly security?: SecurityInfo;
}

export interface ClientLimits {
  /** Observations kept; more are refused with 5.03. Default 256. */
  readonly maxObservations?: number;
  /** Paths that may carry attributes. Default 4096. */
  readonly maxAttributePaths?: number;
  /** Paths or values in one composite request. Default 256. */
  readonly maxCompositePaths?: number;
  /** Entries per Send message. Default 256. */
  readonly maxSendEntriesPerMessage?: number;
}

export interface LwM2mClientOptions {
  /** Endpoint client name (`ep`), e.g. `urn:dev:ops:ACME-GW-0001`. */
  readonly endpointName: string;
  readonly server: ClientServerOptions;
  /** Object definitions (e.g. `ObjectRegistry.withOmaObjects()` plus vendor DDFs). */
  readonly registry: ObjectModel;
  readonly link: LwM2mCoapLink;
  /** Default: the system clock. Tests pass a fake one. */
  readonly clock?: Clock;
  /** The client's own /3 Device. */
  readonly device?: DeviceInfo;
  /** Act as an LwM2M Gateway: declare /25 and accept end devices. Default false. */
  readonly gateway?: boolean;
  readonly codecs?: LwM2mCodecsOptions;
  /** Content formats the client prefers, most preferred first. Default [110, 112, 11542]. */
  readonly contentFormats?: readonly number[];
  /**
   * How the root link's `ct` announces them. 'preferred' (default): the first one alone, unquoted
   * (`ct=110`), which LwM2M 1.1 servers parse as one Content-Format. 'list': all of them quoted
   * (`ct="110 112 11542"`), the LwM2M 1.2 form, which a strict 1.1 server answers with 4.00.
   */
  readonly announcedContentFormats?: AnnouncedContentFormats;
  readonly notifications?: NotificationPolicyOptions;
  readonly registration?: RegistrationTimingOptions;
  readonly limits?: ClientLimits;
  /** [0, 1) source for backoff jitter. Default Math.random. */
  readonly random?: () => number;
  /**
   * Answer device-management requests from any address, not only from the registered server's
   * address and port. Default false: over NoSec UDP anyone who can reach the socket could
   * otherwise read, write and execute. For tests and trusted debugging only.
   */
  readonly acceptRequestsFromAnyPeer?: boolean;
  readonly log?: EventLogger;
}

/** Events a host can listen to. */
export interface LwM2mClientEvents {
  /** Registration state changed ('registered', 'backoff' with the error...). */
  readonly state: RegistrationStateChange;
  /** A Register succeeded; observations from before are void. */
  readonly registered: { readonly location: readonly string[] };
  /**
   * Observed paths or their attributes changed: the host adapts its polling. Emitted once per burst
   * (on a zero-delay timer after the requests that arrived together), with the whole plan.
   */
  readonly sampling: readonly SamplingEntry[];
  /** An object, instance or end device came or went. */
  readonly structure: DataModelChange;
}

/** How the Register's root link announces content formats (see `announcedContentFormats`). */
export type AnnouncedContentFormats = 'preferred' | 'list';

export const DEFAULT_CONTENT_FORMATS: readonly number[] = [
  ContentFormat.SENML_JSON,
  ContentFormat.SENML_CBOR,
  ContentFormat.TLV,
];

type EventListeners = { readonly [K in keyof LwM2mClientEvents]: ListenerSet<LwM2mClientEvents[K]> };

/**
 * An LwM2M 1.1 client (or LwM2M Gateway) over a socket-free CoAP link: registers, answers DM
 * requests, keeps observations, sends notifications and Send batches. `objects` is the client's
 * own tree (/0, /1, /3 and, as a gateway, /25 are provided); end devices get trees of their own.
 *
 *   const client = new LwM2mClient({ endpointName, server: { peer, shortServerId: 1 }, registry, link, clock });
 *   client.objects.defineObject(3303, { instances: { 0: { 5700: { read: () => sensor.value }, 5701: 'Cel' } } });
 *   client.start();
 *   ...
 *   await client.close(); // De-register
 */
export class LwM2mClient {
  readonly endpointName: string;
  readonly #clock: Clock;
  readonly #link: LwM2mCoapLink;
  readonly #log: EventLogger;
  readonly #account: ServerAccount;
  readonly #data: ClientDataModel;
  readonly #attributes: AttributeStore;
  readonly #observations: ObservationManager;
  readonly #handler: DeviceManagementHandler;
  readonly #registration: RegistrationManager;
  readonly #sender: SendReporter;
  readonly #events: EventListeners;
  readonly #serverPeer: PeerAddress;
  readonly #acceptAnyPeer: boolean;
  #unsubscribeLink: (() => void) | undefined;
  #started = false;
  #closing: Promise<void> | undefined;

  constructor(options: LwM2mClientOptions) {
    this.endpointName = options.endpointName;
    if (typeof options.endpointName !== 'string' || options.endpointName.length === 0) {
      throw new CodedError('CONFIG_INVALID', 'endpointName must be a non-empty string');
    }
    this.#clock = options.clock ?? systemClock;
    this.#serverPeer = options.server.peer;
    this.#acceptAnyPeer = options.acceptRequestsFromAnyPeer ?? false;
    this.#link = options.link;
    this.#log = options.log ?? silentEventLogger;
    const onListenerError = (error: unknown) => this.#safeLog('listener-failed', 'a listener threw', error);
    this.#events = {
      state: new ListenerSet(onListenerError),
      registered: new ListenerSet(onListenerError),
      sampling: new ListenerSet(onListenerError),
      structure: new ListenerSet(onListenerError),
    };
    const account = new ServerAccount(options.server);
    this.#account = account;
    const limits = options.limits ?? {};
    this.#data = new ClientDataModel({
      model: options.registry,
      codecOptions: options.codecs,
      gateway: options.gateway ?? false,
      onListenerError,
    });
    this.#attributes = new AttributeStore(limits.maxAttributePaths);
    this.#observations = new ObservationManager({
      clock: this.#clock,
      link: this.#link,
      data: this.#data,
      attributes: this.#attributes,
      defaults: () => this.#defaultPeriods(),
      policy: options.notifications,
      maxObservations: limits.maxObservations,
      log: this.#log,
    });
    this.#handler = new DeviceManagementHandler({
      data: this.#data,
      attributes: this.#attributes,
      observations: this.#observations,
      log: this.#log,
      clock: this.#clock,
      limits: options.codecs?.limits,
      maxCompositePaths: limits.maxCompositePaths,
    });
    const preferred = options.contentFormats ?? DEFAULT_CONTENT_FORMATS;
    const contentFormats =
      (options.announcedContentFormats ?? 'preferred') === 'list' ? preferred : preferred.slice(0, 1);
    this.#registration = new RegistrationManager({
      ...options.registration,
      endpointName: options.endpointName,
      peer: options.server.peer,
      link: this.#link,
      clock: this.#clock,
      account,
      links: () => registrationPayload(this.#data.root, contentFormats),
      ...(options.random === undefined ? {} : { random: options.random }),
      log: this.#log,
    });
    this.#sender = new SendReporter({
      data: this.#data,
      link: this.#link,
      peer: options.server.peer,
      account,
      isRegistered: () => this.#registration.isRegistered,
      maxEntriesPerMessage: limits.maxSendEntriesPerMessage,
    });
    this.#declareCoreObjects(options);
    this.#wire();
  }

  /** The client's own object tree: declare application objects here. */
  get objects(): ClientObjectTree {
    return this.#data.root;
  }

  get state(): RegistrationState {
    return this.#registration.state;
  }

  /** Location-Path of the current registration. */
  get registrationLocation(): readonly string[] | undefined {
    return this.#registration.location;
  }

  /**
   * Whether an observation may concern a change of object `objectId` under `prefix` (an end
   * device's; undefined: the client's own objects). False means `changed` there would notify
   * nobody: a reporter of changes can skip making the path (one Map lookup, nothing allocated).
   */
  isObserving(prefix: string | undefined, objectId: number): boolean {
    return this.#observations.mayConcern(prefix, objectId);
  }

  get observationStats(): ObservationStats {
    return this.#observations.stats;
  }

  /** Requests refused by response code, and refusal log lines left out (rate limit). */
  get requestStats(): RequestStats {
    return this.#handler.stats;
  }

  on<K extends keyof LwM2mClientEvents>(
    event: K,
    listener: (payload: LwM2mClientEvents[K]) => void,
  ): () => void {
    return (this.#events[event] as ListenerSet<LwM2mClientEvents[K]>).add(listener);
  }

  /** Starts serving requests and registers. Idempotent. */
  start(): void {
    if (this.#started || this.#closing !== undefined) return;
    this.#started = true;
    const unsubscribeRequests = this.#link.onRequest((request) => this.handleRequest(request));
    const unsubscribeResets = this.#link.onObservationReset?.((peer, token) => {
      this.#observations.cancel(peer, token);
    });
    // the endpoint keeps no state for anyone but the server (Block1 bodies, observations, dedup)
    const liftAdmission = this.#acceptAnyPeer
      ? undefined
      : this.#link.admitPeers?.((peer) => this.#isServer(peer));
    this.#unsubscribeLink = () => {
      unsubscribeRequests();
      unsubscribeResets?.();
      liftAdmission?.();
    };
    this.#registration.start();
  }

  /** De-registers (bounded wait), forgets observations and stops serving. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#registration.close();
      this.#observations.clear();
      this.#unsubscribeLink?.();
      this.#unsubscribeLink = undefined;
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Requests count as the server's when they come from its address and port (the DTLS session peer, or UDP). */
  #fromServer(request: CoapIncomingRequest): boolean {
    return this.#isServer(request.peer);
  }

  #isServer(peer: PeerAddress): boolean {
    const server = this.#serverPeer;
    if (peer.port !== server.port) return false;
    // the same text is the common case (per request): no lower-casing or pattern for it
    return (
      peer.address === server.address || normalizeAddress(peer.address) === normalizeAddress(server.address)
    );
  }

  /**
   * Answers a request from the server. Before the Register was answered (and after close) the
   * request is ignored: `undefined`, no response (Core §6.2.1).
   */
  async handleRequest(request: CoapIncomingRequest): Promise<CoapOutgoingResponse | undefined> {
    if (this.#closing !== undefined || !this.#registration.isRegistered) return undefined;
    if (!this.#acceptAnyPeer && !this.#fromServer(request)) return { code: '4.01' };
    return this.#handler.handleRequest(request);
  }

  /** Adds an end device (gateway clients only): a /25 instance plus its tree; an Update follows. */
  addEndDevice(options: EndDeviceOptions): EndDevice {
    return this.#data.addEndDevice(options);
  }

  /** Removes an end device: its observations end with 4.04, /25 observers are notified, an Update follows. */
  removeEndDevice(prefix: string): boolean {
    return this.#data.removeEndDevice(prefix);
  }

  endDevice(prefix: string): EndDevice | undefined {
    return this.#data.endDevice(prefix);
  }

  endDevices(): EndDevice[] {
    return this.#data.endDevices();
  }

  /** Reports a changed value anywhere (`/3303/0/5700`, `/dev0/3303/0/5700`). */
  changed(path: LwM2mPath | string): void {
    const parsed = typeof path === 'string' ? LwM2mPath.parse(path) : path;
    const tree = parsed.prefix === undefined ? this.#data.root : this.#data.endDeviceObjects(parsed.prefix);
    if (tree === undefined) {
      throw new CodedError('CONFIG_INVALID', `no end device has the prefix ${parsed.prefix}`, {
        details: { path: parsed.toString() },
      });
    }
    tree.changed(parsed);
  }

  /** Send (POST /dp) of the given values, or current values when an entry has none. */
  send(entries: readonly SendEntry[], options?: SendOptions): Promise<SendResult> {
    return this.#sender.send(entries, options);
  }

  /**
   * Attaches attributes to a path as a server's Write-Attributes would (a host's configured pmin,
   * pmax or st, say); the server may change or remove them later. CONFIG_INVALID when the path
   * limit is reached.
   */
  attachAttributes(path: LwM2mPath | string, attributes: ObservationAttributes): void {
    const parsed = typeof path === 'string' ? LwM2mPath.parse(path) : path;
    if (!this.#attributes.canAttach(parsed)) {
      throw new CodedError(
        'CONFIG_INVALID',
        `no room for attributes on ${parsed}: ${this.#attributes.maxPaths} paths already carry some (limits.maxAttributePaths)`,
        { details: { path: parsed.toString() } },
      );
    }
    this.#attributes.set(parsed, { ...this.#attributes.attached(parsed), ...attributes });
    this.#observations.attributesChanged();
  }

  /** Observed paths and how often to sample them. */
  samplingPlan(): SamplingEntry[] {
    return this.#observations.samplingPlan();
  }

  observations(): ObservationSummary[] {
    return this.#observations.list();
  }

  /** Asks for an Update now (e.g. after a network change). */
  requestUpdate(): void {
    this.#registration.requestUpdate();
  }

  #defaultPeriods(): ObservationAttributes {
    const { defaultMinPeriod, defaultMaxPeriod } = this.#account;
    return {
      ...(defaultMinPeriod === undefined ? {} : { pmin: defaultMinPeriod }),
      ...(defaultMaxPeriod === undefined ? {} : { pmax: defaultMaxPeriod }),
    };
  }

  #declareCoreObjects(options: LwM2mClientOptions): void {
    const root = this.#data.root;
    const { peer, security, shortServerId } = options.server;
    root.defineObject(0, { instances: { 0: securityInstance(peer, shortServerId, security) } });
    root.defineObject(1, {
      instances: {
        0: serverInstance(this.#account, {
          registrationParametersChanged: () => this.#registration.requestUpdate(),
          updateTriggered: () => this.#registration.requestUpdate(),
          defaultPeriodsChanged: () => this.#observations.attributesChanged(),
        }),
      },
    });
    root.defineObject(3, {
      instances: {
        0: deviceInstance(
          { supportedBindings: this.#account.supportedBindings, ...options.device },
          this.#clock,
        ),
      },
    });
  }

  #wire(): void {
    this.#data.onChange((path) => this.#observations.changed(path));
    this.#data.onStructureChange((change) => this.#onStructureChange(change));
    this.#registration.onRegistered((location) => {
      this.#observations.clear();
      this.#events.registered.emit({ location });
    });
    this.#registration.onStateChange((change) => this.#events.state.emit(change));
    this.#observations.onSamplingPlanChanged((plan) => this.#events.sampling.emit(plan));
  }

  #onStructureChange(change: DataModelChange): void {
    if (
      change.kind === 'instance-removed' ||
      change.kind === 'object-removed' ||
      change.kind === 'device-removed'
    ) {
      this.#attributes.removeUnder(change.path);
      void this.#observations.endUnder(change.path);
    }
    if (change.kind === 'instance-added' || change.kind === 'instance-removed') {
      this.#observations.changed(change.path.parent());
    }
    this.#events.structure.emit(change);
    this.#registration.requestUpdate({ withLinks: true });
  }

  #safeLog(event: string, message: string, error: unknown): void {
    try {
      this.#log({ level: 'warn', event, message, error });
    } catch {
      // never let logging break the engine
    }
  }
}

/** `::ffff:127.0.0.1` and `127.0.0.1` name the same peer. */
function normalizeAddress(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
