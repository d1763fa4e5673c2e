import type { PointSpec } from './adapter-session.js';

/**
 * The optional simulator capability of an adapter (`AdapterDefinition.simulate`): serve a mapping's
 * devices from stand-ins listening where the mapping connects, so `adapter-host simulate` and
 * `adapter-host demo` run a mapping with no plant attached. The host hands over every device of the
 * mapping that uses the adapter; the adapter answers with the simulators it started and the devices
 * it cannot stand in for, each with the reason.
 */

/** A raw value a simulated point may be restricted to (the raw side of a mapping enumeration). */
export type SimulationValue = number | string | boolean;

/** One bound point of a device to simulate: as a session gets it, plus the values it may hold. */
export interface SimulationPoint<Point> extends PointSpec<Point> {
  /** The only raw values the point may take (so the host can convert every one); undefined: any of its type. */
  readonly values?: readonly SimulationValue[];
}

/** A device of the mapping, with its connection and points validated by the adapter's schemas. */
export interface SimulationDevice<Connection, Point> {
  readonly deviceId: string;
  readonly connection: Connection;
  readonly points: readonly SimulationPoint<Point>[];
}

/** Where a simulator listens, in the words of the adapter's connections. */
export interface SimulatorListener {
  /** How a connection reaches it, e.g. `tcp` or `rtu-over-tcp` for Modbus. */
  readonly protocol: string;
  /** `127.0.0.1:5020`, or a path. */
  readonly address: string;
}

/** One running simulator, serving one or more devices. `close` is idempotent. */
export interface SimulatorHandle extends AsyncDisposable {
  readonly deviceIds: readonly string[];
  readonly listeners: readonly SimulatorListener[];
  /** What it serves in the adapter's terms, e.g. `units 1, 2`; printed next to the device ids. */
  readonly detail?: string;
  close(): Promise<void>;
}

/** A device the adapter does not simulate, and why (e.g. on a serial line: the simulator must sit on its other end). */
export interface UnsimulatedDevice {
  readonly deviceId: string;
  readonly reason: string;
}

/** What `simulate` returns: each device it was given is in exactly one simulator or in `unsimulated`. */
export interface AdapterSimulation {
  readonly simulators: readonly SimulatorHandle[];
  readonly unsimulated: readonly UnsimulatedDevice[];
}

/** Makes a handle from a close function: idempotent `close` and `Symbol.asyncDispose`. */
export function simulatorHandle(init: {
  readonly deviceIds: readonly string[];
  readonly listeners: readonly SimulatorListener[];
  readonly detail?: string;
  readonly close: () => Promise<void>;
}): SimulatorHandle {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= init.close();
    return closing;
  };
  return Object.freeze({
    deviceIds: Object.freeze([...init.deviceIds]),
    listeners: Object.freeze(init.listeners.map((l) => Object.freeze({ ...l }))),
    ...(init.detail === undefined ? {} : { detail: init.detail }),
    close,
    [Symbol.asyncDispose]: close,
  });
}
