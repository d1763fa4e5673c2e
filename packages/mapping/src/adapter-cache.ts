import { isCodedError } from '@lwm2m-adapters/errors';
import { type AdapterDefinition, isAdapterDefinition } from '@lwm2m-adapters/sdk';

/**
 * Gives the adapter for a name used in a mapping (`modbus`, `@acme/lwm2m-adapter-bacnet`). The host
 * passes one backed by `loadAdapter` from @lwm2m-adapters/sdk; tests pass fixtures. Throw a
 * CodedError (ADAPTER_NOT_FOUND, ADAPTER_INCOMPATIBLE, ADAPTER_INVALID) when it cannot.
 */
export type AdapterResolver = (name: string) => Promise<AdapterDefinition> | AdapterDefinition;

export type AdapterResolution =
  | { readonly ok: true; readonly adapter: AdapterDefinition }
  | { readonly ok: false; readonly message: string };

/** Resolves each adapter name once per compile. */
export class AdapterCache {
  readonly #resolver: AdapterResolver;
  readonly #results = new Map<string, Promise<AdapterResolution>>();

  constructor(resolver: AdapterResolver) {
    this.#resolver = resolver;
  }

  resolve(name: string): Promise<AdapterResolution> {
    let result = this.#results.get(name);
    if (result === undefined) {
      result = this.#load(name);
      this.#results.set(name, result);
    }
    return result;
  }

  async #load(name: string): Promise<AdapterResolution> {
    try {
      const adapter: unknown = await this.#resolver(name);
      if (!isAdapterDefinition(adapter)) {
        return {
          ok: false,
          message: `adapter "${name}" did not resolve to an adapter definition (made with defineAdapter)`,
        };
      }
      return { ok: true, adapter };
    } catch (error) {
      if (isCodedError(error)) return { ok: false, message: error.message };
      return {
        ok: false,
        message: `adapter "${name}" failed to load: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}
