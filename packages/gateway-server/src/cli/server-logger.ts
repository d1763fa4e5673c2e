import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { type DestinationStream, type Logger, pino } from 'pino';

type PinoPretty = typeof import('pino-pretty');

/** The server's logger: readable lines on a terminal, JSON lines otherwise (or as `format` says). */
export function createServerLogger(
  level: string,
  format: 'auto' | 'pretty' | 'json',
  write: (text: string) => void,
  isTty: boolean,
): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && isTty);
  const base = { name: 'gateway-server' };
  if (!pretty) return pino({ level, base }, { write } satisfies DestinationStream);
  // loaded only for a terminal: a server logging JSON (the service case) does not carry it
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as PinoPretty;
  const stream = pinoPretty({
    colorize: isTty,
    sync: true,
    translateTime: 'HH:MM:ss.l',
    // event lines say their event and endpoint in the message: the fields are for JSON consumers
    ignore: 'pid,hostname,name,event,endpoint',
    destination: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        write(chunk.toString());
        done();
      },
    }),
  });
  return pino({ level, base }, stream);
}
