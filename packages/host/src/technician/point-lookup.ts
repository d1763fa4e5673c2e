import { CodedError } from '@lwm2m-adapters/errors';
import type { CompiledBoundPoint, CompiledDevice, CompiledMapping } from '@lwm2m-adapters/mapping';
import { gatewayPath } from './direct-devices.js';

/** A point of the mapping named by a path, and its device. */
export interface PointTarget {
  readonly device: CompiledDevice;
  readonly point: CompiledBoundPoint;
}

/**
 * The point a path names: `/prefix/3303/0/5700` (the gateway path), or `/3303/0/5700` when the
 * mapping has one device. Throws CONFIG_INVALID naming what the path could have meant.
 */
export function findPoint(mapping: CompiledMapping, path: string): PointTarget {
  const candidates: PointTarget[] = [];
  for (const device of mapping.devices) {
    for (const point of device.points) {
      if (point.kind !== 'bound') continue;
      const full = gatewayPath(device, point);
      if (full === path || (mapping.devices.length === 1 && point.path === path)) {
        candidates.push({ device, point });
      }
    }
  }
  const [found] = candidates;
  if (found !== undefined) return found;
  const constant = mapping.devices.some((d) =>
    d.points.some((p) => p.kind === 'constant' && `/${d.prefix}${p.path}` === path),
  );
  const prefixes = mapping.devices.map((d) => `/${d.prefix}`).join(', ');
  throw new CodedError(
    'CONFIG_INVALID',
    constant
      ? `${path} is a constant of the mapping: no device is read or written for it`
      : `no mapped point at ${JSON.stringify(path)}; a path is /<device prefix>/<object>/<instance>/<resource> (prefixes: ${prefixes})`,
  );
}
