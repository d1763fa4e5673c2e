/** Width of every line of `adapter-host --help`: a classic terminal. */
export const HELP_WIDTH = 80;

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * `head` then `text` wrapped beside it from `column` on, continuation lines indented to the
 * column; a head too wide for the column puts the text on the next line.
 */
export function helpEntry(head: string, text: string, column: number, width = HELP_WIDTH): string {
  const lines = wrapWords(text, width - column);
  const indent = ' '.repeat(column);
  if (head.length >= column - 1) return [head, ...lines.map((l) => indent + l)].join('\n');
  const [first = '', ...rest] = lines;
  return [`${head.padEnd(column)}${first}`, ...rest.map((l) => indent + l)].join('\n');
}
