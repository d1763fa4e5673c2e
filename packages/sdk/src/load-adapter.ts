import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodedError } from '@lwm2m-adapters/errors';
import semver from 'semver';
import { type AdapterDefinition, isAdapterDefinition, SDK_VERSION } from './adapter-definition.js';

/**
 * The npm package a name means first: `modbus` -> `@lwm2m-adapters/modbus`; anything with a scope
 * or a slash, or with `lwm2m-adapter` in it, is a package name as it is. See adapterPackageCandidates.
 */
export function adapterPackageName(nameOrPackage: string): string {
  if (nameOrPackage.startsWith('@') || nameOrPackage.includes('/')) return nameOrPackage;
  if (/^[a-z][a-z0-9-]*$/.test(nameOrPackage) && !nameOrPackage.includes('lwm2m-adapter')) {
    return `@lwm2m-adapters/${nameOrPackage}`;
  }
  return nameOrPackage;
}

/**
 * Every npm package a name may mean, in the order they are tried: a short name `foo` is
 * `@lwm2m-adapters/foo` (ours), then `lwm2m-adapter-foo` (the convention for community adapters);
 * a package name (scoped, with a slash, or containing `lwm2m-adapter`) is only itself.
 */
export function adapterPackageCandidates(nameOrPackage: string): readonly string[] {
  const first = adapterPackageName(nameOrPackage);
  return first === nameOrPackage ? [first] : [first, `lwm2m-adapter-${nameOrPackage}`];
}

export interface LoadAdapterOptions {
  /** Directory whose node_modules are searched (the mapping file's directory, or cwd), and their parents'. */
  readonly from: string;
  /**
   * More directories searched after `from`, in order: the host passes its own install folder, so
   * an adapter installed next to it (`npm install -g` beside a global host) is found too.
   */
  readonly alsoFrom?: readonly string[];
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
  const candidates = adapterPackageCandidates(nameOrPackage);
  const folders = [options.from, ...(options.alsoFrom ?? []).filter((f) => f !== options.from)];
  let found: { readonly packageName: string; readonly resolved: string } | undefined;
  let lastError: unknown;
  search: for (const folder of folders) {
    const require = createRequire(join(folder, 'noop.js'));
    for (const candidate of candidates) {
      try {
        found = { packageName: candidate, resolved: require.resolve(candidate) };
        break search;
      } catch (err) {
        lastError = err;
      }
    }
  }
  if (found === undefined) {
    const tried = candidates.map((c) => `npm package ${c}`).join(', then ');
    const where = folders.map((f) => `${f} (and its parent folders)`).join(', then from ');
    throw new CodedError(
      'ADAPTER_NOT_FOUND',
      `adapter "${nameOrPackage}" is not installed: tried ${tried}, resolved from ${where}; none is installed (install it with: npm install ${candidates[0]})`,
      { cause: lastError, details: { adapter: nameOrPackage, tried: candidates, from: folders } },
    );
  }
  const { packageName, resolved } = found;
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
