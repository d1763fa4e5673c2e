import type { Logger } from 'pino';
import { deviceState, type HostStatus } from './host-status.js';

/** The first report comes after the interval, but no later than this. */
const FIRST_REPORT_MAX_MS = 5_000;

/**
 * Logs one line per endpoint and per device now and then: registration and observations;
 * connection, points and points read per second. The line says it all for a terminal; the same
 * figures go under `report` for JSON logs (the pretty format leaves `report` out). Returns a stop
 * function.
 */
export function startStatusReporter(
  status: () => HostStatus,
  logger: Logger,
  intervalMs: number,
  now: () => number = Date.now,
): () => void {
  let previous: { at: number; reads: Map<string, number> } = { at: now(), reads: new Map() };
  const report = (): void => {
    const snapshot = status();
    const at = now();
    const seconds = Math.max(0.001, (at - previous.at) / 1000);
    const reads = new Map(snapshot.devices.map((d) => [d.id, d.stats.pointReads]));
    for (const endpoint of snapshot.endpoints) {
      const { active, notificationsSent } = endpoint.observations;
      logger.info(
        {
          report: {
            endpoint: endpoint.endpoint,
            registration: endpoint.registration,
            observations: active,
            notifications: notificationsSent,
          },
        },
        `${endpoint.endpoint}: ${endpoint.registration}, ${active} observation(s), ${notificationsSent} notification(s) sent`,
      );
    }
    for (const device of snapshot.devices) {
      const rate = readRate(reads.get(device.id) ?? 0, previous.reads.get(device.id), seconds);
      const { points, badPoints } = device.stats;
      const unresponsive = device.connection === 'connected' && device.health.state === 'unresponsive';
      logger.info(
        {
          report: {
            device: device.id,
            connection: device.connection,
            state: deviceState(device),
            points,
            badPoints,
            pointsPerSecond: Number(rate.toFixed(1)),
          },
        },
        `${device.id}${device.prefix === undefined ? '' : ` (/${device.prefix})`}: ${device.connection}${unresponsive ? ' but unresponsive' : ''}, ${points} point(s), ${rate.toFixed(1)} points/s${badPoints > 0 ? `, ${badPoints} failing` : ''}`,
      );
    }
    previous = { at, reads };
  };
  // one chain of timers: the first report, then one per interval after it (never two at once)
  let timer: NodeJS.Timeout;
  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => {
      report();
      schedule(intervalMs);
    }, delayMs);
    timer.unref();
  };
  schedule(Math.min(intervalMs, FIRST_REPORT_MAX_MS));
  return () => clearTimeout(timer);
}

/**
 * Points read per second between two reports. A reload that restarts a device starts its counter
 * again: a count below the previous one means a new runner, whose whole count is this interval's.
 */
export function readRate(now: number, before: number | undefined, seconds: number): number {
  const since = before === undefined || now < before ? 0 : before;
  return (now - since) / seconds;
}
