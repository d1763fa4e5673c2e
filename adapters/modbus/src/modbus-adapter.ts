import { type AdapterDefinition, type AdapterLogger, defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { type ModbusConnection, modbusConnectionSchema } from './config/connection-schema.js';
import { checkModbusPoints } from './config/point-checks.js';
import { type ModbusPoint, modbusPointSchema } from './config/point-schema.js';
import { dataTypeValueKind, integerTypeBits } from './data/data-types.js';
import { resolvedType } from './data/point-layout.js';
import { validateModbusWrite } from './data/write-validation.js';
import type { ModbusByteStreamOpener } from './link/byte-stream.js';
import type { LinkClock } from './link/link-clock.js';
import { ModbusLinkRegistry } from './link/link-registry.js';
import { openModbusByteStream } from './link/open-byte-stream.js';
import { describeModbusPlan } from './plan/describe-plan.js';
import { createModbusProbe } from './probe/modbus-probe.js';
import { ModbusSession } from './session/modbus-session.js';

/** Version of this adapter package (kept equal to package.json by a test). */
export const MODBUS_ADAPTER_VERSION = '0.1.0';

export interface ModbusAdapterOptions {
  /** Opens TCP connections and serial ports; replace it to run sessions over in-memory devices in tests. */
  readonly openByteStream?: ModbusByteStreamOpener;
  /** Jitter source of the reconnect backoff (default Math.random). */
  readonly random?: () => number;
  /** Logger for link events (link lost, unit quarantined); default: the logger of the session that opened the link. */
  readonly logger?: AdapterLogger;
  /**
   * Time of the links: request timeouts, quarantine periods, serial line silences (default: the
   * system's). A benchmark passes a virtual clock to run minutes of a link in milliseconds.
   */
  readonly clock?: LinkClock;
}

/** What `createModbusAdapter` returns: the adapter definition plus its link registry's size (for tests and metrics). */
export type ModbusAdapter = AdapterDefinition<ModbusConnection, ModbusPoint> & {
  /** Links currently open (devices on one serial port or TCP endpoint share one). */
  openLinks(): number;
};

/**
 * Creates a Modbus adapter instance. Sessions created by one instance share links: devices on the
 * same serial port, or on the same TCP host:port, use one connection and one request queue. A host
 * creates one instance for all its devices (the package's `createAdapter` export, which the SDK's
 * loader calls for a fresh instance); `adapter`, the default export, is one shared instance.
 */
export function createModbusAdapter(options: ModbusAdapterOptions = {}): ModbusAdapter {
  const registry = new ModbusLinkRegistry({
    openByteStream: options.openByteStream ?? openModbusByteStream,
    random: options.random ?? Math.random,
    logger: options.logger,
    clock: options.clock,
  });
  const definition = defineAdapter<ModbusConnection, ModbusPoint>({
    name: 'modbus',
    version: MODBUS_ADAPTER_VERSION,
    sdkVersion: `^${SDK_VERSION}`,
    capabilities: { read: true, write: true, execute: true, subscribe: false },
    connectionSchema: modbusConnectionSchema,
    pointSchema: modbusPointSchema,
    pointValueKind: (point) => dataTypeValueKind(resolvedType(point)),
    pointValueBits: (point) => integerTypeBits(resolvedType(point)),
    checkPoints: checkModbusPoints,
    validateWrite: validateModbusWrite,
    plan: describeModbusPlan,
    createSession: (context) => new ModbusSession(context, registry),
    probe: createModbusProbe((context) => new ModbusSession(context, registry)),
    // the simulator engine is loaded only when asked to simulate
    simulate: async (devices) => (await import('./start-simulators.js')).startModbusSimulators(devices),
  });
  return Object.freeze({ ...definition, openLinks: () => registry.size });
}
