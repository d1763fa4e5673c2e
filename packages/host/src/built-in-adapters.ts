import { fileURLToPath } from 'node:url';

/**
 * Adapters that come with the host, by the short name a mapping uses → their npm package. They are
 * dependencies of the host's package.json and loaded by name at run time like any other adapter,
 * only resolved from the host's own folder, so a mapping anywhere finds them. Nothing imports them.
 */
export const BUILT_IN_ADAPTERS: Readonly<Record<string, string>> = Object.freeze({
  modbus: '@lwm2m-adapters/modbus',
  opcua: '@lwm2m-adapters/opcua',
});

/** Where built-in adapters are resolved from: this file's folder inside the installed host. */
export const BUILT_IN_ADAPTERS_FROM = fileURLToPath(new URL('.', import.meta.url));

/** The package of a built-in adapter's short name, or undefined. */
export function builtInAdapterPackage(name: string): string | undefined {
  return Object.hasOwn(BUILT_IN_ADAPTERS, name) ? BUILT_IN_ADAPTERS[name] : undefined;
}
