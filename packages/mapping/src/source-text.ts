import { LineCounter } from 'yaml';

/** A 1-based line and column in a mapping file. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** The text of one mapping file with its name and a line index for offset → line:column. */
export class SourceText {
  readonly file: string;
  readonly text: string;
  readonly lineCounter: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lineCounter = new LineCounter();
  }

  /** The 1-based line and column of a character offset (clamped to the text). */
  position(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.lineCounter.linePos(clamped);
    return line === 0 ? { line: 1, column: clamped + 1 } : { line, column: col };
  }
}
