import type { ResourceDefinition, ResourceOperations } from '@lwm2m-adapters/lwm2m-core';
import type { AdapterCapabilities, PointAccess } from '@lwm2m-adapters/sdk';

/** How access is written in a mapping. */
export type AccessText = 'r' | 'w' | 'rw' | 'execute';

export const READ_ONLY: PointAccess = Object.freeze({ read: true, write: false, execute: false });

export function accessOf(text: AccessText): PointAccess {
  return {
    read: text === 'r' || text === 'rw',
    write: text === 'w' || text === 'rw',
    execute: text === 'execute',
  };
}

/** The access a bound point gets when the mapping does not say: execute for E, w for W, r otherwise. */
export function defaultAccessText(operations: ResourceOperations): AccessText {
  if (operations === 'E') return 'execute';
  if (operations === 'W') return 'w';
  return 'r';
}

/** What access values a resource allows, for messages. */
export function allowedAccessText(operations: ResourceOperations): string {
  switch (operations) {
    case 'R':
      return 'access: r';
    case 'W':
      return 'access: w';
    case 'RW':
      return 'access: r, w or rw';
    case 'E':
      return 'access: execute';
    default:
      return 'no binding (the resource allows no operation)';
  }
}

/** Why `access` is not allowed on the resource, or undefined when it is. */
export function accessProblem(access: PointAccess, resource: ResourceDefinition): string | undefined {
  const ops = resource.operations;
  const name = `resource ${resource.id} "${resource.name}"`;
  if (access.execute && ops !== 'E') return `${name} is not executable (operations ${ops || 'none'})`;
  if (!access.execute && ops === 'E') return `${name} is executable (operations E)`;
  if (access.write && !ops.includes('W')) return `${name} is read-only (operations ${ops || 'none'})`;
  if (access.read && !ops.includes('R')) return `${name} is write-only (operations ${ops || 'none'})`;
  return undefined;
}

/** The operation the adapter cannot do, or undefined. */
export function capabilityProblem(
  access: PointAccess,
  capabilities: AdapterCapabilities,
): string | undefined {
  if (access.read && !capabilities.read) return 'read';
  if (access.write && !capabilities.write) return 'write';
  if (access.execute && !capabilities.execute) return 'execute';
  return undefined;
}
