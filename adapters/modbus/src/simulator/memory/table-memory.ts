/**
 * One data table of one unit: the configured address ranges and their values. Addresses outside
 * every range do not exist (exception 2). Bits are stored one per byte, words as Uint16.
 */

export interface TableRange {
  readonly start: number;
  readonly count: number;
  /** Clients may not write here (FC 5/6/15/16 answer exception 2); the API and signals still can. */
  readonly readOnly: boolean;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly readOnly: boolean;
  readonly values: Uint16Array | Uint8Array;
}

export class TableMemory {
  private readonly segments: readonly Segment[];

  /** @param ranges non-overlapping (validated by the config loader) */
  constructor(
    readonly kind: 'bits' | 'words',
    ranges: readonly TableRange[],
  ) {
    this.segments = [...ranges]
      .sort((a, b) => a.start - b.start)
      .map((range) => ({
        start: range.start,
        end: range.start + range.count,
        readOnly: range.readOnly,
        values: kind === 'words' ? new Uint16Array(range.count) : new Uint8Array(range.count),
      }));
  }

  /** True when every address of `[address, address + count)` exists (and is writable if asked). */
  covers(address: number, count: number, forWrite = false): boolean {
    let next = address;
    const end = address + count;
    while (next < end) {
      const segment = this.segmentAt(next);
      if (segment === undefined || (forWrite && segment.readOnly)) return false;
      next = segment.end;
    }
    return true;
  }

  /** Value at an address that `covers` vouched for (0 when it does not exist). */
  get(address: number): number {
    const segment = this.segmentAt(address);
    return segment === undefined ? 0 : segment.values[address - segment.start]!;
  }

  /** Sets an existing address; returns false when it does not exist. */
  set(address: number, value: number): boolean {
    const segment = this.segmentAt(address);
    if (segment === undefined) return false;
    segment.values[address - segment.start] = this.kind === 'bits' ? (value ? 1 : 0) : value & 0xffff;
    return true;
  }

  /** Writes `count` big-endian words into `out` at `offset`. The range must be covered. */
  readWordsInto(address: number, count: number, out: Buffer, offset: number): void {
    let position = offset;
    this.forEachRun(address, count, (values, from, to) => {
      for (let i = from; i < to; i++) {
        const word = values[i]!;
        out[position++] = word >>> 8;
        out[position++] = word & 0xff;
      }
    });
  }

  /** Packs `count` bits LSB first into `out` at `offset` (ceil(count / 8) bytes, zero padded). */
  readBitsInto(address: number, count: number, out: Buffer, offset: number): void {
    out.fill(0, offset, offset + ((count + 7) >>> 3));
    let bit = 0;
    this.forEachRun(address, count, (values, from, to) => {
      for (let i = from; i < to; i++, bit++) {
        if (values[i]) out[offset + (bit >>> 3)]! |= 1 << (bit & 7);
      }
    });
  }

  /** Stores `count` big-endian words read from `source` at `offset`. The range must be covered. */
  writeWordsFrom(address: number, count: number, source: Uint8Array, offset: number): void {
    let position = offset;
    this.forEachRun(address, count, (values, from, to) => {
      for (let i = from; i < to; i++, position += 2)
        values[i] = (source[position]! << 8) | source[position + 1]!;
    });
  }

  /** Stores `count` bits packed LSB first in `source` at `offset`. The range must be covered. */
  writeBitsFrom(address: number, count: number, source: Uint8Array, offset: number): void {
    let bit = 0;
    this.forEachRun(address, count, (values, from, to) => {
      for (let i = from; i < to; i++, bit++) values[i] = (source[offset + (bit >>> 3)]! >>> (bit & 7)) & 1;
    });
  }

  private forEachRun(
    address: number,
    count: number,
    visit: (values: Uint16Array | Uint8Array, from: number, to: number) => void,
  ): void {
    let next = address;
    const end = address + count;
    while (next < end) {
      const segment = this.segmentAt(next);
      if (segment === undefined) return;
      const stop = Math.min(end, segment.end);
      visit(segment.values, next - segment.start, stop - segment.start);
      next = stop;
    }
  }

  private segmentAt(address: number): Segment | undefined {
    const segments = this.segments;
    let low = 0;
    let high = segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const segment = segments[middle]!;
      if (address < segment.start) high = middle - 1;
      else if (address >= segment.end) low = middle + 1;
      else return segment;
    }
    return undefined;
  }
}
