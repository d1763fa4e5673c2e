import type { AdapterResolver } from '@lwm2m-adapters/mapping';
import { type AdapterDefinition, loadAdapter } from '@lwm2m-adapters/sdk';
import { BUILT_IN_ADAPTERS_FROM, builtInAdapterPackage } from './built-in-adapters.js';

/**
 * Resolves adapter names of a mapping: `extra` definitions first, then the built-in adapters by
 * short name (their packages resolved from the host), anything else as an npm package (a short
 * name `foo`: `@lwm2m-adapters/foo`, then `lwm2m-adapter-foo`) installed next to the mapping file
 * (or in a parent folder of it), else next to the host (a global install beside a global host).
 * A name found nowhere fails with ADAPTER_NOT_FOUND listing every package and folder tried. Each name is loaded once per resolver, as a
 * fresh instance where the package can make one: hosts never share an adapter's links.
 */
export function createAdapterResolver(
  from: string,
  extra: Readonly<Record<string, AdapterDefinition>> = {},
): AdapterResolver {
  const cache = new Map<string, Promise<AdapterDefinition>>();
  const load = (name: string): Promise<AdapterDefinition> => {
    if (Object.hasOwn(extra, name)) return loadAdapter(name, { from, builtIn: extra });
    const builtIn = builtInAdapterPackage(name);
    return builtIn === undefined
      ? loadAdapter(name, { from, alsoFrom: [BUILT_IN_ADAPTERS_FROM], fresh: true })
      : loadAdapter(builtIn, { from: BUILT_IN_ADAPTERS_FROM, fresh: true });
  };
  return (name) => {
    let entry = cache.get(name);
    if (entry === undefined) {
      entry = load(name);
      cache.set(name, entry);
    }
    return entry;
  };
}
