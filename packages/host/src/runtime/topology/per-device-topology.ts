import type { Clock } from '@lwm2m-adapters/kit';
import type { DeviceInfo, LwM2mClient, ObjectDeclaration, SamplingEntry } from '@lwm2m-adapters/lwm2m-client';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import {
  DEVICE_OBJECT,
  mappedDeviceInfo,
  mappingAttributes,
  withDeviceObject,
} from '../device/device-objects.js';
import type { ClientEndpoint } from './client-endpoint.js';
import { HostEndpoint } from './host-endpoint.js';
import {
  type DevicePlacement,
  type HostTopology,
  rangesByPrefix,
  shutDown,
  type TopologyContext,
} from './host-topology.js';

/** A device on its own endpoint, with what to undo when it leaves. */
interface OwnPlacement extends DevicePlacement {
  readonly prefix: undefined;
  readonly unsubscribe: () => void;
}

/**
 * Declares a device's objects on its own client. The client engine declares /3 itself when it is
 * created, from a DeviceInfo (the host passes `mappedDeviceInfo`), and a DeviceInfo carries only
 * the standard text resources: not resources the mapping binds to the device or maps to constants
 * (Battery Level, Memory Free...), nor the object version the mapping declares. So when the
 * mapping maps /3 resources, the engine's /3 is replaced by the merged one, before the client
 * registers (no Update goes out for it); otherwise the engine's /3 is the host's already.
 * Declaring /3 once would need the engine to take a /3 declaration instead of a DeviceInfo.
 */
function declareOwnObjects(
  client: LwM2mClient,
  objects: ReadonlyMap<number, ObjectDeclaration>,
  info: DeviceInfo,
  clock: Clock,
): void {
  for (const [objectId, declaration] of withDeviceObject(objects, info, clock)) {
    if (objectId !== DEVICE_OBJECT) client.objects.defineObject(objectId, declaration);
    else if (objects.has(DEVICE_OBJECT)) {
      client.objects.removeObject(DEVICE_OBJECT);
      client.objects.defineObject(DEVICE_OBJECT, declaration);
    }
  }
}

/** Closes an endpoint no device got attached to. */
async function discard(endpoint: HostEndpoint): Promise<void> {
  await endpoint.deregister();
  await endpoint.closeSocket();
}

/**
 * Per-device mode: every device is an LwM2M client endpoint of its own (its endpoint name, its
 * socket, its /3), with its paths unprefixed. Each endpoint's sampling plan goes to its device.
 */
export class PerDeviceTopology implements HostTopology {
  readonly mode = 'per-device' as const;
  readonly #context: TopologyContext;
  readonly #placements = new Map<string, OwnPlacement>();
  #closing: Promise<void> | undefined;

  constructor(context: TopologyContext) {
    this.#context = context;
  }

  async start(devices: readonly CompiledDevice[]): Promise<readonly DevicePlacement[]> {
    const opened = await Promise.allSettled(devices.map((device) => this.#open(device)));
    const endpoints = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed !== undefined) {
      await Promise.allSettled(endpoints.map(discard));
      throw failed.reason;
    }
    const placed: OwnPlacement[] = [];
    for (const [i, device] of devices.entries()) {
      try {
        placed.push(this.#attach(device, endpoints[i]!));
      } catch (error) {
        await Promise.allSettled(endpoints.slice(i).map(discard));
        throw error;
      }
    }
    for (const { endpoint } of placed) endpoint.start();
    return placed;
  }

  async replace(
    leaving: readonly string[],
    arriving: readonly CompiledDevice[],
  ): Promise<readonly DevicePlacement[]> {
    // one at a time, and every leaving endpoint gone (de-registered, socket closed) before a new
    // one registers: a changed device comes back under the same endpoint name
    for (const id of leaving) await this.#detach(id);
    const placed: OwnPlacement[] = [];
    for (const device of arriving) {
      const endpoint = await this.#open(device);
      try {
        placed.push(this.#attach(device, endpoint));
      } catch (error) {
        await discard(endpoint);
        throw error;
      }
      endpoint.start();
    }
    return placed;
  }

  placement(deviceId: string): DevicePlacement | undefined {
    return this.#placements.get(deviceId);
  }

  placements(): readonly DevicePlacement[] {
    return [...this.#placements.values()];
  }

  endpointFor(deviceId?: string): ClientEndpoint | undefined {
    return deviceId === undefined ? undefined : this.#placements.get(deviceId)?.endpoint.endpoint;
  }

  endpoints(): readonly HostEndpoint[] {
    return [...this.#placements.values()].map((placement) => placement.endpoint);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const placements = [...this.#placements.values()];
      await shutDown(this.endpoints(), placements, this.#context.clock);
      for (const placement of placements) placement.unsubscribe();
      this.#placements.clear();
    })();
    return this.#closing;
  }

  #open(device: CompiledDevice): Promise<HostEndpoint> {
    return HostEndpoint.open(
      this.#context.endpoints,
      device.endpoint,
      false,
      mappedDeviceInfo(device, this.#context.hostVersion),
    );
  }

  /** Declares the device on its endpoint (which then starts registering). */
  #attach(device: CompiledDevice, endpoint: HostEndpoint): OwnPlacement {
    const runner = this.#context.createRunner(device, (point, afterWrite) =>
      endpoint.report(point, afterWrite),
    );
    const info = mappedDeviceInfo(device, this.#context.hostVersion);
    declareOwnObjects(endpoint.client, runner.objectDeclarations(), info, this.#context.clock);
    for (const { path, attributes } of mappingAttributes(device)) {
      endpoint.client.attachAttributes(path, attributes);
    }
    const placement: OwnPlacement = {
      device,
      runner,
      endpoint,
      prefix: undefined,
      unsubscribe: endpoint.client.on('sampling', (plan) => this.#route(placement, plan)),
    };
    this.#placements.set(device.id, placement);
    return placement;
  }

  /** Stops the device and its endpoint: Sends out, de-registered, session closed, socket closed. */
  async #detach(deviceId: string): Promise<void> {
    const placement = this.#placements.get(deviceId);
    if (placement === undefined) return;
    this.#placements.delete(deviceId);
    placement.runner.stopPolling();
    placement.unsubscribe();
    await placement.endpoint.flushSends();
    await placement.endpoint.deregister();
    await placement.runner.close();
    await placement.endpoint.closeSocket();
  }

  #route(placement: OwnPlacement, plan: readonly SamplingEntry[]): void {
    if (this.#closing !== undefined) return;
    placement.runner.setObserved(rangesByPrefix(plan).get(undefined) ?? []);
  }
}
