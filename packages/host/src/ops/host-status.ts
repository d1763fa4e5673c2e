import type { ObservationStats, RegistrationState } from '@lwm2m-adapters/lwm2m-client';
import type { SessionState } from '@lwm2m-adapters/sdk';
import type { DeviceHealth } from '../runtime/device/device-health.js';
import type { DeviceRunnerStats } from '../runtime/device/device-runner.js';

export type LwM2mMode = 'gateway' | 'per-device';

/** One LwM2M endpoint of the host (the gateway, or one device in per-device mode). */
export interface EndpointStatus {
  readonly endpoint: string;
  readonly registration: RegistrationState;
  /** Why the last Register/Update failed, while not registered. */
  readonly lastError: string | undefined;
  readonly observations: ObservationStats;
  /** CoAP messages dropped by the endpoint, by reason. */
  readonly coapDropped: Readonly<Record<string, number>>;
  readonly coapRetransmissions: number;
  readonly sendMessages: number;
  readonly sendValues: number;
  readonly sendFailures: number;
}

export interface DeviceStatus {
  readonly id: string;
  /** The endpoint that carries it (its own in per-device mode, the gateway's otherwise). */
  readonly endpoint: string;
  /** Gateway mode: the path prefix. */
  readonly prefix: string | undefined;
  readonly adapter: string;
  readonly connection: SessionState;
  /** Why the session is not connected, while it is not. */
  readonly lastError: string | undefined;
  /** Whether the device answers, from its reads (a connected session may reach a dead device). */
  readonly health: DeviceHealth;
  readonly stats: DeviceRunnerStats;
}

/**
 * What a device is, in one word: its session state while not connected, else `ok` or
 * `unresponsive` (connected, but its last reads went unanswered).
 */
export type DeviceState = Exclude<SessionState, 'connected'> | DeviceHealth['state'];

export function deviceState(device: DeviceStatus): DeviceState {
  return device.connection === 'connected' ? device.health.state : device.connection;
}

/** A snapshot of the whole host, for /healthz, metrics and the terminal status. */
export interface HostStatus {
  readonly mode: LwM2mMode;
  readonly mapping: { readonly file: string; readonly sha256: string };
  readonly startedAt: number;
  readonly endpoints: readonly EndpointStatus[];
  readonly devices: readonly DeviceStatus[];
  readonly reloads: number;
  readonly lastReloadError: string | undefined;
}

/** Healthy when every endpoint is registered and every device connected and answering. */
export function isHealthy(status: HostStatus): boolean {
  return (
    status.endpoints.every((e) => e.registration === 'registered' || e.registration === 'updating') &&
    status.devices.every((d) => deviceState(d) === 'ok')
  );
}
