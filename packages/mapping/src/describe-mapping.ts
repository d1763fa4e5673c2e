import type { CompiledDevice, CompiledMapping } from './compiled-mapping.js';
import { formatDuration } from './duration.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function pointCounts(devices: readonly CompiledDevice[]): string {
  let bound = 0;
  let constants = 0;
  for (const device of devices) {
    for (const point of device.points) {
      if (point.kind === 'bound') bound++;
      else constants++;
    }
  }
  return `${plural(bound + constants, 'point')} (${bound} bound, ${plural(constants, 'constant')})`;
}

function objectList(device: CompiledDevice): string {
  return device.objects.map((object) => `/${object.objectId} (${object.instances.join(', ')})`).join(', ');
}

function pollSummary(device: CompiledDevice): string {
  const polls = new Set<number>();
  for (const point of device.points)
    if (point.kind === 'bound' && point.reporting.pollMs !== undefined) polls.add(point.reporting.pollMs);
  if (polls.size === 0) return '';
  return `, poll ${[...polls]
    .sort((a, b) => a - b)
    .map(formatDuration)
    .join('/')}`;
}

/**
 * A short human summary for `adapter-host validate`: totals, then one line per device (id,
 * adapter, prefix, endpoint, points, objects). No connection settings, so nothing secret.
 */
export function describeMapping(mapping: CompiledMapping, maxDevices = 50): string {
  const objectIds = new Set<number>();
  for (const device of mapping.devices) for (const object of device.objects) objectIds.add(object.objectId);
  const lines = [
    `${mapping.source.file}: ${plural(mapping.devices.length, 'device')}, ${pointCounts(mapping.devices)}, objects ${[...objectIds].sort((a, b) => a - b).join(', ')}`,
  ];
  for (const device of mapping.devices.slice(0, maxDevices)) {
    lines.push(
      `  ${device.id}: adapter ${device.adapter.name} ${device.adapter.version}, prefix ${device.prefix}, endpoint ${device.endpoint}, ${pointCounts([device])}${pollSummary(device)}, objects ${objectList(device)}`,
    );
  }
  if (mapping.devices.length > maxDevices)
    lines.push(`  ... and ${mapping.devices.length - maxDevices} more devices`);
  return `${lines.join('\n')}\n`;
}
