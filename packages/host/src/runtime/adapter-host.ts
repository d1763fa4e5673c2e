import { hostname } from 'node:os';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { systemClock } from '@lwm2m-adapters/kit';
import type { DeviceInfo, SamplingEntry } from '@lwm2m-adapters/lwm2m-client';
import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import {
  type CompiledDevice,
  type CompiledMapping,
  diffCompiledMappings,
  type MappingDiff,
  mappingObjectRegistry,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { type Logger, pino } from 'pino';
import { ClientEndpoint, type HostServerSettings } from './client-endpoint.js';
import { mappedDeviceInfo, mappingAttributes, withDeviceObject } from './device-objects.js';
import { DeviceRunner } from './device-runner.js';
import { HostMetrics } from './host-metrics.js';
import type { DeviceStatus, EndpointStatus, HostStatus, LwM2mMode } from './host-status.js';
import type { ObservedRange } from './poll-intervals.js';
import { SendBatcher } from './send-batcher.js';

export interface RunnerSettings {
  /** See DeviceRunnerOptions. */
  readonly cacheMaxAgeMs?: number;
  readonly observedPollMs?: number;
  readonly minPollMs?: number;
}

/** Longest wait on close for Send batches to go out. */
const SEND_FLUSH_ON_CLOSE_MS = 5_000;

/** Waits for `work`, but no longer than `ms`. */
async function settledWithin(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export interface SendSettings {
  /** Changes gathered this long go out in one Send (POST /dp). */
  readonly intervalMs: number;
  /** Values per Send batch. Default 256. */
  readonly maxValues?: number;
  /** Sends outstanding at once per endpoint. Default 1 (see SendBatcherOptions.maxInFlight). */
  readonly maxInFlight?: number;
}

export interface AdapterHostOptions {
  readonly mapping: CompiledMapping;
  /** Adapter definitions by the names the mapping uses (what `compileMappingFile` resolved). */
  readonly adapters: ReadonlyMap<string, AdapterDefinition>;
  readonly server: HostServerSettings;
  readonly mode: LwM2mMode;
  /** Gateway mode: the gateway's endpoint name. Default `adapter-host-<hostname>`. */
  readonly endpoint?: string;
  readonly logger?: Logger;
  readonly runner?: RunnerSettings;
  /** Report value changes with Send batches, besides observations. Off by default. */
  readonly send?: SendSettings;
  /** Shown in /3 Software Version. */
  readonly hostVersion?: string;
}

interface AttachedDevice {
  readonly device: CompiledDevice;
  readonly runner: DeviceRunner;
  /** Its own endpoint (per-device mode) or the gateway's. */
  readonly endpoint: ClientEndpoint;
  readonly ownEndpoint: boolean;
  readonly batcher: SendBatcher | undefined;
  readonly prefix: string | undefined;
  readonly unsubscribe: (() => void)[];
}

interface EndpointState {
  lastError: string | undefined;
}

/**
 * The adapter host: runs a compiled mapping, exposing its devices to one LwM2M server either as
 * end devices of one LwM2M Gateway (object 25, paths under each device's prefix) or as one LwM2M
 * client endpoint per device. Observations set how often points are read; value changes become
 * notifications (and Send batches when enabled). `reload` applies a new mapping device by device;
 * `close` stops polling, flushes, de-registers and closes sessions and sockets.
 *
 *   await using host = await AdapterHost.start({ mapping, adapters, server: { uri: 'coap://127.0.0.1' }, mode: 'per-device' });
 */
export class AdapterHost implements AsyncDisposable {
  readonly mode: LwM2mMode;
  readonly metrics: HostMetrics;
  readonly #options: AdapterHostOptions;
  readonly #logger: Logger;
  readonly #startedAt = Date.now();
  readonly #devices = new Map<string, AttachedDevice>();
  readonly #endpointStates = new WeakMap<ClientEndpoint, EndpointState>();
  #mapping: CompiledMapping;
  #adapters: ReadonlyMap<string, AdapterDefinition>;
  #registry: ObjectRegistry;
  #gateway: ClientEndpoint | undefined;
  #gatewayBatcher: SendBatcher | undefined;
  #reloads = 0;
  #lastReloadError: string | undefined;
  #reloading: Promise<MappingDiff> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: AdapterHostOptions) {
    this.#options = options;
    this.mode = options.mode;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#mapping = options.mapping;
    this.#adapters = options.adapters;
    this.#registry = mappingObjectRegistry(options.mapping);
    this.metrics = new HostMetrics(() => this.status());
  }

  /**
   * Opens the sockets, declares every device and registers; devices connect in the background
   * (one that cannot be reached answers 5.03 until it can). Throws CONFIG_INVALID for settings
   * that cannot work (bad server URI, missing PSK, an adapter the mapping names but was not given).
   */
  static async start(options: AdapterHostOptions): Promise<AdapterHost> {
    const host = new AdapterHost(options);
    try {
      await host.#start();
    } catch (error) {
      await host.close();
      throw error;
    }
    return host;
  }

  get mapping(): CompiledMapping {
    return this.#mapping;
  }

  /** The gateway's client (gateway mode), or a device's own client (per-device mode). */
  endpointFor(deviceId?: string): ClientEndpoint | undefined {
    if (deviceId === undefined) return this.#gateway;
    return this.#devices.get(deviceId)?.endpoint;
  }

  runner(deviceId: string): DeviceRunner | undefined {
    return this.#devices.get(deviceId)?.runner;
  }

  async #start(): Promise<void> {
    if (this.mode === 'gateway') {
      const endpointName = this.#options.endpoint ?? `adapter-host-${hostname()}`;
      const gateway = await this.#openEndpoint(endpointName, true, {
        manufacturer: 'lwm2m-adapters',
        modelNumber: 'adapter-host',
        serialNumber: endpointName,
        softwareVersion: this.#options.hostVersion ?? '0.0.0',
        supportedBindings: 'U',
      });
      this.#gateway = gateway;
      this.#gatewayBatcher = this.#batcherFor(gateway);
      gateway.client.on('sampling', (plan) => this.#distributeSampling(plan));
      for (const device of this.#mapping.devices) this.#attach(device);
      gateway.client.start();
    } else {
      const opened = await Promise.all(
        this.#mapping.devices.map(
          async (device) => [device, await this.#openDeviceEndpoint(device)] as const,
        ),
      );
      for (const [device, endpoint] of opened) this.#attach(device, endpoint);
      for (const { endpoint } of this.#devices.values()) endpoint.client.start();
    }
    await Promise.all([...this.#devices.values()].map(({ runner }) => runner.start()));
  }

  async #openDeviceEndpoint(device: CompiledDevice): Promise<ClientEndpoint> {
    return this.#openEndpoint(
      device.endpoint,
      false,
      mappedDeviceInfo(device, this.#options.hostVersion ?? '0.0.0'),
    );
  }

  async #openEndpoint(endpointName: string, gateway: boolean, device: DeviceInfo): Promise<ClientEndpoint> {
    const pointCount = this.#mapping.devices.reduce((n, d) => n + d.points.length, 0);
    const endpoint = await ClientEndpoint.open({
      endpointName,
      server: this.#options.server,
      registry: this.#registry,
      gateway,
      device,
      logger: this.#logger,
      maxAttributePaths: pointCount + 4096,
    });
    const state: EndpointState = { lastError: undefined };
    this.#endpointStates.set(endpoint, state);
    endpoint.client.on('state', (change) => {
      const log = this.#logger.child({ endpoint: endpointName });
      if (change.state === 'registered' && change.previous === 'registering') {
        state.lastError = undefined;
        log.info({ location: endpoint.client.registrationLocation?.join('/') }, 'registered');
      } else if (change.state === 'backoff') {
        state.lastError =
          change.error === undefined ? undefined : `${change.error.code}: ${change.error.message}`;
        log.warn(
          { code: change.error?.code, retryInMs: (change.retryAt ?? Date.now()) - Date.now() },
          'registration failed; retrying',
        );
      } else if (change.state === 'unregistered' && change.previous !== 'registering') {
        log.info({}, 'de-registered');
      }
    });
    return endpoint;
  }

  #batcherFor(endpoint: ClientEndpoint): SendBatcher | undefined {
    const send = this.#options.send;
    if (send === undefined) return undefined;
    return new SendBatcher({
      client: endpoint.client,
      intervalMs: send.intervalMs,
      maxValues: send.maxValues ?? 256,
      ...(send.maxInFlight === undefined ? {} : { maxInFlight: send.maxInFlight }),
      logger: this.#logger.child({ endpoint: endpoint.client.endpointName }),
    });
  }

  #adapterOf(device: CompiledDevice): AdapterDefinition {
    const adapter = this.#adapters.get(device.adapter.name);
    if (adapter === undefined) {
      throw new CodedError(
        'CONFIG_INVALID',
        `device ${device.id} uses adapter "${device.adapter.name}", which was not loaded`,
        {
          details: { device: device.id, adapter: device.adapter.name },
        },
      );
    }
    return adapter;
  }

  /** Declares a device on its endpoint (the gateway's when none is given). Polling starts with `runner.start()`. */
  #attach(device: CompiledDevice, own?: ClientEndpoint): AttachedDevice {
    const endpoint = own ?? this.#gateway;
    if (endpoint === undefined)
      throw new CodedError('CONFIG_INVALID', 'no LwM2M endpoint to attach the device to');
    const client = endpoint.client;
    const prefix = own === undefined ? device.prefix : undefined;
    const batcher = own === undefined ? this.#gatewayBatcher : this.#batcherFor(own);
    const log = this.#logger.child({ device: device.id });
    const runner = new DeviceRunner({
      device,
      adapter: this.#adapterOf(device),
      logger: log,
      ...this.#options.runner,
      onValueChanged: (path, value) => {
        const full = prefix === undefined ? path : path.withPrefix(prefix);
        client.changed(full);
        batcher?.add(full, value);
      },
      onRead: (outcome) => this.metrics.observeRead(device.id, outcome),
    });
    const info = mappedDeviceInfo(device, this.#options.hostVersion ?? '0.0.0');
    const objects = runner.objectDeclarations();
    if (prefix === undefined) {
      const withDevice = withDeviceObject(objects, { ...info, supportedBindings: 'U' }, systemClock);
      for (const [objectId, declaration] of withDevice) {
        if (objectId === 3) {
          if (objects.has(3)) {
            client.objects.removeObject(3);
            client.objects.defineObject(3, declaration);
          }
          continue;
        }
        client.objects.defineObject(objectId, declaration);
      }
    } else {
      client.addEndDevice({
        deviceId: device.endpoint,
        prefix,
        objects: withDeviceObject(objects, info, systemClock),
      });
    }
    for (const { path, attributes } of mappingAttributes(device)) {
      client.attachAttributes(path.withPrefix(prefix), attributes);
    }
    const attached: AttachedDevice = {
      device,
      runner,
      endpoint,
      ownEndpoint: own !== undefined,
      batcher: own === undefined ? undefined : batcher,
      prefix,
      unsubscribe: [],
    };
    if (own !== undefined) {
      attached.unsubscribe.push(
        own.client.on('sampling', (plan) => this.#distributeSampling(plan, attached)),
      );
    }
    this.#devices.set(device.id, attached);
    return attached;
  }

  /**
   * Observed paths → the runners whose points they cover, in one pass over the plan (the engine
   * publishes a plan per burst of Observes); runners whose ranges did not change keep going.
   */
  #distributeSampling(plan: readonly SamplingEntry[], only?: AttachedDevice): void {
    if (this.#closing !== undefined) return;
    const byPrefix = new Map<string | undefined, ObservedRange[]>();
    for (const entry of plan) {
      let ranges = byPrefix.get(entry.path.prefix);
      if (ranges === undefined) {
        ranges = [];
        byPrefix.set(entry.path.prefix, ranges);
      }
      ranges.push({
        path: entry.path.withoutPrefix(),
        minMs: entry.minPeriodSeconds === undefined ? undefined : entry.minPeriodSeconds * 1000,
        maxMs: entry.maxPeriodSeconds === undefined ? undefined : entry.maxPeriodSeconds * 1000,
      });
    }
    const targets = only === undefined ? [...this.#devices.values()].filter((d) => !d.ownEndpoint) : [only];
    for (const attached of targets) attached.runner.setObserved(byPrefix.get(attached.prefix) ?? []);
  }

  /** Stops a device: polling, its declarations (an Update follows) or its own registration, then its session. */
  async #detach(attached: AttachedDevice): Promise<void> {
    this.#devices.delete(attached.device.id);
    attached.runner.stopPolling();
    for (const unsubscribe of attached.unsubscribe) unsubscribe();
    if (attached.ownEndpoint) {
      await attached.batcher?.close();
      await attached.endpoint.client.close();
      await attached.runner.close();
      await attached.endpoint.connection.close();
      return;
    }
    if (attached.prefix !== undefined) attached.endpoint.client.removeEndDevice(attached.prefix);
    await attached.runner.close();
  }

  /**
   * Applies a new compiled mapping: removed and changed devices stop, added and changed ones start;
   * unchanged devices keep running untouched (their observations too). In gateway mode the
   * registration is updated once with the new /25 instances. When custom object definitions
   * changed, every device restarts. Concurrent calls run one after another.
   */
  reload(mapping: CompiledMapping, adapters: ReadonlyMap<string, AdapterDefinition>): Promise<MappingDiff> {
    const previous = this.#reloading ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => this.#reload(mapping, adapters));
    this.#reloading = next;
    return next;
  }

  async #reload(
    mapping: CompiledMapping,
    adapters: ReadonlyMap<string, AdapterDefinition>,
  ): Promise<MappingDiff> {
    if (this.#closing !== undefined) throw new CodedError('SESSION_CLOSED', 'the host is shutting down');
    const diff = diffCompiledMappings(this.#mapping, mapping);
    const restartAll = diff.objectDefinitionsChanged;
    const stopping = restartAll ? [...this.#devices.keys()] : [...diff.removed, ...diff.changed];
    const starting = restartAll ? mapping.devices.map((d) => d.id) : [...diff.added, ...diff.changed];
    try {
      // End devices leave the gateway synchronously (the first part of #detach) and new ones join
      // in the same tick, so the engine sends one Update with the final /25 list, not one per step.
      const detaching: Promise<void>[] = [];
      for (const id of stopping) {
        const attached = this.#devices.get(id);
        if (attached === undefined) continue;
        if (attached.ownEndpoint) await this.#detach(attached);
        else detaching.push(this.#detach(attached));
      }
      const detached = Promise.all(detaching);
      detached.catch(() => undefined); // awaited below; no unhandled rejection if an attach throws first
      this.#mapping = mapping;
      this.#adapters = new Map([...this.#adapters, ...adapters]);
      if (restartAll) this.#registry = mappingObjectRegistry(mapping);
      const started: AttachedDevice[] = [];
      for (const id of starting) {
        const device = mapping.devices.find((d) => d.id === id);
        if (device === undefined) continue;
        if (this.mode === 'gateway') started.push(this.#attach(device));
        else {
          const own = await this.#openDeviceEndpoint(device);
          const attached = this.#attach(device, own);
          own.client.start();
          started.push(attached);
        }
      }
      await detached;
      await Promise.all(started.map(({ runner }) => runner.start()));
      this.#reloads++;
      this.#lastReloadError = undefined;
      this.#logger.info(
        { added: diff.added, removed: diff.removed, changed: diff.changed, unchanged: diff.unchanged.length },
        'mapping reloaded',
      );
      return diff;
    } catch (error) {
      this.#lastReloadError = isCodedError(error) ? `${error.code}: ${error.message}` : String(error);
      throw error;
    }
  }

  /**
   * Records the outcome of a reload that never reached `reload`: the reason when the changed mapping
   * did not compile or could not be read (the previous mapping keeps running and status shows why),
   * undefined when the file turned out to be the running mapping again.
   */
  setReloadError(reason: string | undefined): void {
    this.#lastReloadError = reason;
  }

  status(): HostStatus {
    const endpoints: EndpointStatus[] = [];
    const describe = (endpoint: ClientEndpoint, batcher: SendBatcher | undefined): EndpointStatus => {
      const coap = endpoint.connection.stats().coap;
      const send = batcher?.stats();
      return {
        endpoint: endpoint.client.endpointName,
        registration: endpoint.client.state,
        lastError: this.#endpointStates.get(endpoint)?.lastError,
        observations: endpoint.client.observationStats,
        coapDropped: { ...coap.dropped },
        coapRetransmissions: coap.retransmissions,
        sendMessages: send?.messages ?? 0,
        sendValues: send?.values ?? 0,
        sendFailures: send?.failures ?? 0,
      };
    };
    if (this.#gateway !== undefined) endpoints.push(describe(this.#gateway, this.#gatewayBatcher));
    const devices: DeviceStatus[] = [];
    for (const attached of this.#devices.values()) {
      if (attached.ownEndpoint) endpoints.push(describe(attached.endpoint, attached.batcher));
      devices.push({
        id: attached.device.id,
        endpoint: attached.endpoint.client.endpointName,
        prefix: attached.prefix,
        adapter: attached.device.adapter.name,
        connection: attached.runner.state,
        lastError: attached.runner.lastError,
        stats: attached.runner.stats(),
      });
    }
    return {
      mode: this.mode,
      mapping: { file: this.#mapping.source.file, sha256: this.#mapping.source.sha256 },
      startedAt: this.#startedAt,
      endpoints,
      devices,
      reloads: this.#reloads,
      lastReloadError: this.#lastReloadError,
    };
  }

  /**
   * Stops polling, sends what Send batches hold (waiting at most 5 s), de-registers every endpoint
   * (bounded wait), closes the device sessions, then the sockets. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#reloading?.catch(() => undefined);
      const attached = [...this.#devices.values()];
      for (const device of attached) device.runner.stopPolling();
      // what Send batches hold goes out, but a server that never answers must not hold shutdown
      // for CoAP's 93 s: whatever is still in flight fails when the endpoint closes below
      await settledWithin(
        SEND_FLUSH_ON_CLOSE_MS,
        Promise.allSettled([this.#gatewayBatcher?.close(), ...attached.map((d) => d.batcher?.close())]),
      );
      const endpoints = [
        ...(this.#gateway === undefined ? [] : [this.#gateway]),
        ...attached.filter((d) => d.ownEndpoint).map((d) => d.endpoint),
      ];
      await Promise.allSettled(endpoints.map((e) => e.client.close()));
      await Promise.allSettled(attached.map((d) => d.runner.close()));
      await Promise.allSettled(endpoints.map((e) => e.connection.close()));
      for (const device of attached) for (const unsubscribe of device.unsubscribe) unsubscribe();
      this.#devices.clear();
      this.#logger.info({}, 'closed');
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
