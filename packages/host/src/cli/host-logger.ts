import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { CommandOutput } from './command-output.js';

type PinoPretty = typeof import('pino-pretty');

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
  // loaded only for a terminal: a host logging JSON (the service case) does not carry it
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as PinoPretty;
  const stream = pinoPretty({
    colorize: isTty,
    sync: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,name,report', // status reports say everything in their message
    // pino-pretty pipes into its destination: it must be a stream, not just something with write()
    destination: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        out.stdout(chunk.toString());
        done();
      },
    }),
  });
  return pino({ level, base: { name: 'adapter-host' } }, stream);
}
