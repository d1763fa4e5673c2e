/** A 1-based line and column in a mapping file. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** The text of one mapping file with its name and a line index for offset → line:column. */
export class SourceText {
  readonly file: string;
  readonly text: string;
  /** Offset of the first character of each line; built on first use. */
  #lineStarts: Uint32Array | undefined;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
  }

  /** The 1-based line and column of a character offset (clamped to the text). */
  position(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.#starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((starts[middle] ?? 0) <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: clamped - (starts[low] ?? 0) + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.#starts();
    const start = starts[line - 1];
    if (start === undefined) return '';
    const end = starts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }

  #starts(): Uint32Array {
    if (this.#lineStarts !== undefined) return this.#lineStarts;
    let count = 1;
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) count++;
    const starts = new Uint32Array(count);
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts[line++] = i + 1;
    this.#lineStarts = starts;
    return starts;
  }
}
