import { CodedError } from '@lwm2m-adapters/errors';
import { z } from 'zod';
import type { AdapterDefinition } from './adapter-definition.js';
import type { PointAccess } from './adapter-session.js';
import type { AdapterSimulation, SimulationDevice, SimulationValue } from './adapter-simulator.js';

/** A device as the host passes it, before the adapter's schemas have validated it. */
export interface SimulationRequest {
  readonly deviceId: string;
  readonly connection: unknown;
  readonly points: readonly {
    readonly id: string;
    readonly source: unknown;
    readonly access: PointAccess;
    readonly values?: readonly SimulationValue[];
  }[];
}

const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  error: 'expected a function',
});

/** A handle made with `simulatorHandle` or alike: closeable, also with `await using`. */
const handleSchema = z
  .custom<object>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof Reflect.get(value, Symbol.asyncDispose) === 'function',
    { error: 'a simulator handle needs [Symbol.asyncDispose] (make it with simulatorHandle)' },
  )
  .pipe(
    z.object({
      deviceIds: z.array(z.string()).min(1),
      listeners: z.array(z.object({ protocol: z.string().min(1), address: z.string().min(1) })).min(1),
      detail: z.string().optional(),
      close: callable,
    }),
  );

const simulationSchema = z.object({
  simulators: z.array(handleSchema),
  unsimulated: z.array(z.object({ deviceId: z.string(), reason: z.string().min(1) })),
});

/** Every requested device exactly once, nothing else. */
function accountingIssues(simulation: AdapterSimulation, requested: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const id of [
    ...simulation.simulators.flatMap((s) => s.deviceIds),
    ...simulation.unsimulated.map((u) => u.deviceId),
  ]) {
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const issues: string[] = [];
  for (const id of requested) {
    const count = seen.get(id) ?? 0;
    if (count === 0)
      issues.push(`device ${JSON.stringify(id)} is neither simulated nor listed as unsimulated`);
    if (count > 1) issues.push(`device ${JSON.stringify(id)} is answered ${count} times`);
  }
  for (const id of seen.keys()) {
    if (!requested.includes(id)) issues.push(`device ${JSON.stringify(id)} was not asked for`);
  }
  return issues;
}

async function closeQuietly(value: unknown): Promise<void> {
  const simulators = (value as { simulators?: unknown } | null | undefined)?.simulators;
  if (!Array.isArray(simulators)) return;
  await Promise.allSettled(
    simulators.map(async (s: unknown) => {
      const close = (s as { close?: unknown } | null | undefined)?.close;
      if (typeof close === 'function') await close.call(s);
    }),
  );
}

/**
 * Asks an adapter to simulate its devices of a mapping. Connections and point sources go through
 * the adapter's own schemas first; what comes back is checked (one answer per device, handles that
 * can be closed), and a wrong answer closes what it started and fails with ADAPTER_INVALID. An
 * adapter without the capability leaves every device unsimulated, saying so.
 */
export async function simulateDevices(
  adapter: AdapterDefinition,
  devices: readonly SimulationRequest[],
): Promise<AdapterSimulation> {
  if (adapter.simulate === undefined) {
    return {
      simulators: [],
      unsimulated: devices.map((d) => ({
        deviceId: d.deviceId,
        reason: `adapter "${adapter.name}" has no simulator; not simulated`,
      })),
    };
  }
  if (devices.length === 0) return { simulators: [], unsimulated: [] };
  const validated: SimulationDevice<unknown, unknown>[] = devices.map((d) => ({
    deviceId: d.deviceId,
    connection: adapter.connectionSchema.parse(d.connection),
    points: d.points.map((p) => ({
      id: p.id,
      source: adapter.pointSchema.parse(p.source),
      access: p.access,
      ...(p.values === undefined ? {} : { values: p.values }),
    })),
  }));
  const answer: unknown = await adapter.simulate(validated);
  const checked = simulationSchema.safeParse(answer);
  const issues = checked.success
    ? accountingIssues(
        answer as AdapterSimulation,
        devices.map((d) => d.deviceId),
      )
    : checked.error.issues.map((i) => `${i.path.join('.') || 'the answer'}: ${i.message}`);
  if (issues.length > 0) {
    await closeQuietly(answer);
    throw new CodedError(
      'ADAPTER_INVALID',
      `adapter "${adapter.name}" answered simulate() wrongly: ${issues.join('; ')}`,
      { details: { adapter: adapter.name, issues } },
    );
  }
  return answer as AdapterSimulation;
}
