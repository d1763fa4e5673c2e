/**
 * The simulated variables' current values, kept outside the node-opcua server so that a restart
 * serves the same values: the server's variables read and write through it. Signals are sampled
 * on each tick; a client write or a method that sets a variable takes the variable off its signal.
 */
import {
  createSignalSource,
  mixSeed,
  type SignalSource,
  type SignalSpec,
} from '@lwm2m-adapters/sdk/simulation';
import { OPCUA_INTEGER_RANGES, type OpcuaDataType } from '../../config/point-schema.js';
import { coerceVariantValue, type LooseScalar, type VariantValue } from './simulated-value.js';

export interface StoredVariable {
  readonly type: OpcuaDataType;
  readonly array: boolean;
  readonly initial: VariantValue;
  value: VariantValue;
  source: SignalSource | undefined;
  /** Restricts values to this set (a mapping's enumeration): signal samples snap to the nearest. */
  readonly allowed: readonly LooseScalar[] | undefined;
}

export class ValueStore {
  private readonly variables = new Map<string, StoredVariable>();

  constructor(private readonly seed: number) {}

  add(
    key: string,
    init: {
      type: OpcuaDataType;
      array: boolean;
      initial: VariantValue;
      signal?: SignalSpec | undefined;
      allowed?: readonly LooseScalar[] | undefined;
    },
  ): void {
    const range = OPCUA_INTEGER_RANGES[init.type];
    const maximum =
      range === undefined ? Number.MAX_SAFE_INTEGER : Number(range[1] > 2n ** 53n ? 2n ** 53n : range[1]);
    const source =
      init.signal === undefined
        ? undefined
        : createSignalSource(init.signal, mixSeed(this.seed, this.variables.size), maximum);
    this.variables.set(key, {
      type: init.type,
      array: init.array,
      initial: init.initial,
      value: init.initial,
      source,
      allowed: init.allowed,
    });
  }

  get(key: string): StoredVariable | undefined {
    return this.variables.get(key);
  }

  has(key: string): boolean {
    return this.variables.has(key);
  }

  keys(): IterableIterator<string> {
    return this.variables.keys();
  }

  /** Sets a value (coerced to the variable's type); `detach` takes it off its signal. */
  set(key: string, value: LooseScalar | readonly LooseScalar[], detach: boolean): void {
    const variable = this.variables.get(key);
    if (variable === undefined) return;
    variable.value = coerceVariantValue(variable.type, variable.array, value);
    if (detach) variable.source = undefined;
  }

  /** Back to the initial value (or `value`), keeping the signal, if any. */
  reset(key: string, value?: LooseScalar | readonly LooseScalar[]): void {
    const variable = this.variables.get(key);
    if (variable === undefined) return;
    variable.value =
      value === undefined ? variable.initial : coerceVariantValue(variable.type, variable.array, value);
  }

  /** Samples every signal at `elapsedMs` since the simulator started. */
  tick(elapsedMs: number): void {
    for (const variable of this.variables.values()) {
      if (variable.source === undefined) continue;
      let sample: LooseScalar = variable.source.sample(elapsedMs);
      if (variable.allowed !== undefined && variable.allowed.length > 0)
        sample = snap(variable.allowed, sample);
      variable.value = coerceVariantValue(variable.type, variable.array, variable.array ? [sample] : sample);
    }
  }
}

/** The allowed value nearest to a sample (by index for non-numbers). */
function snap(allowed: readonly LooseScalar[], sample: LooseScalar): LooseScalar {
  if (typeof sample !== 'number') return allowed.includes(sample) ? sample : (allowed[0] as LooseScalar);
  const numeric = allowed.filter((a): a is number => typeof a === 'number');
  if (numeric.length === 0) return allowed[Math.abs(Math.round(sample)) % allowed.length] as LooseScalar;
  return numeric.reduce((best, a) => (Math.abs(a - sample) < Math.abs(best - sample) ? a : best));
}
