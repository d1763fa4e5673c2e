import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodedError } from '@lwm2m-adapters/errors';
import semver from 'semver';
import { type AdapterDefinition, isAdapterDefinition, SDK_VERSION } from './adapter-definition.js';

/** `modbus` -> `@lwm2m-adapters/modbus`; anything with a scope or a slash is a package name as-is. */
export function adapterPackageName(nameOrPackage: string): string {
  if (nameOrPackage.startsWith('@') || nameOrPackage.includes('/')) return nameOrPackage;
  if (/^[a-z][a-z0-9-]*$/.test(nameOrPackage) && !nameOrPackage.includes('lwm2m-adapter')) {
    return `@lwm2m-adapters/${nameOrPackage}`;
  }
  return nameOrPackage;
}

export interface LoadAdapterOptions {
  /** Directory whose node_modules are searched (the mapping file's directory, or cwd). */
  readonly from: string;
  /** Already-imported adapters by short name, consulted first. */
  readonly builtIn?: Readonly<Record<string, AdapterDefinition>>;
  /**
   * Give a new, independent instance (own connections and links) when the package exports a
   * `createAdapter()` factory, instead of its shared default export. Hosts ask for one so that two
   * hosts in one process never share a link. Default false.
   */
  readonly fresh?: boolean;
}

/** Throws ADAPTER_INCOMPATIBLE unless the adapter's sdkVersion range accepts this SDK. */
export function assertSdkCompatible(adapter: AdapterDefinition, sdkVersion = SDK_VERSION): void {
  const range = semver.validRange(adapter.sdkVersion);
  if (range === null || !semver.satisfies(sdkVersion, range, { includePrerelease: true })) {
    throw new CodedError(
      'ADAPTER_INCOMPATIBLE',
      `adapter "${adapter.name}" ${adapter.version} needs SDK ${adapter.sdkVersion}, this host has SDK ${sdkVersion}`,
      { details: { adapter: adapter.name, needs: adapter.sdkVersion, have: sdkVersion } },
    );
  }
}

/**
 * Resolves an adapter by short name (`modbus`) or npm package name (`@acme/lwm2m-adapter-bacnet`)
 * from `options.from`, imports it, checks it exports an adapter definition (default export or
 * `adapter`; with `fresh`, what its `createAdapter()` export makes) and that its SDK range accepts
 * this SDK.
 */
export async function loadAdapter(
  nameOrPackage: string,
  options: LoadAdapterOptions,
): Promise<AdapterDefinition> {
  const builtIn = options.builtIn?.[nameOrPackage];
  if (builtIn !== undefined) {
    assertSdkCompatible(builtIn);
    return builtIn;
  }
  const packageName = adapterPackageName(nameOrPackage);
  const require = createRequire(join(options.from, 'noop.js'));
  let resolved: string;
  try {
    resolved = require.resolve(packageName);
  } catch (err) {
    throw new CodedError(
      'ADAPTER_NOT_FOUND',
      `adapter "${nameOrPackage}" is not installed: npm package ${packageName} cannot be resolved from ${options.from} (install it with: npm install ${packageName})`,
      { cause: err, details: { adapter: nameOrPackage, package: packageName } },
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (err) {
    throw new CodedError('ADAPTER_INVALID', `adapter package ${packageName} failed to load: ${String(err)}`, {
      cause: err,
    });
  }
  const factory = options.fresh === true ? module.createAdapter : undefined;
  let candidate: unknown = module.default ?? module.adapter;
  if (typeof factory === 'function') {
    try {
      candidate = await factory();
    } catch (err) {
      throw new CodedError(
        'ADAPTER_INVALID',
        `package ${packageName}: createAdapter() failed: ${String(err)}`,
        {
          cause: err,
          details: { package: packageName },
        },
      );
    }
  }
  if (!isAdapterDefinition(candidate)) {
    throw new CodedError(
      'ADAPTER_INVALID',
      typeof factory === 'function'
        ? `package ${packageName}: createAdapter() did not return an adapter definition (made with defineAdapter from @lwm2m-adapters/sdk)`
        : `package ${packageName} does not export an adapter definition (default export or "adapter", made with defineAdapter from @lwm2m-adapters/sdk)`,
      { details: { package: packageName } },
    );
  }
  assertSdkCompatible(candidate);
  return candidate;
}
