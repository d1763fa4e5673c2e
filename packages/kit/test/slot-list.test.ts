import { describe, expect, it } from 'vitest';
import { SlotList } from '../src/slot-list.js';

describe('SlotList', () => {
  it('adds, finds and deletes by identity; the last item takes a deleted one’s place', () => {
    const list = new SlotList<{ id: number }>();
    const a = { id: 1 };
    const b = { id: 2 };
    const c = { id: 3 };
    list.add(a);
    list.add(b);
    list.add(c);
    expect(list.size).toBe(3);
    expect(list.find((item) => item.id === 2)).toBe(b);
    expect(list.find((item) => item.id === 9)).toBeUndefined();
    expect(list.delete(a)).toBe(true);
    expect(list.delete(a)).toBe(false);
    expect(list.delete({ id: 2 })).toBe(false); // an equal object is not the item
    expect(list.size).toBe(2);
    // c took a's place: the order is [c, b], and each is the very object added
    const items = list.toArray();
    expect(items).toHaveLength(2);
    expect(items[0]).toBe(c);
    expect(items[1]).toBe(b);
  });

  it('fills and empties again and again with the right contents', () => {
    const list = new SlotList<number>();
    for (let round = 0; round < 50; round++) {
      const items = Array.from({ length: (round % 7) + 1 }, (_, i) => round * 100 + i);
      for (const item of items) list.add(item);
      expect(list.toArray().sort((x, y) => x - y)).toEqual(items);
      // delete from the middle, then the rest
      const middle = items[Math.floor(items.length / 2)]!;
      expect(list.delete(middle)).toBe(true);
      expect(list.toArray()).not.toContain(middle);
      for (const item of items) if (item !== middle) expect(list.delete(item)).toBe(true);
      expect(list.size).toBe(0);
      expect(list.toArray()).toEqual([]);
    }
  });

  it('toArray is a copy: deleting while going through it is safe; clear forgets everything', () => {
    const list = new SlotList<string>();
    for (const item of ['a', 'b', 'c']) list.add(item);
    for (const item of list.toArray()) list.delete(item);
    expect(list.size).toBe(0);
    list.add('d');
    list.add('e');
    list.clear();
    expect(list.size).toBe(0);
    expect(list.find(() => true)).toBeUndefined();
    list.add('f');
    expect(list.toArray()).toEqual(['f']);
  });
});
