/**
 * Where the entries of a large mapping's `devices:` list are, found by a scan of its lines, so the
 * list can be parsed part by part instead of as one YAML document (whose syntax tree would take
 * about 60 bytes per byte of text). The scan only proposes: each part must then parse as exactly
 * the entries it was cut for, or the file is parsed whole.
 */

/** Files smaller than this are parsed whole. */
export const PARTS_MIN_CHARACTERS = 256 * 1024;
/** Device entries parsed together. */
const ENTRIES_PER_PART = 8;

export interface DevicesListParts {
  /** Offset where the first entry's line starts (the text before holds `devices:` with no value). */
  readonly listStart: number;
  /** Offset where the text after the list starts (other top-level keys, or the end). */
  readonly listEnd: number;
  /** Column of the entries' `-`. */
  readonly indent: number;
  /** Each part: its offset range and how many entries start in it. */
  readonly parts: readonly { readonly start: number; readonly end: number; readonly entries: number }[];
}

const DEVICES_KEY = /^devices:[ \t]*(#.*)?\r?$/;

/**
 * The parts of a top-level block list `devices:` (one per ENTRIES_PER_PART entries), or undefined
 * when the file is small or not laid out so (flow list, document markers, `\r` line breaks, ...).
 */
export function findDevicesListParts(text: string): DevicesListParts | undefined {
  if (text.length < PARTS_MIN_CHARACTERS) return undefined;
  if (/^(---|\.\.\.|%)/m.test(text) || /\r(?!\n)/.test(text)) return undefined;
  let offset = 0;
  let state: 'head' | 'first' | 'list' = 'head';
  let indent = 0;
  let listStart = 0;
  const entryStarts: number[] = [];
  let listEnd = text.length;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(offset, lineEnd);
    const spaces = line.length - line.trimStart().length;
    const first = line[spaces];
    const blank = first === undefined || first === '#' || first === '\r';
    if (state === 'head') {
      if (DEVICES_KEY.test(line)) state = 'first';
    } else if (!blank) {
      const entry =
        first === '-' &&
        (line[spaces + 1] === undefined || line[spaces + 1] === ' ' || line[spaces + 1] === '\r');
      if (state === 'first') {
        if (!entry) return undefined;
        state = 'list';
        indent = spaces;
        listStart = offset;
        entryStarts.push(offset);
      } else if (spaces < indent || (spaces === indent && !entry)) {
        listEnd = offset;
        break;
      } else if (spaces === indent) {
        entryStarts.push(offset);
      }
    }
    offset = lineEnd + 1;
  }
  if (state !== 'list') return undefined;
  const parts: { start: number; end: number; entries: number }[] = [];
  for (let i = 0; i < entryStarts.length; i += ENTRIES_PER_PART) {
    const start = entryStarts[i] ?? listStart;
    const end = entryStarts[i + ENTRIES_PER_PART] ?? listEnd;
    parts.push({ start, end, entries: Math.min(ENTRIES_PER_PART, entryStarts.length - i) });
  }
  return { listStart, listEnd, indent, parts };
}
