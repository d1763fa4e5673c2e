/**
 * Faults the simulator injects, changeable while it runs: a Bad status on chosen variables (reads,
 * writes or both) and a delay before every service request is handled. Restarts and dropped
 * connections are actions of the simulator itself, not state.
 */
import type { SimulatedBadStatus } from './config/simulator-config-schema.js';

export type FaultOperation = 'read' | 'write' | 'both';

export class SimulatorFaults {
  private readonly bad = new Map<string, { status: SimulatedBadStatus; on: FaultOperation }>();
  private delay = 0;

  setBadStatus(key: string, status: SimulatedBadStatus, on: FaultOperation): void {
    this.bad.set(key, { status, on });
  }

  clearBadStatus(key?: string): void {
    if (key === undefined) this.bad.clear();
    else this.bad.delete(key);
  }

  /** The Bad status a read (or write) of this variable answers with, if any. */
  badStatusFor(key: string, operation: 'read' | 'write'): SimulatedBadStatus | undefined {
    const fault = this.bad.get(key);
    if (fault === undefined) return undefined;
    return fault.on === 'both' || fault.on === operation ? fault.status : undefined;
  }

  get delayMs(): number {
    return this.delay;
  }

  set delayMs(ms: number) {
    if (!Number.isInteger(ms) || ms < 0 || ms > 600_000)
      throw new RangeError(`delayMs ${ms} is not 0..600000`);
    this.delay = ms;
  }
}
