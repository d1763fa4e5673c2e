import type { AdapterResolver } from '@lwm2m-adapters/mapping';
import { type AdapterDefinition, loadAdapter } from '@lwm2m-adapters/sdk';
import { builtInAdapters } from './built-in-adapters.js';

/**
 * Resolves adapter names of a mapping: bundled adapters by short name, anything else as an npm
 * package installed next to the mapping file (or in the current project). Each name is loaded once.
 */
export function createAdapterResolver(
  from: string,
  extra: Readonly<Record<string, AdapterDefinition>> = {},
): AdapterResolver {
  const builtIn = { ...builtInAdapters(), ...extra };
  const cache = new Map<string, Promise<AdapterDefinition>>();
  return (name) => {
    let entry = cache.get(name);
    if (entry === undefined) {
      entry = loadAdapter(name, { from, builtIn });
      cache.set(name, entry);
    }
    return entry;
  };
}
