import { describe, expect, it } from 'vitest';
import { Fifo } from '../src/fifo.js';

function drain<T>(fifo: Fifo<T>): T[] {
  const items: T[] = [];
  for (let item = fifo.shift(); item !== undefined; item = fifo.shift()) items.push(item);
  return items;
}

describe('Fifo', () => {
  it('shifts in push order and peeks at the head', () => {
    const fifo = new Fifo<number>();
    expect(fifo.peek()).toBeUndefined();
    expect(fifo.shift()).toBeUndefined();
    for (let i = 1; i <= 3; i++) fifo.push(i);
    expect(fifo.size).toBe(3);
    expect(fifo.peek()).toBe(1);
    expect(drain(fifo)).toEqual([1, 2, 3]);
    expect(fifo.size).toBe(0);
  });

  it('fills and drains over and over in order (a drained queue starts over)', () => {
    const fifo = new Fifo<number>();
    let next = 0;
    let expected = 0;
    for (let cycle = 0; cycle < 50; cycle++) {
      for (let i = 0; i < 3; i++) fifo.push(next++);
      expect(fifo.size).toBe(3);
      for (let i = 0; i < 3; i++) expect(fifo.shift()).toBe(expected++);
      expect(fifo.size).toBe(0);
      expect(fifo.peek()).toBeUndefined();
      expect(fifo.shift()).toBeUndefined();
    }
    fifo.push(7);
    fifo.push(8);
    expect(fifo.shift()).toBe(7);
    fifo.push(9);
    expect([fifo.shift(), fifo.shift(), fifo.size]).toEqual([8, 9, 0]);
  });

  it('removeWhere returns the matches in order and keeps the rest in order', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 10; i++) fifo.push(i);
    fifo.shift();
    fifo.shift(); // the head has moved: 2..9 remain
    expect(fifo.removeWhere((n) => n % 3 === 0)).toEqual([3, 6, 9]);
    expect(fifo.size).toBe(5);
    expect(fifo.peek()).toBe(2);
    fifo.push(10);
    expect(drain(fifo)).toEqual([2, 4, 5, 7, 8, 10]);
    expect(fifo.removeWhere(() => true)).toEqual([]);
  });

  it('removeWhere after the queue compacted its head keeps the remaining items', () => {
    const fifo = new Fifo<string>();
    for (let i = 0; i < 200; i++) fifo.push(`x${i}`);
    for (let i = 0; i < 150; i++) fifo.shift();
    expect(fifo.removeWhere((item) => item.endsWith('5'))).toEqual(['x155', 'x165', 'x175', 'x185', 'x195']);
    expect(fifo.size).toBe(45);
    expect(fifo.peek()).toBe('x150');
    expect(drain(fifo).at(-1)).toBe('x199');
  });
});
