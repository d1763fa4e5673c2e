import { escapeControlCharacters } from '@lwm2m-adapters/mapping';
import type { DirectPoint, DirectReading } from './direct-devices.js';
import { valueText } from './value-text.js';

/** One row of `adapter-host watch`: a point and what its last read gave. */
export interface WatchRow {
  readonly point: DirectPoint;
  readonly reading: DirectReading | undefined;
  /** The value or quality differs from the previous refresh. */
  readonly changed: boolean;
}

const HEADER = ['PATH', 'NAME', 'VALUE', 'AGE', 'QUALITY'] as const;
/** Reverse video: how a changed value stands out on a terminal. */
const HIGHLIGHT_ON = '\u001b[7m';
const HIGHLIGHT_OFF = '\u001b[27m';
/** Cursor home and clear the screen: the table is redrawn in place. */
export const CLEAR_SCREEN = '\u001b[H\u001b[2J';
/** Longest cell shown; longer text ends in `…` (a device string can be anything). */
const MAX_CELL = 40;

function cell(text: string): string {
  const safe = escapeControlCharacters(text);
  return safe.length > MAX_CELL ? `${safe.slice(0, MAX_CELL - 1)}…` : safe;
}

/** The value with its units, the error code, or `-` before the first read. */
export function readingText(row: WatchRow): string {
  const { reading, point } = row;
  if (reading === undefined) return '-';
  if (!reading.ok) return reading.error.code;
  const units = point.point.conversion.units;
  const text = valueText(reading.value);
  return units === undefined ? text : `${text} ${units}`;
}

function ageText(reading: DirectReading | undefined, now: number): string {
  if (reading === undefined) return '-';
  const seconds = Math.max(0, now - reading.at) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.round(seconds)}s`;
}

function qualityText(reading: DirectReading | undefined): string {
  if (reading === undefined) return 'not read yet';
  return reading.ok ? 'good' : `bad: ${reading.error.message}`;
}

/**
 * The table of `adapter-host watch` on a terminal: one line per point, columns aligned, changed
 * values in reverse video. Every cell is escaped: names and values come from files and devices.
 */
export function renderWatchTable(
  title: string,
  rows: readonly WatchRow[],
  now: number,
  highlight: boolean,
): string {
  const cells = rows.map((row) => [
    cell(row.point.path),
    cell(row.point.name),
    cell(readingText(row)),
    ageText(row.reading, now),
    cell(qualityText(row.reading)),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: readonly string[], changed = false): string =>
    values
      .map((value, i) => {
        const padded = i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0);
        return changed && highlight && i === 2
          ? `${HIGHLIGHT_ON}${value}${HIGHLIGHT_OFF}${padded.slice(value.length)}`
          : padded;
      })
      .join('  ')
      .trimEnd();
  return [
    escapeControlCharacters(title),
    line(HEADER),
    ...cells.map((values, i) => line(values, rows[i]?.changed === true)),
    '',
  ].join('\n');
}

/**
 * What `adapter-host watch` prints when its output is not a terminal: one line per point that
 * changed (all of them at the first refresh), with the time of the refresh.
 */
export function renderWatchLines(rows: readonly WatchRow[], now: number): string[] {
  const time = new Date(now).toISOString();
  return rows
    .filter((row) => row.changed)
    .map(
      (row) =>
        `${time} ${cell(row.point.path)} ${JSON.stringify(escapeControlCharacters(row.point.name))} ${cell(readingText(row))} ${qualityText(row.reading) === 'good' ? 'good' : cell(qualityText(row.reading))}`,
    );
}
