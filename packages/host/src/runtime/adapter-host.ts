import { hostname } from 'node:os';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
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
import { HostMetrics } from '../ops/host-metrics.js';
import type { HostStatus, LwM2mMode } from '../ops/host-status.js';
import { DeviceRunner } from './device/device-runner.js';
import { PointSpecTable } from './device/point-spec-table.js';
import { retunableInPlace, retunePlacement } from './device/reporting-retune.js';
import type { ClientEndpoint, HostServerSettings } from './topology/client-endpoint.js';
import { GatewayTopology } from './topology/gateway-topology.js';
import type { SendSettings } from './topology/host-endpoint.js';
import type { HostTopology, TopologyContext, ValueReport } from './topology/host-topology.js';
import { PerDeviceTopology } from './topology/per-device-topology.js';

export type { SendSettings } from './topology/host-endpoint.js';

export interface RunnerSettings {
  /** See DeviceRunnerOptions. */
  readonly cacheMaxAgeMs?: number;
  readonly observedPollMs?: number;
  readonly minPollMs?: number;
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
  /** Time and timers of the host, its device runners and its LwM2M clients. Default: the system clock. */
  readonly clock?: Clock;
}

/** The topology of each mode. */
const TOPOLOGIES: Record<LwM2mMode, (context: TopologyContext, options: AdapterHostOptions) => HostTopology> =
  {
    gateway: (context, options) =>
      new GatewayTopology(context, options.endpoint ?? `adapter-host-${hostname()}`),
    'per-device': (context) => new PerDeviceTopology(context),
  };

/**
 * The adapter host: runs a compiled mapping, exposing its devices to one LwM2M server either as
 * end devices of one LwM2M Gateway (object 25, paths under each device's prefix) or as one LwM2M
 * client endpoint per device; a HostTopology of the mode does the placing. Observations set how
 * often points are read; value changes become notifications (and Send batches when enabled).
 * `reload` applies a new mapping device by device; `close` stops polling, flushes, de-registers
 * and closes sessions and sockets.
 *
 *   await using host = await AdapterHost.start({ mapping, adapters, server: { uri: 'coap://127.0.0.1' }, mode: 'per-device' });
 */
export class AdapterHost implements AsyncDisposable {
  readonly mode: LwM2mMode;
  readonly metrics: HostMetrics;
  readonly #options: AdapterHostOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #startedAt: number;
  readonly #topology: HostTopology;
  /** The adapter sessions' point specs, shared by the devices of a template. */
  readonly #pointSpecs = new PointSpecTable();
  #mapping: CompiledMapping;
  #adapters: ReadonlyMap<string, AdapterDefinition>;
  #registry: ObjectRegistry;
  #reloads = 0;
  #lastReloadError: string | undefined;
  #reloading: Promise<MappingDiff> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: AdapterHostOptions) {
    this.#options = options;
    this.mode = options.mode;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#clock = options.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.#mapping = options.mapping;
    this.#adapters = options.adapters;
    this.#registry = mappingObjectRegistry(options.mapping);
    this.metrics = new HostMetrics(() => this.status(), this.#clock);
    this.#topology = TOPOLOGIES[options.mode](
      {
        endpoints: {
          server: options.server,
          logger: this.#logger,
          clock: this.#clock,
          send: options.send,
          model: () => ({
            registry: this.#registry,
            maxAttributePaths: this.#mapping.devices.reduce((n, d) => n + d.points.length, 0) + 4096,
          }),
        },
        createRunner: (device, report, reportPrefix) => this.#createRunner(device, report, reportPrefix),
        hostVersion: options.hostVersion ?? '0.0.0',
        clock: this.#clock,
      },
      options,
    );
  }

  /**
   * Opens the sockets, declares every device and registers; devices connect in the background
   * (one that cannot be reached answers 5.03 until it can). Throws CONFIG_INVALID for settings
   * that cannot work (bad server URI, missing PSK, an adapter the mapping names but was not given).
   */
  static async start(options: AdapterHostOptions): Promise<AdapterHost> {
    const host = new AdapterHost(options);
    try {
      const placed = await host.#topology.start(host.#mapping.devices);
      await Promise.all(placed.map(({ runner }) => runner.start()));
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
    return this.#topology.endpointFor(deviceId);
  }

  runner(deviceId: string): DeviceRunner | undefined {
    return this.#topology.placement(deviceId)?.runner;
  }

  #createRunner(device: CompiledDevice, report: ValueReport, reportPrefix: string | undefined): DeviceRunner {
    return new DeviceRunner({
      ...(reportPrefix === undefined ? {} : { reportPrefix }),
      device,
      adapter: this.#adapterOf(device),
      logger: this.#logger.child({ device: device.id }),
      ...this.#options.runner,
      onValueChanged: report,
      pointSpecs: this.#pointSpecs,
      onRead: (outcome) => this.metrics.observeRead(device.id, outcome),
      clock: this.#clock,
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
    // reporting-only changes in place (no re-registration, observations kept), unless they drop attributes
    const inPlace = restartAll ? [] : retunedInPlace(diff, this.#mapping, mapping);
    const restarted = [...diff.changed, ...diff.retuned.filter((id) => !inPlace.some((d) => d.id === id))];
    const stopping = restartAll
      ? this.#topology.placements().map(({ device }) => device.id)
      : [...diff.removed, ...restarted];
    const starting = restartAll ? mapping.devices.map((d) => d.id) : [...diff.added, ...restarted];
    try {
      // what the new devices are made with: their adapters, and for new endpoints the object model
      this.#mapping = mapping;
      this.#adapters = new Map([...this.#adapters, ...adapters]);
      if (restartAll) this.#registry = mappingObjectRegistry(mapping);
      const arriving = starting.flatMap((id) => {
        const device = mapping.devices.find((d) => d.id === id);
        return device === undefined ? [] : [device];
      });
      for (const device of inPlace) {
        const placement = this.#topology.placement(device.id);
        if (placement !== undefined) retunePlacement(placement, device);
      }
      const placed = await this.#topology.replace(stopping, arriving);
      await Promise.all(placed.map(({ runner }) => runner.start()));
      this.#reloads++;
      this.#lastReloadError = undefined;
      this.#logger.info(
        {
          added: diff.added,
          removed: diff.removed,
          changed: restarted,
          retuned: inPlace.map((d) => d.id),
          unchanged: diff.unchanged.length,
        },
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
    return {
      mode: this.mode,
      mapping: { file: this.#mapping.source.file, sha256: this.#mapping.source.sha256 },
      startedAt: this.#startedAt,
      endpoints: this.#topology.endpoints().map((endpoint) => endpoint.status()),
      devices: this.#topology.placements().map(({ device, runner, endpoint, prefix }) => ({
        id: device.id,
        endpoint: endpoint.name,
        prefix,
        adapter: device.adapter.name,
        connection: runner.state,
        lastError: runner.lastError,
        health: runner.health(),
        stats: runner.stats(),
      })),
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
      await this.#topology.close();
      this.#logger.info({}, 'closed');
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The devices of `next` whose reporting-only change (`diff.retuned`) can be applied in place. */
function retunedInPlace(
  diff: MappingDiff,
  previous: CompiledMapping,
  next: CompiledMapping,
): CompiledDevice[] {
  return diff.retuned.flatMap((id) => {
    const before = previous.devices.find((d) => d.id === id);
    const after = next.devices.find((d) => d.id === id);
    return before !== undefined && after !== undefined && retunableInPlace(before, after) ? [after] : [];
  });
}
