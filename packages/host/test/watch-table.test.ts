import type { CompiledBoundPoint } from '@lwm2m-adapters/mapping';
import { CodedError } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import type { DirectPoint } from '../src/technician/direct-devices.js';
import { renderWatchLines, renderWatchTable } from '../src/technician/watch-table.js';

const point = (path: string, name: string, units?: string): DirectPoint => ({
  path,
  name,
  point: { conversion: units === undefined ? {} : { units } } as unknown as CompiledBoundPoint,
});

describe('the watch table', () => {
  it('escapes names and values from files and devices, so they cannot move the cursor or forge rows', () => {
    const rows = [
      {
        point: point('/d/3341/0/5527', 'Text\u001b[2J'),
        reading: {
          ok: true as const,
          value: { type: 'string' as const, value: 'ok\n/d/1/0/1  fake' },
          at: 1000,
        },
        changed: true,
      },
    ];
    const table = renderWatchTable('t', rows, 1500, false);
    expect(table).not.toContain('\u001b');
    expect(table.split('\n')).toHaveLength(4); // title, header, one row, final newline
    expect(table).toContain('Text\\u001b[2J');
    expect(table).toContain('ok\\u000a/d/1/0/1  fake');
    const [line] = renderWatchLines(rows, 1500);
    expect(line).toContain('"Text\\\\u001b[2J" ok\\u000a/d/1/0/1  fake good');
  });

  it('shows the value with units, the age, and an error code with its message', () => {
    const table = renderWatchTable(
      't',
      [
        {
          point: point('/d/3303/0/5700', 'Sensor Value', 'Cel'),
          reading: { ok: true, value: { type: 'float', value: 21.1234 }, at: 1000 },
          changed: true,
        },
        {
          point: point('/d/3303/1/5700', 'Sensor Value', 'Cel'),
          reading: {
            ok: false,
            error: new CodedError('DEVICE_TIMEOUT', 'unit 1: no reply in 1000 ms'),
            at: 0,
          },
          changed: false,
        },
        { point: point('/d/3303/2/5700', 'Sensor Value'), reading: undefined, changed: false },
      ],
      3500,
      true,
    );
    expect(table.split('\n').slice(1, 5)).toEqual([
      'PATH            NAME          VALUE           AGE   QUALITY',
      '/d/3303/0/5700  Sensor Value  \u001b[7m21.123 Cel\u001b[27m      2.5s  good',
      '/d/3303/1/5700  Sensor Value  DEVICE_TIMEOUT  3.5s  bad: unit 1: no reply in 1000 ms',
      '/d/3303/2/5700  Sensor Value  -               -     not read yet',
    ]);
  });
});
