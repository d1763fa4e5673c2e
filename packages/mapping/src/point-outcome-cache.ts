import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import type { PointOutcome } from './compile-point.js';
import type { ReportingDefaults } from './compile-scope.js';
import { deepFreeze } from './deep-freeze.js';
import type { LocatedEntry } from './located-node.js';

/**
 * Compiled points of template entries, kept for the other devices of the template. A point entry
 * without `${...}` is the same node for every device that inherits it, and compiles to the same
 * point for the same adapter and reporting defaults: it is compiled once, and its compiled point
 * (frozen) is shared by those devices. Only clean compilations are kept, so every device still
 * gets its own issues. One cache per compilation.
 */
export class PointOutcomeCache {
  readonly #outcomes = new WeakMap<LocatedEntry, Map<string, PointOutcome>>();

  get(
    entry: LocatedEntry,
    adapter: AdapterDefinition | undefined,
    defaults: ReportingDefaults,
  ): PointOutcome | undefined {
    if (adapter === undefined || entry.value.hasReferences) return undefined;
    return this.#outcomes.get(entry)?.get(contextKey(adapter, defaults));
  }

  set(
    entry: LocatedEntry,
    adapter: AdapterDefinition | undefined,
    defaults: ReportingDefaults,
    outcome: PointOutcome,
  ): PointOutcome {
    if (adapter === undefined || entry.value.hasReferences) return outcome;
    let byContext = this.#outcomes.get(entry);
    if (byContext === undefined) {
      byContext = new Map();
      this.#outcomes.set(entry, byContext);
    }
    const shared = { ...outcome, point: deepFreeze(outcome.point) };
    byContext.set(contextKey(adapter, defaults), shared);
    return shared;
  }
}

function contextKey(adapter: AdapterDefinition, defaults: ReportingDefaults): string {
  return `${adapter.name}@${adapter.version}|${defaults.pollMs}|${defaults.pminMs}|${defaults.pmaxMs}|${defaults.deadband}|${defaults.pollOnDevice === true}`;
}
