import type { ModbusConnection, ModbusTransportKind } from '../config/connection-schema.js';
import type { ModbusEndpoint } from './byte-stream.js';

/** Settings that belong to a link (shared by every device on it) rather than to one device. */
export interface LinkSettings {
  /** Identity of the physical link: `tcp://host:port`, `rtu-over-tcp://host:port`, `serial:/dev/ttyUSB0`. */
  readonly key: string;
  readonly transport: ModbusTransportKind;
  readonly endpoint: ModbusEndpoint;
  readonly maxInFlight: number;
  readonly maxQueue: number;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  /** Serial framings: quiet time after an abandoned request. */
  readonly guardMs: number;
}

/** RTU needs 3.5 character times of silence between frames (fixed at 1.75 ms above 19200 baud). */
export function rtuInterFrameMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}

/** The link part of a device's connection settings. */
export function linkSettingsOf(connection: ModbusConnection): LinkSettings {
  const common = {
    transport: connection.transport,
    maxQueue: connection.maxQueue,
    reconnect: { initialMs: connection.reconnect.initialMs, maxMs: connection.reconnect.maxMs },
  };
  switch (connection.transport) {
    case 'tcp':
    case 'rtu-over-tcp':
      return {
        ...common,
        key: `${connection.transport}://${connection.host}:${connection.port}`,
        endpoint: {
          kind: 'socket',
          host: connection.host,
          port: connection.port,
          connectTimeoutMs: connection.connectTimeoutMs,
        },
        maxInFlight: connection.transport === 'tcp' ? connection.maxInFlight : 1,
        guardMs: connection.transport === 'rtu-over-tcp' ? connection.guardMs : 0,
      };
    case 'rtu':
    case 'ascii':
      return {
        ...common,
        key: `serial:${connection.path}`,
        endpoint: {
          kind: 'serial',
          path: connection.path,
          baudRate: connection.baudRate,
          dataBits: connection.dataBits,
          parity: connection.parity,
          stopBits: connection.stopBits,
        },
        maxInFlight: 1,
        guardMs: connection.guardMs,
      };
  }
}

/** Names of the link settings on which two devices disagree (empty when they can share the link). */
export function linkSettingConflicts(a: LinkSettings, b: LinkSettings): string[] {
  const flat = (s: LinkSettings): Record<string, unknown> => ({
    transport: s.transport,
    ...s.endpoint,
    maxInFlight: s.maxInFlight,
    maxQueue: s.maxQueue,
    'reconnect.initialMs': s.reconnect.initialMs,
    'reconnect.maxMs': s.reconnect.maxMs,
    guardMs: s.guardMs,
  });
  const fa = flat(a);
  const fb = flat(b);
  return Object.keys({ ...fa, ...fb }).filter((k) => fa[k] !== fb[k] && k !== 'kind');
}
