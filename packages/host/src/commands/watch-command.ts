import { resolve } from 'node:path';
import { escapeControlCharacters } from '@lwm2m-adapters/mapping';
import { pino } from 'pino';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { type DirectReading, openDirectDevices, readDirect } from '../technician/direct-devices.js';
import {
  CLEAR_SCREEN,
  readingText,
  renderWatchLines,
  renderWatchTable,
  type WatchRow,
} from '../technician/watch-table.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface WatchOptions {
  /** Resolves when watching should stop (SIGINT/SIGTERM in the CLI). */
  readonly until: Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A terminal: the table is redrawn in place with changes highlighted; otherwise plain lines. */
  readonly isTty: boolean;
  /** Time between refreshes. */
  readonly intervalMs: number;
  /** Only these devices (default: every device of the mapping). */
  readonly deviceIds?: readonly string[];
  /** Stop by itself after this long. */
  readonly durationMs?: number;
}

function sameReading(
  a: DirectReading | undefined,
  b: DirectReading | undefined,
  text: string,
  before: string,
) {
  if (a === undefined || b === undefined) return a === b;
  return a.ok === b.ok && text === before;
}

/**
 * `adapter-host watch plc.yml [--device id]`: reads every readable point of the mapping straight
 * from the adapters (no LwM2M server) every interval and shows path, name, value with units, age
 * and quality. On a terminal the table refreshes in place with changed values highlighted;
 * otherwise each change is a plain line.
 */
export async function watchCommand(
  file: string,
  out: CommandOutput,
  options: WatchOptions,
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(resolve(file), options.env);
  if (!result.ok) return reportMappingFailure(file, result, out);
  // adapters' own warnings (link lost...) go to stderr and only when they are errors: the table is the report
  const logger = pino({ level: 'error' }, { write: (line: string) => out.stderr(line) });
  const opened = await openDirectDevices(result.mapping, adapters, logger, options.deviceIds);
  const readable = opened.devices.map((d) => ({
    device: d,
    points: d.points.filter((p) => p.point.access.read),
  }));
  const previous = new Map<string, { reading: DirectReading | undefined; text: string }>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  void options.until.then(stop);
  const limit = options.durationMs === undefined ? undefined : setTimeout(stop, options.durationMs);
  const title = `adapter-host watch ${file}: ${readable.length} device(s), every ${options.intervalMs / 1000}s; Ctrl-C stops`;
  try {
    if (!options.isTty) out.stdout(escapeControlCharacters(title));
    while (!stopped) {
      const batches = await Promise.all(readable.map(({ device, points }) => readDirect(device, points)));
      const rows: WatchRow[] = [];
      readable.forEach(({ points }, i) => {
        for (const point of points) {
          const reading = batches[i]?.get(point.point.id);
          const row: WatchRow = { point, reading, changed: false };
          const text = readingText(row);
          const before = previous.get(point.path);
          const changed = before === undefined || !sameReading(before.reading, reading, text, before.text);
          previous.set(point.path, { reading, text });
          rows.push({ ...row, changed });
        }
      });
      const now = Date.now();
      if (options.isTty) out.stdout(CLEAR_SCREEN + renderWatchTable(title, rows, now, true));
      else for (const line of renderWatchLines(rows, now)) out.stdout(line);
      if (stopped) break;
      await new Promise<void>((resolveWait) => {
        wake = resolveWait;
        timer = setTimeout(resolveWait, options.intervalMs);
      });
    }
    return ExitCode.OK;
  } finally {
    clearTimeout(timer);
    clearTimeout(limit);
    await opened.close();
  }
}
