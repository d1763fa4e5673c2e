import { describe, expect, it } from 'vitest';
import { parseExecuteArguments } from '../src/operations/execute-arguments.js';

describe('parseExecuteArguments', () => {
  it('parses digits with and without quoted values', () => {
    expect(parseExecuteArguments('')).toEqual({ ok: true, args: [] });
    expect(parseExecuteArguments("0='abc',1")).toEqual({
      ok: true,
      args: [
        { id: 0, value: 'abc' },
        { id: 1, value: undefined },
      ],
    });
    expect(parseExecuteArguments("9=''")).toEqual({ ok: true, args: [{ id: 9, value: '' }] });
    expect(parseExecuteArguments("3='!#$%&()*+,-./:;<=>?@[]^_`{|}~'")).toMatchObject({ ok: true });
  });

  it.each([
    "0='abc",
    "0='a',0",
    '10',
    '0=abc',
    "0='a b'",
    "0='a\"b'",
    "0='a\\\\b'",
    ',',
    '1,',
    ',1',
    'a',
    "0=''x",
    ' 1',
  ])('rejects %j', (text) => {
    expect(parseExecuteArguments(text).ok).toBe(false);
  });

  it('rejects overlong argument lists', () => {
    expect(parseExecuteArguments(`0='${'a'.repeat(5000)}'`).ok).toBe(false);
  });
});
