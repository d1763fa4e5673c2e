import { setImmediate as yieldToIo } from 'node:timers/promises';
import { CodedError } from '@lwm2m-adapters/errors';
import {
  type PointReading,
  type RawValue,
  SessionBase,
  type SessionContext,
  type SessionStats,
  type Subscription,
  type SubscriptionOptions,
} from '@lwm2m-adapters/sdk';
import type { DeviceLink } from '../client/device-link.js';
import type { OpcuaConnection } from '../config/connection-schema.js';
import { isMethodPoint, type OpcuaPoint } from '../config/point-schema.js';
import { validateOpcuaWrite } from '../values/write-validation.js';

/**
 * A session with one OPC UA server. node-opcua is loaded when the session starts (not when the
 * adapter definition is imported), by the DeviceLink that holds the client, the server session,
 * the reconnection loop and the one subscription.
 */
export class OpcuaSession extends SessionBase<OpcuaConnection, OpcuaPoint> {
  #link: DeviceLink | undefined;
  readonly #random: (() => number) | undefined;

  constructor(context: SessionContext<OpcuaConnection, OpcuaPoint>, random?: () => number) {
    super(context);
    this.#random = random;
  }

  protected override async connect(): Promise<void> {
    // Loading node-opcua holds the thread for ~0.5 s: let I/O already queued go out first (the
    // host's Register, sent as the devices start: 1.1 s → 0.4 s from start to registered).
    await yieldToIo();
    const [{ DeviceLink }, { routeNodeOpcuaLogs }] = await Promise.all([
      import('../client/device-link.js'),
      import('../client/node-opcua-logs.js'),
    ]);
    routeNodeOpcuaLogs(this.context.logger);
    this.assertOpen();
    const link = new DeviceLink(
      this.context.connection,
      this.context.deviceId,
      this.context.points,
      this.context.logger,
      { setState: (state, error) => this.setState(state, error) },
      this.#random,
    );
    this.#link = link;
    await link.start();
  }

  protected override async disconnect(): Promise<void> {
    await this.#link?.close();
  }

  #requireLink(): DeviceLink {
    this.assertOpen();
    if (this.#link === undefined)
      throw new CodedError('DEVICE_UNREACHABLE', `the session of ${this.context.deviceId} is not started`);
    return this.#link;
  }

  async read(pointIds: readonly string[]): Promise<PointReading[]> {
    this.assertOpen();
    const refused = new Map<string, CodedError>();
    for (const id of pointIds) {
      const spec = this.points.get(id);
      if (spec === undefined)
        refused.set(
          id,
          new CodedError(
            'CONFIG_INVALID',
            `point ${id} is not part of the session of ${this.context.deviceId}`,
          ),
        );
      else if (!spec.access.read)
        refused.set(
          id,
          new CodedError('OPERATION_NOT_ALLOWED', `point ${id} of ${this.context.deviceId} is not readable`),
        );
      else if (isMethodPoint(spec.source))
        refused.set(
          id,
          new CodedError('DEVICE_OPERATION_UNSUPPORTED', `point ${id} is a method: it can only be executed`),
        );
    }
    const link = this.#link;
    const wanted = pointIds.filter((id) => !refused.has(id));
    const outcomes = link === undefined || wanted.length === 0 ? new Map() : await link.read(wanted);
    const now = Date.now();
    return pointIds.map((pointId): PointReading => {
      const error =
        refused.get(pointId) ??
        (link === undefined
          ? new CodedError('DEVICE_UNREACHABLE', `the session of ${this.context.deviceId} is not started`)
          : undefined);
      if (error !== undefined) return { pointId, ok: false, error, timestamp: now };
      const outcome = outcomes.get(pointId) ?? {
        ok: false,
        error: new CodedError('DEVICE_FAILURE', `no reading for ${pointId}`),
      };
      return outcome.ok
        ? { pointId, ok: true, value: outcome.value, timestamp: now }
        : { pointId, ok: false, error: outcome.error, timestamp: now };
    });
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.assertOpen();
    const spec = this.points.get(pointId);
    if (spec === undefined) this.pointSource(pointId);
    if (!spec?.access.write)
      throw new CodedError(
        'OPERATION_NOT_ALLOWED',
        `point ${pointId} of ${this.context.deviceId} is not writable`,
      );
    const point = spec.source;
    validateOpcuaWrite(point, value);
    if (isMethodPoint(point)) return;
    await this.#requireLink().write(pointId, point, value);
  }

  override async execute(pointId: string, args?: string): Promise<void> {
    this.assertOpen();
    const spec = this.points.get(pointId);
    if (spec === undefined) this.pointSource(pointId);
    if (!spec?.access.execute)
      throw new CodedError(
        'OPERATION_NOT_ALLOWED',
        `point ${pointId} of ${this.context.deviceId} is not executable`,
      );
    await this.#requireLink().execute(pointId, args);
  }

  async subscribe(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: (readings: readonly PointReading[]) => void,
  ): Promise<Subscription> {
    const link = this.#requireLink();
    const group = await link.subscribe(pointIds, options, listener);
    return {
      modify: (next) => link.modify(group, next),
      close: () => link.unsubscribe(group),
    };
  }

  override stats(): SessionStats {
    return { ...super.stats(), ...(this.#link?.stats() ?? { connectionState: 0 }) };
  }
}
