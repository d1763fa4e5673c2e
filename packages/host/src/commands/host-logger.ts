import { type DestinationStream, type Logger, pino } from 'pino';
import pinoPretty from 'pino-pretty';
import type { CommandOutput } from './command-output.js';

/**
 * The host's logger: human-readable lines on a terminal, one JSON object per line otherwise (or
 * as `format` says). Secrets never reach it: the mapping's are redacted before anything logs.
 */
export function createHostLogger(
  level: string,
  format: 'auto' | 'pretty' | 'json',
  out: CommandOutput,
  isTty: boolean,
): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && isTty);
  const sink: DestinationStream = { write: (line: string) => out.stdout(line) };
  if (!pretty) return pino({ level, base: { name: 'adapter-host' } }, sink);
  const stream = pinoPretty({
    colorize: isTty,
    sync: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    destination: sink,
  });
  return pino({ level, base: { name: 'adapter-host' } }, stream);
}
