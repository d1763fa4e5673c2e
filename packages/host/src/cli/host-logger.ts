import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { CommandOutput } from './command-output.js';

type PinoPretty = typeof import('pino-pretty');

/**
 * Fields a terminal line leaves out: pid, hostname and name say nothing there, and a status
 * report's `report` object is already in its message.
 */
const IGNORED_FIELDS = 'pid,hostname,name,report';

/**
 * One log event as a terminal shows it: the same field given twice under two names (a device
 * logger's `device` binding and a call's own `deviceId`) once.
 */
export function withoutRepeatedFields(event: Record<string, unknown>): Record<string, unknown> {
  if (event.deviceId !== undefined && event.deviceId === event.device) {
    const { deviceId: _repeated, ...rest } = event;
    return rest;
  }
  return event;
}

/**
 * The host's logger: one human-readable line per event on a terminal, one JSON object per line
 * otherwise (or as `format` says). Secrets never reach it: the mapping's are redacted before
 * anything logs.
 */
export function createHostLogger(
  level: string,
  format: 'auto' | 'pretty' | 'json',
  out: CommandOutput,
  isTty: boolean,
): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && isTty);
  if (!pretty) {
    const sink: DestinationStream = { write: (line: string) => out.stdout(line) };
    return pino({ level, base: { name: 'adapter-host' } }, sink);
  }
  // loaded only for a terminal: a host logging JSON (the service case) does not carry it
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as PinoPretty;
  const prettify = prettyFactory({
    colorize: isTty,
    singleLine: true,
    translateTime: 'HH:MM:ss.l',
    ignore: IGNORED_FIELDS,
  });
  const sink: DestinationStream = {
    write: (line: string) => {
      out.stdout(prettify(withoutRepeatedFields(JSON.parse(line) as Record<string, unknown>)));
    },
  };
  return pino({ level, base: { name: 'adapter-host' } }, sink);
}
