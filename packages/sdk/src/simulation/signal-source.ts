/**
 * Turns a signal spec into values over time. `sample` is called once at start (elapsed 0) and then
 * once per tick, in order: counters and random walks step per call, the others are functions of
 * the elapsed time, so a manual clock makes every sequence reproducible.
 */

import { seededRandom } from './prng.js';
import type { SignalSpec, SignalValue } from './signal-schema.js';

export interface SignalSource {
  sample(elapsedMs: number): SignalValue;
}

export function createSignalSource(spec: SignalSpec, defaultSeed: number, typeMaximum: number): SignalSource {
  switch (spec.kind) {
    case 'constant':
      return { sample: () => spec.value };
    case 'sine': {
      const phase = (spec.phaseDeg * Math.PI) / 180;
      return {
        sample: (t) => spec.offset + spec.amplitude * Math.sin((2 * Math.PI * t) / spec.periodMs + phase),
      };
    }
    case 'ramp':
      return { sample: (t) => spec.from + ((spec.to - spec.from) * (t % spec.periodMs)) / spec.periodMs };
    case 'toggle':
      return { sample: (t) => Math.floor((2 * t) / spec.periodMs) % 2 === 1 };
    case 'sequence':
      return { sample: (t) => spec.values[Math.floor(t / spec.periodMs) % spec.values.length]! };
    case 'counter':
      return counterSource(spec, typeMaximum);
    case 'random-walk':
      return randomWalkSource(spec, defaultSeed);
  }
}

function counterSource(spec: Extract<SignalSpec, { kind: 'counter' }>, typeMaximum: number): SignalSource {
  const min = spec.min ?? Math.min(spec.start, 0);
  const max = spec.max ?? typeMaximum;
  let value: number | undefined;
  return {
    sample() {
      if (value === undefined) value = spec.start;
      else {
        value += spec.increment;
        if (value > max) value = min;
        else if (value < min) value = max;
      }
      return value;
    },
  };
}

function randomWalkSource(
  spec: Extract<SignalSpec, { kind: 'random-walk' }>,
  defaultSeed: number,
): SignalSource {
  const random = seededRandom(spec.seed ?? defaultSeed);
  const low = Math.min(spec.min, spec.max);
  const high = Math.max(spec.min, spec.max);
  let value: number | undefined;
  return {
    sample() {
      if (value === undefined) value = Math.min(high, Math.max(low, spec.start ?? (low + high) / 2));
      else {
        value += (2 * random() - 1) * spec.step;
        // Reflect at the bounds so the walk does not stick to them.
        if (value > high) value = Math.max(low, 2 * high - value);
        else if (value < low) value = Math.min(high, 2 * low - value);
      }
      return value;
    },
  };
}
