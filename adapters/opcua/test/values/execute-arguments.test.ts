import { describe, expect, it } from 'vitest';
import { methodArguments, parseExecuteArgumentText } from '../../src/values/execute-arguments.js';

const inputs = [
  { name: 'a', type: 'Int32', dataTypeText: 'i=6', array: false },
  { name: 'b', type: 'Double', dataTypeText: 'i=11', array: false },
] as const;

describe('execute arguments', () => {
  it('parses the LwM2M form', () => {
    expect(parseExecuteArgumentText("0='a',1='2'")).toEqual([
      { id: 0, value: 'a' },
      { id: 1, value: '2' },
    ]);
    expect(parseExecuteArgumentText('3')).toEqual([{ id: 3, value: undefined }]);
    expect(parseExecuteArgumentText(undefined)).toEqual([]);
    for (const bad of ["0='a'1", "0='a',", "0='a',0='b'", 'x', '0=a'])
      expect(() => parseExecuteArgumentText(bad), bad).toThrow(
        expect.objectContaining({ code: 'WRITE_VALUE_INVALID' }),
      );
  });

  it('maps them onto the input arguments by index and declared type', () => {
    expect(methodArguments("1='2.5',0='-40'", inputs, 'Add')).toEqual([
      { type: 'Int32', value: -40n },
      { type: 'Double', value: 2.5 },
    ]);
    expect(
      methodArguments(
        "0='true',1='2024-01-02T03:04:05Z',2='00ff'",
        [
          { name: 'on', type: 'Boolean', dataTypeText: 'i=1', array: false },
          { name: 't', type: 'DateTime', dataTypeText: 'i=13', array: false },
          { name: 'b', type: 'ByteString', dataTypeText: 'i=15', array: false },
        ],
        'M',
      ),
    ).toEqual([
      { type: 'Boolean', value: true },
      { type: 'DateTime', value: new Date('2024-01-02T03:04:05Z') },
      { type: 'ByteString', value: new Uint8Array([0, 255]) },
    ]);
  });

  it.each([
    [undefined, 'Add(a: Int32, b: Double) takes 2 argument(s), got 0'],
    ["0='1'", 'takes 2 argument(s), got 1'],
    ["0='1',2='2'", 'argument 1 (b) is missing'],
    ["0,1='2'", 'argument 0 (a) needs a value'],
    ["0='x',1='2'", 'argument 0 (a, Int32): "x" is not an integer'],
    ["0='2147483648',1='2'", '2147483648 is outside the Int32 range'],
    ["0='1',1='abc'", 'argument 1 (b, Double): "abc" is not a number'],
  ])('refuses %s: %s', (args, message) => {
    expect(() => methodArguments(args, inputs, 'Add')).toThrow(
      expect.objectContaining({ code: 'WRITE_VALUE_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('refuses an input argument type an execute argument cannot carry', () => {
    expect(() =>
      methodArguments(
        "0='x'",
        [{ name: 's', type: undefined, dataTypeText: 'ns=3;i=3001', array: false }],
        'M',
      ),
    ).toThrow(/has DataType ns=3;i=3001, which an execute argument cannot carry/);
  });
});
