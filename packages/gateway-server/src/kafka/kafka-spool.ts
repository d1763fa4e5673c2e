import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CodedError } from '@lwm2m-adapters/errors';
import type { OutgoingRecord } from './kafka-records.js';

/** What the spool does when a record would take it past its bound. */
export type SpoolFullPolicy = 'block' | 'drop-oldest';
/** When the spool calls fsync: after every append, at most every `fsyncIntervalMs`, or never (the OS decides). */
export type SpoolFsyncPolicy = 'always' | 'interval' | 'never';

export interface KafkaSpoolOptions {
  readonly dir: string;
  /** Bound of the segment files together. Default 256 MiB. */
  readonly maxBytes?: number;
  /** A segment is closed and a new one begun past this size. Default: maxBytes / 8 (at most 16 MiB). */
  readonly segmentBytes?: number;
  /** Default 'drop-oldest'. */
  readonly policy?: SpoolFullPolicy;
  /** Default 'interval'. */
  readonly fsync?: SpoolFsyncPolicy;
  /** Default 1,000 ms. */
  readonly fsyncIntervalMs?: number;
  /** Records lost: dropped by the policy, refused ('block'), or cut at a corrupt frame when opening. */
  readonly onLoss?: (loss: {
    readonly reason: 'dropped' | 'refused' | 'corrupt';
    readonly records: number;
  }) => void;
}

export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface SpoolBatch {
  readonly records: readonly OutgoingRecord[];
  /** Where the spool stands once these are committed. */
  readonly end: SpoolPosition;
}

export interface SpoolStats {
  /** Records appended and not yet committed. */
  readonly pending: number;
  readonly bytes: number;
  readonly segments: number;
  readonly appended: number;
  readonly committed: number;
  readonly dropped: number;
  readonly refused: number;
  readonly corrupt: number;
  readonly fsyncs: number;
}

interface Segment {
  readonly id: number;
  readonly file: string;
  size: number;
  /** Records in the file. */
  records: number;
}

/** Frame: u32 BE payload length, u32 BE CRC-32 of the payload, payload. */
const HEADER = 8;
/** Payload: u16 BE topic length, topic, u16 BE key length, key, value (UTF-8 JSON). */
const MAX_FRAME = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const SEGMENT_NAME = /^(\d{20})\.seg$/;
const CURSOR_FILE = 'cursor';

const segmentFile = (dir: string, id: number) => join(dir, `${String(id).padStart(20, '0')}.seg`);

export function encodeFrame(record: OutgoingRecord): Buffer {
  const topic = Buffer.from(record.topic, 'utf8');
  const key = Buffer.from(record.key, 'utf8');
  const valueLength = Buffer.byteLength(record.value, 'utf8');
  const payloadLength = 2 + topic.length + 2 + key.length + valueLength;
  const frame = Buffer.allocUnsafe(HEADER + payloadLength);
  let at = HEADER;
  frame.writeUInt16BE(topic.length, at);
  at += 2;
  at += topic.copy(frame, at);
  frame.writeUInt16BE(key.length, at);
  at += 2;
  at += key.copy(frame, at);
  frame.write(record.value, at, 'utf8');
  frame.writeUInt32BE(payloadLength, 0);
  frame.writeUInt32BE(crc32(frame.subarray(HEADER)), 4);
  return frame;
}

type Decoded = { readonly record: OutgoingRecord; readonly length: number } | 'partial' | 'corrupt';

/** Decodes the frame at `at`: the record and the frame's length, 'partial' (needs more bytes), or 'corrupt'. */
export function decodeFrame(buffer: Buffer, at: number): Decoded {
  if (buffer.length - at < HEADER) return 'partial';
  const length = buffer.readUInt32BE(at);
  if (length < 4 || length > MAX_FRAME) return 'corrupt';
  if (buffer.length - at < HEADER + length) return 'partial';
  const payload = buffer.subarray(at + HEADER, at + HEADER + length);
  if (crc32(payload) !== buffer.readUInt32BE(at + 4)) return 'corrupt';
  const topicLength = payload.readUInt16BE(0);
  const keyAt = 2 + topicLength;
  if (keyAt + 2 > payload.length) return 'corrupt';
  const keyLength = payload.readUInt16BE(keyAt);
  const valueAt = keyAt + 2 + keyLength;
  if (valueAt > payload.length) return 'corrupt';
  return {
    record: {
      topic: payload.toString('utf8', 2, keyAt),
      key: payload.toString('utf8', keyAt + 2, valueAt),
      value: payload.toString('utf8', valueAt),
    },
    length: HEADER + length,
  };
}

/**
 * The Kafka bridge's bounded on-disk spool: every record is appended here first (append-only
 * segment files, each record framed with its length and a CRC-32) and the sender takes them in
 * order, committing a cursor once Kafka acknowledged them; consumed segments are deleted.
 *
 * Durability: an append is a write(2) of the batch before `append` returns, so a crash of the
 * process (SIGKILL) loses nothing appended; fsync policy 'interval' (default) syncs at most every
 * second, so a power loss may lose up to that much; 'always' syncs every append. On open a torn or
 * corrupt frame ends its segment there (counted as corrupt) and what follows the cursor is replayed.
 *
 * At the bound, 'drop-oldest' deletes the oldest segment (its unsent records counted and reported
 * as dropped); 'block' refuses new records (counted and reported as refused) until the sender has
 * made room.
 */
export class KafkaSpool {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #policy: SpoolFullPolicy;
  readonly #fsync: SpoolFsyncPolicy;
  readonly #onLoss: KafkaSpoolOptions['onLoss'];
  readonly #segments: Segment[] = [];
  #fd: number;
  #cursor: SpoolPosition;
  /** Records of the cursor's segment before the cursor. */
  #committedInSegment = 0;
  #bytes = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #appended = 0;
  #committed = 0;
  #dropped = 0;
  #refused = 0;
  #corrupt = 0;
  #fsyncs = 0;

  private constructor(
    options: KafkaSpoolOptions,
    segments: Segment[],
    cursor: SpoolPosition,
    before: number,
  ) {
    this.dir = options.dir;
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.#segmentBytes = Math.max(
      64 * 1024,
      Math.min(options.segmentBytes ?? Math.min(16 * 1024 * 1024, this.#maxBytes / 8), this.#maxBytes / 4),
    );
    this.#policy = options.policy ?? 'drop-oldest';
    this.#fsync = options.fsync ?? 'interval';
    this.#onLoss = options.onLoss;
    this.#segments = segments;
    this.#cursor = cursor;
    this.#committedInSegment = before;
    this.#bytes = segments.reduce((sum, s) => sum + s.size, 0);
    const last = segments.at(-1);
    if (last === undefined) throw new Error('a spool has at least one segment');
    this.#fd = openSync(last.file, 'a');
    if (this.#fsync === 'interval') {
      this.#timer = setInterval(() => this.flush(), options.fsyncIntervalMs ?? 1_000);
      this.#timer.unref();
    }
  }

  /** Opens (or creates) the spool in `dir`: checks every frame after the cursor, cuts a torn tail. */
  static open(options: KafkaSpoolOptions): KafkaSpool {
    const { dir } = options;
    if ((options.maxBytes ?? 1) <= 0)
      throw new CodedError('CONFIG_INVALID', 'the spool bound must be positive');
    mkdirSync(dir, { recursive: true });
    let cursor: SpoolPosition = { segment: 0, offset: 0 };
    try {
      const [segment, offset] = readFileSync(join(dir, CURSOR_FILE), 'utf8').trim().split(' ').map(Number);
      if (Number.isSafeInteger(segment) && Number.isSafeInteger(offset))
        cursor = { segment: segment as number, offset: offset as number };
    } catch {
      // no cursor yet: everything is unsent
    }
    const ids = readdirSync(dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    let corrupt = 0;
    let before = 0;
    for (const id of ids) {
      const file = segmentFile(dir, id);
      if (id < cursor.segment) {
        unlinkSync(file);
        continue;
      }
      const data = readFileSync(file);
      let at = 0;
      let records = 0;
      while (at < data.length) {
        const frame = decodeFrame(data, at);
        if (typeof frame === 'string') {
          corrupt++; // a torn or corrupt tail: the segment ends before it
          break;
        }
        if (id === cursor.segment && at < cursor.offset) before++;
        at += frame.length;
        records++;
      }
      if (at < data.length) {
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, at);
        fsyncSync(fd);
        closeSync(fd);
      }
      segments.push({ id, file, size: at, records });
    }
    if (segments.length === 0 || (segments[0]?.id ?? 0) > cursor.segment) {
      // the cursor's segment is gone (fully consumed): start at the first segment there is
      const first = segments[0];
      cursor =
        first === undefined ? { segment: cursor.segment + 1, offset: 0 } : { segment: first.id, offset: 0 };
      before = 0;
    }
    if (segments.length === 0) {
      const file = segmentFile(dir, cursor.segment);
      writeFileSync(file, '');
      segments.push({ id: cursor.segment, file, size: 0, records: 0 });
    }
    const spool = new KafkaSpool(options, segments, cursor, before);
    if (corrupt > 0) {
      spool.#corrupt = corrupt;
      options.onLoss?.({ reason: 'corrupt', records: corrupt });
    }
    return spool;
  }

  /** Appends records (one write); returns how many the bound let in ('block' refuses the rest). */
  append(records: readonly OutgoingRecord[]): number {
    if (this.#closed) throw new CodedError('TRANSPORT_CLOSED', 'the spool is closed');
    if (records.length === 0) return 0;
    const frames = records.map(encodeFrame);
    let size = frames.reduce((sum, f) => sum + f.length, 0);
    let taken = frames.length;
    if (this.#bytes + size > this.#maxBytes) {
      if (this.#policy === 'drop-oldest') {
        while (this.#bytes + size > this.#maxBytes && this.#segments.length > 1) this.#dropOldest();
      }
      while (taken > 0 && this.#bytes + size > this.#maxBytes) {
        taken--;
        size -= frames[taken]?.length ?? 0;
      }
      const refused = frames.length - taken;
      if (refused > 0) {
        this.#refused += refused;
        this.#onLoss?.({ reason: 'refused', records: refused });
      }
      if (taken === 0) return 0;
    }
    const buffer = taken === 1 ? (frames[0] as Buffer) : Buffer.concat(frames.slice(0, taken), size);
    writeSync(this.#fd, buffer);
    const current = this.#segments.at(-1) as Segment;
    current.size += size;
    current.records += taken;
    this.#bytes += size;
    this.#appended += taken;
    this.#dirty = true;
    if (this.#fsync === 'always') this.flush();
    if (current.size >= this.#segmentBytes) this.#roll();
    return taken;
  }

  /** Up to `max` records (and about `maxBytes`) from the cursor on, oldest first; nothing is consumed. */
  peek(max: number, maxBytes = 4 * 1024 * 1024): SpoolBatch {
    const records: OutgoingRecord[] = [];
    let { segment, offset } = this.#cursor;
    let index = this.#segments.findIndex((s) => s.id === segment);
    let bytes = 0;
    while (index >= 0 && index < this.#segments.length && records.length < max && bytes < maxBytes) {
      const current = this.#segments[index] as Segment;
      if (offset >= current.size) {
        if (index === this.#segments.length - 1) break;
        index++;
        segment = (this.#segments[index] as Segment).id;
        offset = 0;
        continue;
      }
      const length = Math.min(Math.max(READ_CHUNK, maxBytes), current.size - offset);
      const chunk = Buffer.allocUnsafe(length);
      const fd = openSync(current.file, 'r');
      let read = 0;
      try {
        while (read < length) {
          const n = readSync(fd, chunk, read, length - read, offset + read);
          if (n === 0) break;
          read += n;
        }
      } finally {
        closeSync(fd);
      }
      let at = 0;
      const data = chunk.subarray(0, read);
      while (at < data.length && records.length < max && bytes < maxBytes) {
        const frame = decodeFrame(data, at);
        if (frame === 'partial') {
          if (at === 0)
            throw new CodedError('SPOOL_CORRUPT', `${current.file}: a frame larger than the read`);
          break;
        }
        if (frame === 'corrupt') {
          throw new CodedError('SPOOL_CORRUPT', `${current.file}: corrupt frame at ${offset + at}`, {
            details: { file: current.file, offset: offset + at },
          });
        }
        records.push(frame.record);
        at += frame.length;
        bytes += frame.length;
      }
      offset += at;
    }
    return { records, end: { segment, offset } };
  }

  /** Marks everything before `end` as delivered: the cursor moves, consumed segments are deleted. */
  commit(end: SpoolPosition, records: number): void {
    if (this.#closed) return;
    // a drop-oldest may have removed the segment the batch came from: only move forward
    const first = this.#segments[0] as Segment;
    if (end.segment < first.id) return;
    if (end.segment === this.#cursor.segment) this.#committedInSegment += records;
    else this.#committedInSegment = this.#recordsBefore(end);
    this.#committed += records;
    this.#cursor = end;
    while (this.#segments.length > 1 && (this.#segments[0] as Segment).id < end.segment) {
      const gone = this.#segments.shift() as Segment;
      this.#bytes -= gone.size;
      unlinkSync(gone.file);
    }
    const tmp = join(this.dir, `${CURSOR_FILE}.tmp`);
    writeFileSync(tmp, `${end.segment} ${end.offset}\n`);
    renameSync(tmp, join(this.dir, CURSOR_FILE));
  }

  /** Records appended and not committed. */
  get pending(): number {
    let pending = -this.#committedInSegment;
    for (const s of this.#segments) if (s.id >= this.#cursor.segment) pending += s.records;
    return Math.max(0, pending);
  }

  stats(): SpoolStats {
    return {
      pending: this.pending,
      bytes: this.#bytes,
      segments: this.#segments.length,
      appended: this.#appended,
      committed: this.#committed,
      dropped: this.#dropped,
      refused: this.#refused,
      corrupt: this.#corrupt,
      fsyncs: this.#fsyncs,
    };
  }

  /** fsync of the current segment if anything was written since the last. */
  flush(): void {
    if (this.#closed || !this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
    this.#fsyncs++;
  }

  /** Syncs and closes the file; the records stay for the next open. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    closeSync(this.#fd);
  }

  #recordsBefore(end: SpoolPosition): number {
    const segment = this.#segments.find((s) => s.id === end.segment);
    if (segment === undefined || end.offset === 0) return 0;
    const data = readFileSync(segment.file).subarray(0, end.offset);
    let at = 0;
    let count = 0;
    while (at < data.length) {
      const frame = decodeFrame(data, at);
      if (typeof frame === 'string') break;
      at += frame.length;
      count++;
    }
    return count;
  }

  #roll(): void {
    this.flush();
    closeSync(this.#fd);
    const id = (this.#segments.at(-1) as Segment).id + 1;
    const file = segmentFile(this.dir, id);
    this.#fd = openSync(file, 'a');
    this.#segments.push({ id, file, size: 0, records: 0 });
  }

  #dropOldest(): void {
    const gone = this.#segments.shift() as Segment;
    const lost = gone.id === this.#cursor.segment ? gone.records - this.#committedInSegment : gone.records;
    this.#bytes -= gone.size;
    unlinkSync(gone.file);
    const next = this.#segments[0] as Segment;
    if (gone.id >= this.#cursor.segment) {
      this.#cursor = { segment: next.id, offset: 0 };
      this.#committedInSegment = 0;
    }
    if (lost > 0) {
      this.#dropped += lost;
      this.#onLoss?.({ reason: 'dropped', records: lost });
    }
  }
}

/** The spool's size on disk, for tests and tools: bytes of its segment files. */
export function spoolBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => SEGMENT_NAME.test(name))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
