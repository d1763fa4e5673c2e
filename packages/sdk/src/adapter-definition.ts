import type { z } from 'zod';
import type { AdapterBrowse } from './adapter-browse.js';
import type { AdapterProbe } from './adapter-probe.js';
import type { AdapterLogger, AdapterSession, PointSpec, SessionContext } from './adapter-session.js';
import type { AdapterSimulation, SimulationDevice } from './adapter-simulator.js';
import type { RawValue, RawValueKind, RawValueShape } from './raw-value.js';

/** The SDK contract version adapters are built against (semver). */
export const SDK_VERSION = '0.2.1';

export interface AdapterCapabilities {
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
  /** Device-side change notification (e.g. OPC UA monitored items) instead of polling. */
  readonly subscribe: boolean;
}

/** A problem the adapter finds in its points (e.g. overlapping Modbus registers). */
export interface AdapterIssue {
  /** The point it concerns, or undefined for the connection. */
  readonly pointId: string | undefined;
  /** Key path inside the point's `source` (or connection) object, for precise error locations. */
  readonly field: readonly (string | number)[];
  readonly message: string;
}

/** A printable description of how the adapter will talk to the device (`adapter-host plan`). */
export interface AdapterPlan {
  /** Requests one full read of every readable point takes. */
  readonly requestsPerCycle: number;
  /** Human-readable lines, one per request or group. */
  readonly lines: readonly string[];
  /** Adapter-specific structured form (JSON-safe). */
  readonly details: unknown;
  /**
   * Advice that does not stop the mapping (`validate` and `plan` print it): an address that looks
   * like another numbering, a setting that would save requests.
   */
  readonly hints?: readonly AdapterIssue[];
}

/** What `checkPointsOnline` is given besides the device. */
export interface OnlineCheckOptions {
  /** The whole check's time budget. */
  readonly timeoutMs: number;
  readonly logger: AdapterLogger;
}

export interface AdapterDefinition<Connection = unknown, Point = unknown> {
  /** Marks the object as an adapter definition (checked when a package is loaded by name). */
  readonly kind: 'lwm2m-adapters/adapter';
  /** Short name used in mappings (`adapter: modbus`). */
  readonly name: string;
  /** The adapter package's own version. */
  readonly version: string;
  /** Semver range of the SDK contract it implements, e.g. "^0.2.0". */
  readonly sdkVersion: string;
  readonly capabilities: AdapterCapabilities;
  /** Connection settings of one device (host, port, unit id...). */
  readonly connectionSchema: z.ZodType<Connection>;
  /** Source binding of one point (register, type, byte order...). */
  readonly pointSchema: z.ZodType<Point>;
  /** Keys of the connection object that hold secrets (never printed or logged). */
  readonly secretConnectionKeys?: readonly string[];
  /** The kind of raw value a point yields, so the compiler can check it fits the LwM2M resource type. */
  pointValueKind(point: Point): RawValueKind;
  /**
   * Optional: whether a point yields one scalar or an array (each element of the kind above),
   * which the mapping binds to a multiple-instance resource. Default: scalar.
   */
  pointValueShape?(point: Point): RawValueShape;
  /**
   * Optional: the width in bits of an integer point's raw value (16 for a 16-bit register), so the
   * compiler can refuse a `bit: N` past it; undefined when the point has no fixed integer width.
   */
  pointValueBits?(point: Point): number | undefined;
  /** Checks a device's points together (overlaps, limits). Pure; no I/O. */
  checkPoints?(connection: Connection, points: readonly PointSpec<Point>[]): AdapterIssue[];
  /**
   * Optional: checks the points against the live device (`adapter-host validate --online`): nodes
   * or addresses the device does not have, data types that do not fit the point. Connects, checks
   * and disconnects within `options.timeoutMs`; throws a CodedError (DEVICE_UNREACHABLE,
   * DEVICE_TIMEOUT...) when it cannot reach the device. Without it, the host reads every readable
   * point once through a session and reports the points that fail.
   */
  checkPointsOnline?(
    connection: Connection,
    points: readonly PointSpec<Point>[],
    options: OnlineCheckOptions,
  ): Promise<AdapterIssue[]>;
  /** Validates a value before it is written; throws WRITE_VALUE_INVALID. Pure; no I/O. */
  validateWrite(point: Point, value: RawValue): void;
  /** Describes the read plan for the given points. Pure; no I/O. */
  plan?(connection: Connection, points: readonly PointSpec<Point>[]): AdapterPlan;
  createSession(context: SessionContext<Connection, Point>): AdapterSession;
  /**
   * Optional: starts simulators serving these devices where their connections point, for tests,
   * demos and `adapter-host simulate`. Every device given is either served by one returned
   * simulator or listed as unsimulated with the reason. On failure, closes what it started and
   * throws. Hosts call it through `simulateDevices`, which validates both sides.
   */
  simulate?(devices: readonly SimulationDevice<Connection, Point>[]): Promise<AdapterSimulation>;
  /** Optional: looks at a device before a mapping exists (`adapter-host probe <adapter> <target>`). */
  readonly probe?: AdapterProbe;
  /** Optional: explores a device by URL and proposes a mapping (`adapter-host browse <url>`). */
  readonly browse?: AdapterBrowse;
}

/** Identity helper that gives an adapter definition its types. */
export function defineAdapter<Connection, Point>(
  definition: Omit<AdapterDefinition<Connection, Point>, 'kind'>,
): AdapterDefinition<Connection, Point> {
  return Object.freeze({ kind: 'lwm2m-adapters/adapter', ...definition });
}

export function isAdapterDefinition(value: unknown): value is AdapterDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === 'lwm2m-adapters/adapter' &&
    typeof v.name === 'string' &&
    typeof v.sdkVersion === 'string' &&
    typeof v.createSession === 'function' &&
    typeof v.validateWrite === 'function' &&
    typeof v.pointValueKind === 'function' &&
    typeof v.connectionSchema === 'object' &&
    typeof v.pointSchema === 'object' &&
    (v.pointValueShape === undefined || typeof v.pointValueShape === 'function') &&
    (v.simulate === undefined || typeof v.simulate === 'function')
  );
}
