import type { YamlPath } from './located-node.js';
import { safeMessage } from './safe-text.js';

/**
 * One problem in a mapping file, located at the YAML node it concerns. Its texts are safe to print:
 * control characters in them are written as `\uXXXX` escapes.
 */
export interface MappingIssue {
  readonly file: string;
  /** 1-based; absent when the problem is the file as a whole (no such file, a directory). */
  readonly line?: number;
  /** 1-based; absent with the line. */
  readonly column?: number;
  /** Keys and indices from the document root to the node, as written in the file. */
  readonly path: YamlPath;
  /** What is wrong, starting with what it concerns (`/3303/0/5700: ...`, `connection.port ...`). */
  readonly message: string;
  /** What would be valid. */
  readonly expected?: string;
  /**
   * The devices it concerns, when the node is shared by several (a template, or a device entry
   * with `instances`).
   */
  readonly devices?: readonly string[];
}

const DEVICES_SHOWN = 3;

/**
 * `plc.yml:12:7: /3303/0/5700: source.type "float33" is not valid; expected one of int16, ...`, or
 * `plc.yml: no such file` for the file as a whole. Control characters are escaped.
 */
export function formatMappingIssue(issue: MappingIssue): string {
  const expected = issue.expected === undefined ? '' : `; expected ${issue.expected}`;
  const where = issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`;
  return safeMessage(`${issue.file}${where}: ${issue.message}${expected}${formatDevices(issue.devices)}`);
}

function formatDevices(devices: readonly string[] | undefined): string {
  if (devices === undefined || devices.length === 0) return '';
  if (devices.length === 1) return ` (device ${devices[0]})`;
  const shown = devices.slice(0, DEVICES_SHOWN).join(', ');
  const more = devices.length - DEVICES_SHOWN;
  return more > 0 ? ` (devices ${shown} and ${more} more)` : ` (devices ${shown})`;
}

/** All issues, one per line, at most `limit` of them followed by a count of the rest. */
export function formatMappingIssues(issues: readonly MappingIssue[], limit = 100): string {
  const lines = issues.slice(0, limit).map(formatMappingIssue);
  if (issues.length > limit) lines.push(`... and ${issues.length - limit} more`);
  return lines.join('\n');
}
