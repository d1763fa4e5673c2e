import type { StructuredLogger } from '@lwm2m-adapters/kit';
import { silentLogger } from '@lwm2m-adapters/kit';
import type { AdapterSession, PointReading, PointSpec } from '@lwm2m-adapters/sdk';
import type { OpcuaPoint } from '../../src/config/point-schema.js';
import { adapter } from '../../src/index.js';

/** A session on the shared adapter, with test-friendly fast timeouts unless overridden. */
export function openSession(
  endpoint: string,
  points: PointSpec<unknown>[],
  extra: Record<string, unknown> = {},
  logger: StructuredLogger = silentLogger,
): AdapterSession {
  const connection = adapter.connectionSchema.parse({
    endpoint,
    reconnect: { initialMs: 100, maxMs: 1000 },
    keepAliveIntervalMs: 1000,
    publishingIntervalMs: 100,
    requestTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    ...extra,
  });
  return adapter.createSession({
    deviceId: 'boiler',
    connection,
    points: points.map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) as OpcuaPoint })),
    logger,
  });
}

export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A logger that keeps every line. */
export function memoryLogger(): StructuredLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function readValue(r: PointReading | undefined): unknown {
  if (r === undefined) throw new Error('no reading');
  if (!r.ok) throw new Error(`${r.pointId}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
