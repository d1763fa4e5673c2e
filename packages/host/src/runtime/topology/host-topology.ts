import type { Clock } from '@lwm2m-adapters/kit';
import type { SamplingEntry } from '@lwm2m-adapters/lwm2m-client';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import type { LwM2mMode } from '../../ops/host-status.js';
import type { DeviceRunner } from '../device/device-runner.js';
import type { ChangedPoint } from '../device/point-record.js';
import type { ObservedRange } from '../device/poll-intervals.js';
import type { ClientEndpoint } from './client-endpoint.js';
import type { HostEndpoint, HostEndpointSettings } from './host-endpoint.js';

/** Where a topology placed one device. */
export interface DevicePlacement {
  readonly device: CompiledDevice;
  readonly runner: DeviceRunner;
  /** The endpoint that carries the device: the gateway's, or its own. */
  readonly endpoint: HostEndpoint;
  /** Gateway mode: the prefix of the device's paths on the gateway; undefined on its own endpoint. */
  readonly prefix: string | undefined;
}

/**
 * Reports a changed point value of one device: its path under the prefix the runner was made with
 * (none: the path as the mapping gives it; an array point's: the resource, with one value per
 * instance).
 */
export type ValueReport = (point: ChangedPoint, afterWrite: boolean) => void;

/** What a topology needs of the host. */
export interface TopologyContext {
  readonly endpoints: HostEndpointSettings;
  /**
   * Makes the runner of a device, its value changes going to `report` with their paths under
   * `reportPrefix` (a gateway's end device). Throws CONFIG_INVALID.
   */
  readonly createRunner: (device: CompiledDevice, report: ValueReport, reportPrefix?: string) => DeviceRunner;
  /** Shown in /3 Software Version. */
  readonly hostVersion: string;
  readonly clock: Clock;
}

/**
 * How the host's devices meet the LwM2M server: as end devices behind one gateway endpoint, or as
 * endpoints of their own. A topology owns the endpoints and the placement of each device: it
 * declares a device's objects (paths under the device's prefix, built with LwM2mPath), routes each
 * endpoint's sampling plan to the runners it concerns, and carries value changes the other way.
 * Runners are made through the context and started by the host; the topology closes them.
 */
export interface HostTopology {
  readonly mode: LwM2mMode;
  /** Opens the endpoints, attaches `devices` and starts registering. Runners are not started. */
  start(devices: readonly CompiledDevice[]): Promise<readonly DevicePlacement[]>;
  /**
   * Detaches the devices `leaving` (by id; their runners are closed) and attaches `arriving`, in
   * the order the topology needs; returns the new placements, runners not started. A device
   * attached before an error stays attached, and is closed with the topology.
   */
  replace(
    leaving: readonly string[],
    arriving: readonly CompiledDevice[],
  ): Promise<readonly DevicePlacement[]>;
  placement(deviceId: string): DevicePlacement | undefined;
  /** Every attached device, in attach order. */
  placements(): readonly DevicePlacement[];
  /** The endpoint a device is on; without an id, the gateway's (undefined when there is none). */
  endpointFor(deviceId?: string): ClientEndpoint | undefined;
  /** Every endpoint, in status order: the shared one, then the devices' own in attach order. */
  endpoints(): readonly HostEndpoint[];
  /**
   * Stops routing sampling plans and shuts down (see `shutDown`); devices are detached, the
   * shared endpoint stays listed with its final status. Idempotent.
   */
  close(): Promise<void>;
}

/** Longest wait on close for Send batches to go out. */
export const SEND_FLUSH_ON_CLOSE_MS = 5_000;

/**
 * A sampling plan as observed ranges by prefix (undefined for paths without one), paths without
 * the prefix: the device runners' view. One pass over the plan.
 */
export function rangesByPrefix(plan: readonly SamplingEntry[]): Map<string | undefined, ObservedRange[]> {
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
      ...(entry.minNotifySeconds === undefined ? {} : { pminMs: entry.minNotifySeconds * 1000 }),
      ...(entry.step === undefined ? {} : { step: entry.step }),
    });
  }
  return byPrefix;
}

/** Waits for `work`, but no longer than `ms` on `clock`. */
async function settledWithin(clock: Clock, ms: number, work: Promise<unknown>): Promise<void> {
  let cancel: (() => void) | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (cancel = clock.setTimer(ms, resolve)))]);
  cancel?.();
}

/**
 * The shutdown of endpoints and the devices on them, step by step across all of them: polling
 * stops, what Send batches hold goes out (at most SEND_FLUSH_ON_CLOSE_MS: a server that never
 * answers must not hold shutdown for CoAP's 93 s; what is still in flight fails when the socket
 * closes), every endpoint de-registers (bounded wait), the device sessions close, then the sockets.
 */
export async function shutDown(
  endpoints: readonly HostEndpoint[],
  placements: readonly DevicePlacement[],
  clock: Clock,
): Promise<void> {
  for (const placement of placements) placement.runner.stopPolling();
  await settledWithin(
    clock,
    SEND_FLUSH_ON_CLOSE_MS,
    Promise.allSettled(endpoints.map((endpoint) => endpoint.flushSends())),
  );
  await Promise.allSettled(endpoints.map((endpoint) => endpoint.deregister()));
  await Promise.allSettled(placements.map((placement) => placement.runner.close()));
  await Promise.allSettled(endpoints.map((endpoint) => endpoint.closeSocket()));
}
