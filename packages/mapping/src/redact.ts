import type { CompiledDevice, CompiledMapping } from './compiled-mapping.js';
import { isJsonObject, type JsonValue } from './json-value.js';
import { escapeControlCharacters } from './safe-text.js';
import { REDACTED } from './secret-keys.js';

/** A copy of the device with every value at its `secretPaths` replaced by "[redacted]". */
export function redactDevice(device: CompiledDevice): CompiledDevice {
  let connection = device.connection;
  for (const pointer of device.secretPaths) {
    const segments = pointer
      .split('/')
      .slice(1)
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (segments[0] !== 'connection') continue;
    connection = replaceAt(connection, segments.slice(1));
  }
  return { ...device, connection };
}

function replaceAt(value: JsonValue, path: readonly string[]): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined) return REDACTED;
  if (Array.isArray(value)) {
    const index = Number(head);
    return value.map((item: JsonValue, i) => (i === index ? replaceAt(item, rest) : item));
  }
  if (isJsonObject(value) && Object.hasOwn(value, head)) {
    return { ...value, [head]: replaceAt(value[head] as JsonValue, rest) };
  }
  return value;
}

/** A copy of the mapping safe to print or log: secrets replaced by "[redacted]". */
export function redactCompiledMapping(mapping: CompiledMapping): CompiledMapping {
  return { ...mapping, devices: mapping.devices.map(redactDevice) };
}

/**
 * The mapping as indented JSON, secrets redacted (`adapter-host validate --print`). Safe to print:
 * the control characters JSON leaves as they are (DEL, C1, bidirectional overrides) are written as
 * `\uXXXX` escapes too, which read back as the same text.
 */
export function printCompiledMapping(mapping: CompiledMapping): string {
  return `${escapeControlCharacters(JSON.stringify(redactCompiledMapping(mapping), null, 2), { keepLineBreaks: true })}\n`;
}
