import { type Clock, ManualClock } from '@lwm2m-adapters/kit';
import { describe, expect, it } from 'vitest';
import {
  createModbusSimulator,
  type SignalSpecInput,
  type SimulatorConfigInput,
} from '../../src/simulator/index.js';

function withSignal(
  type: 'float32' | 'int16' | 'uint16',
  signal: SignalSpecInput,
  tickMs = 100,
): SimulatorConfigInput {
  return {
    tickMs,
    units: [
      {
        unitId: 1,
        holdingRegisters: [
          { start: 0, count: 10, points: [{ address: 0, type, wordOrder: 'CDAB', signal }] },
        ],
        coils: [{ start: 0, count: 4, points: [{ address: 1, signal: { kind: 'toggle', periodMs: 400 } }] }],
      },
    ],
  };
}

async function sampled(
  config: SimulatorConfigInput,
  steps: number,
  stepMs: number,
  type = 'float32' as const,
) {
  const clock = new ManualClock();
  await using simulator = createModbusSimulator(config, { clock });
  await simulator.start();
  const values = [simulator.readValue(1, 'holdingRegisters', 0, { type, wordOrder: 'CDAB' })];
  for (let i = 0; i < steps; i++) {
    clock.advance(stepMs);
    values.push(simulator.readValue(1, 'holdingRegisters', 0, { type, wordOrder: 'CDAB' }));
  }
  return values;
}

describe('signals on a manual clock', () => {
  it('sine: offset + amplitude × sin(2πt/period + phase), stored as float32 CDAB', async () => {
    const values = await sampled(
      withSignal('float32', { kind: 'sine', amplitude: 10, periodMs: 400, offset: 20 }),
      4,
      100,
    );
    expect(values.map((v) => Math.round(Number(v) * 1000) / 1000)).toEqual([20, 30, 20, 10, 20]);
  });

  it('ramp: from → to over a period, then again', async () => {
    const values = await sampled(
      withSignal('float32', { kind: 'ramp', from: 0, to: 100, periodMs: 400 }),
      5,
      100,
    );
    expect(values).toEqual([0, 25, 50, 75, 0, 25]);
  });

  it('counter: increment per tick, wrapping past max to min', async () => {
    const clock = new ManualClock();
    const config = withSignal('int16', { kind: 'counter', start: 5, increment: 3, min: 2, max: 12 }, 50);
    await using simulator = createModbusSimulator(config, { clock });
    await simulator.start();
    const values: number[] = [];
    for (let i = 0; i < 6; i++) {
      values.push(simulator.getWords(1, 'holdingRegisters', 0, 1)[0]!);
      clock.advance(50);
    }
    expect(values).toEqual([5, 8, 11, 2, 5, 8]);
  });

  it('counter without max wraps at the top of its type', async () => {
    const clock = new ManualClock();
    await using simulator = createModbusSimulator(
      withSignal('uint16', { kind: 'counter', start: 65534, increment: 1 }),
      { clock },
    );
    await simulator.start();
    clock.advance(100);
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([65535]);
    clock.advance(100);
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([0]);
  });

  it('random walk: reproducible for a seed, within bounds, different for another seed', async () => {
    const walk = (seed: number) =>
      sampled(
        withSignal('float32', { kind: 'random-walk', min: -5, max: 5, step: 2, start: 0, seed }),
        200,
        100,
      );
    const first = await walk(42);
    expect(await walk(42)).toEqual(first);
    expect(await walk(43)).not.toEqual(first);
    expect(first.every((v) => Number(v) >= -5 && Number(v) <= 5)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(100);
  });

  it('random walks without their own seed follow the config seed', async () => {
    const config = (seed: number): SimulatorConfigInput => ({
      ...withSignal('float32', { kind: 'random-walk', min: 0, max: 100, step: 5 }),
      seed,
    });
    const a = await sampled(config(1), 20, 100);
    expect(await sampled(config(1), 20, 100)).toEqual(a);
    expect(await sampled(config(2), 20, 100)).not.toEqual(a);
  });

  it('toggle and sequence switch at their period boundaries', async () => {
    const clock = new ManualClock();
    const config = withSignal('int16', { kind: 'sequence', values: [3, -4, 5], periodMs: 200 });
    await using simulator = createModbusSimulator(config, { clock });
    await simulator.start();
    const coils: boolean[] = [];
    const words: number[] = [];
    for (let i = 0; i < 8; i++) {
      coils.push(simulator.getBits(1, 'coils', 1, 1)[0]!);
      words.push(Number(simulator.readValue(1, 'holdingRegisters', 0, { type: 'int16' })));
      clock.advance(100);
    }
    expect(coils).toEqual([false, false, true, true, false, false, true, true]);
    expect(words).toEqual([3, 3, -4, -4, 5, 5, 3, 3]);
  });

  it('stops a point’s signal when a test sets its value, and ticks stop at close', async () => {
    const clock = new ManualClock();
    const simulator = createModbusSimulator(withSignal('uint16', { kind: 'counter' }), { clock });
    await simulator.start();
    clock.advance(300);
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([3]);
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'uint16', value: 999 });
    clock.advance(300);
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([999]);
    expect(simulator.getBits(1, 'coils', 1, 1)).toEqual([true]);
    await simulator.close();
    clock.advance(200);
    expect(simulator.getBits(1, 'coils', 1, 1)).toEqual([true]);
  });

  it('refuses raw values that do not fit the table, and addresses that do not exist', async () => {
    await using simulator = createModbusSimulator(withSignal('uint16', { kind: 'counter' }), {
      clock: new ManualClock(),
    });
    expect(() => simulator.setValue(1, 'holdingRegisters', 0, [70000])).toThrow(
      expect.objectContaining({ code: 'VALUE_OUT_OF_RANGE' }),
    );
    expect(() => simulator.setValue(1, 'coils', 0, [2])).toThrow(
      expect.objectContaining({ code: 'VALUE_OUT_OF_RANGE' }),
    );
    expect(() => simulator.setValue(1, 'holdingRegisters', 9, [1, 2])).toThrow(/no holdingRegisters 9\.\.10/);
    expect(() => simulator.getWords(1, 'inputRegisters', 0, 1)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    simulator.setValue(1, 'holdingRegisters', 1, [-1, 65535]);
    expect(simulator.getWords(1, 'holdingRegisters', 1, 2)).toEqual([65535, 65535]);
  });

  it('ticks every tickMs without drift, and skips the ticks a late clock missed', async () => {
    let now = 5000;
    const timers: { delay: number; callback: () => void; cancelled: boolean }[] = [];
    const clock: Clock = {
      now: () => now,
      setTimer(delay, callback) {
        const timer = { delay, callback, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    };
    const fire = (at: number) => {
      now = at;
      timers.at(-1)!.callback();
    };
    const simulator = createModbusSimulator(withSignal('uint16', { kind: 'counter' }), { clock });
    await simulator.start();
    const counter = () => simulator.getWords(1, 'holdingRegisters', 0, 1)[0];
    expect(timers.map((t) => t.delay)).toEqual([100]);
    fire(5103); // 3 ms late: the next tick is due at 5200
    expect(counter()).toBe(1);
    expect(timers.at(-1)!.delay).toBe(97);
    fire(5450); // 250 ms late: one tick, then one period from now
    expect(counter()).toBe(2);
    expect(timers.at(-1)!.delay).toBe(100);
    await simulator.close();
    expect(timers.at(-1)!.cancelled).toBe(true);
  });

  it('stops only the signal of the bit that was set in a shared register', async () => {
    const clock = new ManualClock();
    const simulator = createModbusSimulator(
      {
        units: [
          {
            unitId: 1,
            holdingRegisters: [
              {
                start: 0,
                count: 1,
                points: [
                  { address: 0, type: 'bool', bit: 0, signal: { kind: 'toggle', periodMs: 200 } },
                  { address: 0, type: 'bool', bit: 1, signal: { kind: 'toggle', periodMs: 200 } },
                ],
              },
            ],
          },
        ],
      },
      { clock },
    );
    await simulator.start();
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'bool', bit: 1, value: false });
    clock.advance(100);
    expect(simulator.getWords(1, 'holdingRegisters', 0, 1)).toEqual([0b01]);
    await simulator.close();
  });
});
