import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The tickets of the management requests answered lately, so a request read twice (a rebalance,
 * a restart before the offset was committed, a producer retry) is answered once. Bounded: the
 * oldest tickets leave first. With a file, the window survives a restart: each ticket is appended
 * as a line, and the file is rewritten with the window when it holds twice as many.
 */
export class TicketWindow {
  readonly #capacity: number;
  readonly #file: string | undefined;
  readonly #tickets = new Set<string>();
  #lines = 0;

  constructor(capacity: number, file?: string) {
    this.#capacity = capacity;
    this.#file = file;
    if (file === undefined) return;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // no window yet
    }
    for (const line of text.split('\n')) if (line !== '') this.#remember(line);
    this.#lines = this.#tickets.size;
    writeFileSync(file, [...this.#tickets].map((t) => `${t}\n`).join(''));
  }

  /** Takes a ticket: true when it is new (answer it), false when it was seen in the window. */
  take(ticket: string): boolean {
    if (this.#tickets.has(ticket)) return false;
    this.#remember(ticket);
    if (this.#file !== undefined) {
      const line = `${ticket}\n`;
      if (++this.#lines > this.#capacity * 2) {
        writeFileSync(this.#file, [...this.#tickets].map((t) => `${t}\n`).join(''));
        this.#lines = this.#tickets.size;
      } else {
        appendFileSync(this.#file, line);
      }
    }
    return true;
  }

  get size(): number {
    return this.#tickets.size;
  }

  #remember(ticket: string): void {
    this.#tickets.add(ticket);
    if (this.#tickets.size > this.#capacity) {
      const oldest = this.#tickets.values().next().value;
      if (oldest !== undefined) this.#tickets.delete(oldest);
    }
  }
}
