import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import {
  type CompiledBoundPoint,
  type CompiledDevice,
  type CompiledMapping,
  type SourceLocation,
  toLwm2mValue,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, AdapterIssue, PointReading } from '@lwm2m-adapters/sdk';
import type { Logger } from 'pino';

/** A point (or a device's connection) the live device disagrees with. */
export interface OnlineProblem {
  readonly deviceId: string;
  /** The point's path (without gateway prefix); undefined for a problem of the device as a whole. */
  readonly path: string | undefined;
  readonly location: SourceLocation;
  readonly message: string;
}

/** What `validate --online` found for one device. */
export type DeviceOnlineResult =
  | {
      readonly deviceId: string;
      readonly reached: true;
      readonly problems: readonly OnlineProblem[];
      readonly checked: number;
    }
  | {
      readonly deviceId: string;
      readonly reached: false;
      readonly location: SourceLocation;
      readonly error: CodedError;
    };

export interface OnlineCheckSettings {
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** Error codes that say a point is wrong, not that the device is away. */
function isPointFault(error: CodedError): boolean {
  return !error.retriable;
}

function boundPoints(device: CompiledDevice): CompiledBoundPoint[] {
  return device.points.filter((p): p is CompiledBoundPoint => p.kind === 'bound');
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CodedError('DEVICE_TIMEOUT', `${what} did not finish within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function locate(
  device: CompiledDevice,
  points: readonly CompiledBoundPoint[],
  issue: AdapterIssue,
): OnlineProblem {
  const point = issue.pointId === undefined ? undefined : points.find((p) => p.id === issue.pointId);
  return {
    deviceId: device.id,
    path: point?.path,
    location: point?.location ?? device.location,
    message: point === undefined ? `${device.id}: ${issue.message}` : `${point.path}: ${issue.message}`,
  };
}

/** The adapter's own online check. */
async function adapterCheck(
  device: CompiledDevice,
  adapter: AdapterDefinition,
  check: NonNullable<AdapterDefinition['checkPointsOnline']>,
  settings: OnlineCheckSettings,
): Promise<DeviceOnlineResult> {
  const points = boundPoints(device);
  const specs = points.map((p) => ({
    id: p.id,
    source: adapter.pointSchema.parse(p.source),
    access: p.access,
  }));
  const issues = await withTimeout(
    check.call(adapter, adapter.connectionSchema.parse(device.connection), specs, {
      timeoutMs: settings.timeoutMs,
      logger: settings.logger.child({ deviceId: device.id }),
    }),
    settings.timeoutMs + 1000,
    `the online check of ${device.id}`,
  );
  return {
    deviceId: device.id,
    reached: true,
    problems: issues.map((i) => locate(device, points, i)),
    checked: points.length,
  };
}

/**
 * The generic check for adapters without one of their own: a session reads every readable point
 * once; a point that fails for a reason that is not transient (address unknown, value rejected), or
 * whose value does not convert through the mapping, is a problem at its location.
 */
async function readCheck(
  device: CompiledDevice,
  adapter: AdapterDefinition,
  settings: OnlineCheckSettings,
): Promise<DeviceOnlineResult> {
  const points = boundPoints(device);
  const session = adapter.createSession({
    deviceId: device.id,
    connection: adapter.connectionSchema.parse(device.connection),
    points: points.map((p) => ({ id: p.id, source: adapter.pointSchema.parse(p.source), access: p.access })),
    logger: settings.logger.child({ deviceId: device.id }),
  });
  try {
    const readable = points.filter((p) => p.access.read);
    const readings: PointReading[] = await withTimeout(
      session.start().then(() => session.read(readable.map((p) => p.id))),
      settings.timeoutMs,
      `reading ${device.id}`,
    );
    const problems: OnlineProblem[] = [];
    let transient: CodedError | undefined;
    for (const reading of readings) {
      const point = readable.find((p) => p.id === reading.pointId);
      if (point === undefined) continue;
      if (!reading.ok) {
        if (isPointFault(reading.error))
          problems.push(
            locate(device, points, {
              pointId: point.id,
              field: [],
              message: `${reading.error.code}: ${reading.error.message}`,
            }),
          );
        else transient ??= reading.error;
        continue;
      }
      try {
        toLwm2mValue(point, reading.value);
      } catch (error) {
        const message = isCodedError(error) ? `${error.code}: ${error.message}` : String(error);
        problems.push(
          locate(device, points, {
            pointId: point.id,
            field: [],
            message: `the value read does not convert: ${message}`,
          }),
        );
      }
    }
    // every point failed transiently: the device is away, not the mapping wrong
    if (transient !== undefined && problems.length === 0 && readings.every((r) => !r.ok))
      return { deviceId: device.id, reached: false, location: device.location, error: transient };
    return { deviceId: device.id, reached: true, problems, checked: readable.length };
  } finally {
    await session.close();
  }
}

/**
 * `adapter-host validate --online`: checks each device of a mapping that compiles against the live
 * device, a few devices at a time, each within the time budget. A device that cannot be reached is
 * a result, not an exception.
 */
export async function checkMappingOnline(
  mapping: CompiledMapping,
  adapters: ReadonlyMap<string, AdapterDefinition>,
  settings: OnlineCheckSettings,
  concurrency = 4,
): Promise<DeviceOnlineResult[]> {
  const results: DeviceOnlineResult[] = new Array(mapping.devices.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < mapping.devices.length) {
      const index = next++;
      const device = mapping.devices[index] as CompiledDevice;
      const adapter = adapters.get(device.adapter.name);
      if (adapter === undefined)
        throw new Error(`adapter ${JSON.stringify(device.adapter.name)} of a compiled mapping is not loaded`);
      try {
        results[index] =
          adapter.checkPointsOnline === undefined
            ? await readCheck(device, adapter, settings)
            : await adapterCheck(device, adapter, adapter.checkPointsOnline, settings);
      } catch (cause) {
        const error = isCodedError(cause)
          ? cause
          : new CodedError('DEVICE_FAILURE', String(cause), { cause });
        results[index] = { deviceId: device.id, reached: false, location: device.location, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, mapping.devices.length) }, worker));
  return results;
}
