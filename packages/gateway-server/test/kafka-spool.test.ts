/** The Kafka bridge's on-disk spool: frame bytes, order across segments, reopen, torn tails, bound policies. */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, KafkaSpool } from '../src/kafka/kafka-spool.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'spool-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const record = (n: number, pad = 0) => ({
  topic: 't',
  key: `k${n % 3}`,
  value: `{"n":${n}${' '.repeat(pad)}}`,
});

describe('KafkaSpool', () => {
  it('frames a record as length, CRC-32 and topic/key/value (golden bytes)', () => {
    const frame = encodeFrame({ topic: 'ab', key: 'k', value: '{}' });
    // length 9, CRC-32 of the payload (computed by Python's zlib.crc32), then 0002 'ab' 0001 'k' '{}'
    expect(frame.toString('hex')).toBe('00000009d29014cb0002616200016b7b7d');
    expect(decodeFrame(frame, 0)).toEqual({ record: { topic: 'ab', key: 'k', value: '{}' }, length: 17 });
    const flipped = Buffer.from(frame);
    flipped.writeUInt8(flipped.readUInt8(frame.length - 1) ^ 1, frame.length - 1);
    expect(decodeFrame(flipped, 0)).toBe('corrupt');
    expect(decodeFrame(frame.subarray(0, 10), 0)).toBe('partial');
  });

  it('gives records back in order across segments, and after a reopen only what was not committed', () => {
    const dir = tempDir();
    const spool = KafkaSpool.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, fsync: 'never' });
    for (let i = 0; i < 20; i++) spool.append(Array.from({ length: 100 }, (_, j) => record(i * 100 + j, 40)));
    expect(spool.stats().segments).toBeGreaterThan(1);
    const first = spool.peek(700);
    expect(first.records.map((r) => JSON.parse(r.value).n)).toEqual(Array.from({ length: 700 }, (_, i) => i));
    spool.commit(first.end, first.records.length);
    expect(spool.pending).toBe(1300);
    spool.close();
    const again = KafkaSpool.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, fsync: 'never' });
    expect(again.pending).toBe(1300);
    const rest = again.peek(10_000, 64 * 1024 * 1024);
    expect(rest.records.map((r) => JSON.parse(r.value).n)).toEqual(
      Array.from({ length: 1300 }, (_, i) => 700 + i),
    );
    again.commit(rest.end, rest.records.length);
    expect(again.pending).toBe(0);
    expect(again.stats().segments).toBe(1);
    again.close();
  });

  it('cuts a torn tail (a crash mid-write) at the last whole record and counts it', () => {
    const dir = tempDir();
    const spool = KafkaSpool.open({ dir, fsync: 'always' });
    spool.append([record(1), record(2)]);
    spool.close();
    const [segment] = readdirSync(dir).filter((f) => f.endsWith('.seg'));
    const file = join(dir, segment as string);
    const whole = readFileSync(file).length;
    appendFileSync(file, encodeFrame(record(3)).subarray(0, 11));
    const losses: unknown[] = [];
    const reopened = KafkaSpool.open({ dir, onLoss: (loss) => losses.push(loss) });
    expect(reopened.peek(10).records.map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}']);
    expect(readFileSync(file).length).toBe(whole);
    expect(losses).toEqual([{ reason: 'corrupt', records: 1 }]);
    reopened.append([record(4)]);
    expect(reopened.peek(10).records.map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}', '{"n":4}']);
    reopened.close();
  });

  it("at the bound, 'drop-oldest' drops the oldest segment and reports the loss", () => {
    const dir = tempDir();
    const losses: { reason: string; records: number }[] = [];
    const spool = KafkaSpool.open({
      dir,
      maxBytes: 256 * 1024,
      segmentBytes: 64 * 1024,
      policy: 'drop-oldest',
      onLoss: (loss) => losses.push(loss),
    });
    for (let i = 0; i < 5_000; i++) spool.append([record(i, 80)]);
    const stats = spool.stats();
    expect(stats.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.dropped + stats.pending).toBe(5_000);
    expect(losses.every((l) => l.reason === 'dropped')).toBe(true);
    // what is left is the newest, in order
    const left = spool.peek(100_000, 64 * 1024 * 1024).records.map((r) => JSON.parse(r.value).n as number);
    expect(left.at(-1)).toBe(4_999);
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 5_000 - left.length + i));
    spool.close();
  });

  it("at the bound, 'block' refuses new records and takes them again once the sender made room", () => {
    const dir = tempDir();
    const spool = KafkaSpool.open({ dir, maxBytes: 128 * 1024, segmentBytes: 64 * 1024, policy: 'block' });
    let accepted = 0;
    for (let i = 0; i < 3_000; i++) accepted += spool.append([record(i, 80)]);
    expect(accepted).toBeLessThan(3_000);
    expect(spool.stats().refused).toBe(3_000 - accepted);
    expect(spool.stats().dropped).toBe(0);
    const batch = spool.peek(100_000, 64 * 1024 * 1024);
    expect(batch.records).toHaveLength(accepted);
    spool.commit(batch.end, batch.records.length);
    expect(spool.append([record(9_999)])).toBe(1);
    spool.close();
  });

  it('starts empty on a directory with a stale cursor and no segments', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cursor'), '7 1234\n');
    const spool = KafkaSpool.open({ dir });
    expect(spool.pending).toBe(0);
    spool.append([record(1)]);
    expect(spool.peek(10).records).toHaveLength(1);
    spool.close();
  });
});
