import { dirname, resolve } from 'node:path';
import {
  type AdapterResolver,
  type CompiledMapping,
  type CompileMappingResult,
  compileMapping,
} from '@lwm2m-adapters/mapping';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { createAdapterResolver } from './adapter-resolver.js';

export interface LoadedMapping {
  readonly file: string;
  readonly mapping: CompiledMapping;
  readonly adapters: ReadonlyMap<string, AdapterDefinition>;
}

/** Compiles a mapping file with the host's adapter resolution; returns every issue on failure. */
export async function compileMappingFile(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  /** Reuse one across reloads so adapters (and their links) are loaded once. */
  resolver: AdapterResolver = createAdapterResolver(dirname(resolve(file))),
): Promise<{ result: CompileMappingResult; adapters: Map<string, AdapterDefinition> }> {
  const absolute = resolve(file);
  const adapters = new Map<string, AdapterDefinition>();
  const result = await compileMapping(absolute, {
    env,
    resolveAdapter: async (name) => {
      const adapter = await resolver(name);
      adapters.set(name, adapter);
      return adapter;
    },
  });
  return { result, adapters };
}
