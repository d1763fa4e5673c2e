import { CodedError } from '@lwm2m-adapters/errors';
import type { SamplingEntry } from '@lwm2m-adapters/lwm2m-client';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import { mappedDeviceInfo, mappingAttributes, withDeviceObject } from '../device/device-objects.js';
import type { ClientEndpoint } from './client-endpoint.js';
import { HostEndpoint } from './host-endpoint.js';
import {
  type DevicePlacement,
  type HostTopology,
  rangesByPrefix,
  shutDown,
  type TopologyContext,
} from './host-topology.js';

/** An end device of the gateway: always under a prefix. */
interface EndDevicePlacement extends DevicePlacement {
  readonly prefix: string;
}

/**
 * Gateway mode: one LwM2M Gateway endpoint (object 25) for the host, every device an end device
 * under its prefix with a /3 of its own. The gateway's sampling plan is split by prefix in one
 * pass; value changes are reported under the device's prefix.
 */
export class GatewayTopology implements HostTopology {
  readonly mode = 'gateway' as const;
  readonly #context: TopologyContext;
  readonly #endpointName: string;
  readonly #placements = new Map<string, EndDevicePlacement>();
  #gateway: HostEndpoint | undefined;
  #closing: Promise<void> | undefined;

  constructor(context: TopologyContext, endpointName: string) {
    this.#context = context;
    this.#endpointName = endpointName;
  }

  async start(devices: readonly CompiledDevice[]): Promise<readonly DevicePlacement[]> {
    const gateway = await HostEndpoint.open(this.#context.endpoints, this.#endpointName, true, {
      manufacturer: 'lwm2m-adapters',
      modelNumber: 'adapter-host',
      serialNumber: this.#endpointName,
      softwareVersion: this.#context.hostVersion,
      supportedBindings: 'U',
    });
    this.#gateway = gateway;
    gateway.client.on('sampling', (plan) => this.#route(plan));
    const placed = devices.map((device) => this.#attach(gateway, device));
    gateway.start();
    return placed;
  }

  async replace(
    leaving: readonly string[],
    arriving: readonly CompiledDevice[],
  ): Promise<readonly DevicePlacement[]> {
    const gateway = this.#requireGateway();
    // End devices leave the gateway synchronously (the first part of #detach) and new ones join
    // in the same tick, so the engine sends one Update with the final /25 list, not one per step.
    const detached = Promise.all(leaving.map((id) => this.#detach(gateway, id)));
    detached.catch(() => undefined); // awaited below; no unhandled rejection if an attach throws first
    const placed = arriving.map((device) => this.#attach(gateway, device));
    await detached;
    return placed;
  }

  placement(deviceId: string): DevicePlacement | undefined {
    return this.#placements.get(deviceId);
  }

  placements(): readonly DevicePlacement[] {
    return [...this.#placements.values()];
  }

  endpointFor(deviceId?: string): ClientEndpoint | undefined {
    if (deviceId !== undefined && !this.#placements.has(deviceId)) return undefined;
    return this.#gateway?.endpoint;
  }

  endpoints(): readonly HostEndpoint[] {
    return this.#gateway === undefined ? [] : [this.#gateway];
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await shutDown(this.endpoints(), this.placements(), this.#context.clock);
      this.#placements.clear();
    })();
    return this.#closing;
  }

  #requireGateway(): HostEndpoint {
    if (this.#gateway === undefined) {
      throw new CodedError('CONFIG_INVALID', 'no LwM2M endpoint to attach the device to');
    }
    return this.#gateway;
  }

  /** Declares a device as an end device (an Update follows once registered). */
  #attach(gateway: HostEndpoint, device: CompiledDevice): EndDevicePlacement {
    const { prefix } = device;
    // each point's prefixed path is made once, when a change is first observed or sent, and kept
    // with the point (the runner's PointRecord): the engine's observation index finds it by identity
    const runner = this.#context.createRunner(
      device,
      (point, afterWrite) => gateway.report(point, afterWrite),
      prefix,
    );
    const info = mappedDeviceInfo(device, this.#context.hostVersion);
    gateway.client.addEndDevice({
      deviceId: device.endpoint,
      prefix,
      objects: withDeviceObject(runner.objectDeclarations(), info, this.#context.clock),
    });
    for (const { path, attributes } of mappingAttributes(device)) {
      gateway.client.attachAttributes(path.withPrefix(prefix), attributes);
    }
    const placement: EndDevicePlacement = { device, runner, endpoint: gateway, prefix };
    this.#placements.set(device.id, placement);
    return placement;
  }

  /** Removes the end device at once, then closes its runner. */
  async #detach(gateway: HostEndpoint, deviceId: string): Promise<void> {
    const placement = this.#placements.get(deviceId);
    if (placement === undefined) return;
    this.#placements.delete(deviceId);
    placement.runner.stopPolling();
    gateway.client.removeEndDevice(placement.prefix);
    await placement.runner.close();
  }

  /** The plan's ranges by prefix to the end devices; those whose ranges did not change keep going. */
  #route(plan: readonly SamplingEntry[]): void {
    if (this.#closing !== undefined) return;
    const byPrefix = rangesByPrefix(plan);
    for (const { prefix, runner } of this.#placements.values())
      runner.setObserved(byPrefix.get(prefix) ?? []);
  }
}
