import { escapeControlCharacters } from '@lwm2m-adapters/mapping';

/** Columns aligned with two spaces between them; every cell escaped (values come from devices). */
export function formatTextTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const safe = [columns, ...rows].map((row) => row.map((cell) => escapeControlCharacters(cell)));
  const widths = columns.map((_, i) => Math.max(...safe.map((row) => row[i]?.length ?? 0)));
  return safe
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
