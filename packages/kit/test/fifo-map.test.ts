import { expect, it } from 'vitest';
import { FifoMap } from '../src/fifo-map.js';

it('keeps insertion order; set moves a key to the newest; stale slots are skipped', () => {
  const map = new FifoMap<number>();
  map.set('a', 1);
  map.set('b', 2);
  map.set('c', 3);
  map.set('a', 4); // a is now newest
  map.delete('b');
  expect(map.oldest()).toEqual(['c', 3]);
  expect([...map.entries()]).toEqual([
    ['c', 3],
    ['a', 4],
  ]);
  expect(map.shift()).toEqual(['c', 3]);
  expect(map.shift()).toEqual(['a', 4]);
  expect(map.shift()).toBeUndefined();
  expect(map.size).toBe(0);
});

it('stays O(1) per eviction under churn (a bounded FIFO of 10,000 over 1,000,000 inserts)', () => {
  const map = new FifoMap<number>();
  const started = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    map.set(`k${i}`, i);
    if (i % 3 === 0) map.delete(`k${i - 1}`);
    while (map.size > 10_000) map.shift();
  }
  expect(map.size).toBe(10_000);
  expect(map.oldest()?.[1]).toBeGreaterThan(980_000);
  expect(performance.now() - started).toBeLessThan(5_000);
});
