/**
 * createModbusSimulator: a Modbus device for tests, benchmarks and demos. Serves Modbus TCP, RTU
 * and ASCII (on serial ports or over TCP) from one set of units; values follow configured signals
 * on an injectable clock; fault personas can be switched per unit at runtime.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import { compileSimulatorConfig } from './config/compile-config.js';
import {
  faultSchema,
  type ListenerConfig,
  type ListenerConfigInput,
  listenerSchema,
  type SimulatorConfig,
  type SimulatorConfigInput,
  type SimulatorFault,
  type SimulatorFaultInput,
} from './config/config-schema.js';
import { parseSimulatorConfig } from './config/load-config.js';
import { ModbusEngine } from './engine/modbus-engine.js';
import { buildSimulatedUnit, type SimulatedUnit } from './engine/simulated-unit.js';
import { SimulatorCounters, type SimulatorStats } from './engine/simulator-counters.js';
import { pointWidth, readPoint, type TypedPoint, writePoint } from './memory/point-access.js';
import { isBitTable, type TableName } from './memory/table-name.js';
import { SignalDriver } from './signals/signal-driver.js';
import { SerialListener } from './transport/serial-listener.js';
import { TcpListener } from './transport/tcp-listener.js';
import type { TypedValue, ValueLayout } from './values/typed-value.js';

export interface ModbusSimulatorOptions {
  /** Drives the signals (tests pass kit's ManualClock). Default: wall clock with real timers. */
  readonly clock?: Clock;
  /** Replaces the config's `listeners`. Default (neither given): Modbus TCP on 127.0.0.1, ephemeral port. */
  readonly listeners?: readonly ListenerConfigInput[];
  /** Non-fatal events (socket errors, framing errors). Default: ignored; they are counted in stats(). */
  readonly onDiagnostic?: (message: string) => void;
}

export type ListeningAddress =
  | {
      readonly transport: 'tcp';
      readonly host: string;
      readonly port: number;
      readonly framing: 'tcp' | 'rtu' | 'ascii';
    }
  | { readonly transport: 'serial'; readonly path: string; readonly framing: 'rtu' | 'ascii' };

export interface SimulatorAddresses {
  /** Port of the first TCP listener. */
  readonly tcpPort?: number;
  readonly listeners: readonly ListeningAddress[];
}

/** A typed value and how its bytes are laid out. */
export interface TypedValueWrite extends ValueLayout {
  readonly value: TypedValue;
}

/** A typed value, raw register words, or bits (coils/discrete inputs: booleans or 0/1). */
export type SimulatorValue = TypedValueWrite | readonly number[] | readonly boolean[];

/** How a typed value is laid out. */
export type ReadValueLayout = ValueLayout;

export interface ModbusSimulator extends AsyncDisposable {
  /** Opens the listeners and starts the signal clock. Idempotent; fails after close(). */
  start(): Promise<SimulatorAddresses>;
  /** Closes listeners and connections, stops the clock. Idempotent. */
  close(): Promise<void>;
  /** Switches a unit's fault persona (undefined = healthy). Applies to the next request. */
  setFault(unitId: number, fault: SimulatorFaultInput | undefined): void;
  getFault(unitId: number): SimulatorFault | undefined;
  /**
   * Stores a value as if the device had produced it. The signals of the points it overlaps stop,
   * so the value stays. (Writes from Modbus clients do not stop signals.)
   */
  setValue(unitId: number, table: TableName, address: number, value: SimulatorValue): void;
  /** Raw words (or 0/1 for bit tables) of existing addresses. */
  getWords(unitId: number, table: TableName, address: number, count: number): number[];
  getBits(unitId: number, table: 'coils' | 'discreteInputs', address: number, count: number): boolean[];
  /** Decodes a typed value from a unit's table. */
  readValue(unitId: number, table: TableName, address: number, layout: ReadValueLayout): TypedValue;
  stats(): SimulatorStats;
  resetStats(): void;
  /** The validated configuration the simulator runs. */
  readonly config: SimulatorConfig;
}

const defaultListener: ListenerConfigInput = { transport: 'tcp', host: '127.0.0.1', port: 0 };

/** Builds a simulator; throws CONFIG_INVALID when the configuration or a listener is invalid. */
export function createModbusSimulator(
  configInput: SimulatorConfigInput | SimulatorConfig,
  options: ModbusSimulatorOptions = {},
): ModbusSimulator {
  const config = parseSimulatorConfig(configInput);
  const { units: compiledUnits } = compileSimulatorConfig(config);
  const listenerConfigs = parseListeners(options.listeners ?? config.listeners ?? [defaultListener]);
  const clock = options.clock ?? systemClock;
  const onDiagnostic = options.onDiagnostic ?? (() => {});

  const units = new Map<number, SimulatedUnit>();
  for (const compiled of compiledUnits) units.set(compiled.unitId, buildSimulatedUnit(compiled));
  const counters = new SimulatorCounters();
  const engine = new ModbusEngine(units, counters, config.unknownUnit);
  const createdAt = clock.now();
  const signals = new SignalDriver(compiledUnits, units, config.seed);

  let starting: Promise<SimulatorAddresses> | undefined;
  let closing: Promise<void> | undefined;
  let stopTicks: (() => void) | undefined;
  const openListeners: (TcpListener | SerialListener)[] = [];

  const unitOf = (unitId: number): SimulatedUnit => {
    const unit = units.get(unitId);
    if (unit === undefined) {
      throw new CodedError('CONFIG_INVALID', `the simulator has no unit ${unitId}`, { details: { unitId } });
    }
    return unit;
  };

  const requireAddresses = (unit: SimulatedUnit, table: TableName, address: number, count: number): void => {
    if (
      !Number.isInteger(address) ||
      !Number.isInteger(count) ||
      count < 1 ||
      !unit.memory.table(table).covers(address, count)
    ) {
      throw new CodedError(
        'CONFIG_INVALID',
        `unit ${unit.unitId} has no ${table} ${address}..${address + count - 1} configured`,
        { details: { unitId: unit.unitId, table, address, count } },
      );
    }
  };

  const startListeners = async (): Promise<SimulatorAddresses> => {
    const addresses: ListeningAddress[] = [];
    try {
      for (const listener of listenerConfigs) addresses.push(await startListener(listener));
    } catch (error) {
      await Promise.all(openListeners.map((listener) => listener.close()));
      openListeners.length = 0;
      throw error;
    }
    stopTicks = every(clock, config.tickMs, () => signals.tick(clock.now() - createdAt));
    const firstTcp = addresses.find((address) => address.transport === 'tcp');
    return firstTcp === undefined
      ? { listeners: addresses }
      : { tcpPort: firstTcp.port, listeners: addresses };
  };

  const startListener = async (listener: ListenerConfig): Promise<ListeningAddress> => {
    if (listener.transport === 'tcp') {
      const tcp = new TcpListener({ ...listener, onDiagnostic }, engine, counters);
      openListeners.push(tcp);
      const bound = await tcp.start();
      return { transport: 'tcp', host: bound.host, port: bound.port, framing: listener.framing };
    }
    const serial = new SerialListener({ ...listener, onDiagnostic }, engine, counters);
    openListeners.push(serial);
    await serial.start();
    return { transport: 'serial', path: listener.path, framing: listener.framing };
  };

  const simulator: ModbusSimulator = {
    config,
    start() {
      if (closing !== undefined) return Promise.reject(new Error('the Modbus simulator is closed'));
      starting ??= startListeners();
      return starting;
    },
    close() {
      closing ??= (async () => {
        await starting?.catch(() => undefined);
        stopTicks?.();
        stopTicks = undefined;
        await Promise.all(openListeners.map((listener) => listener.close()));
        openListeners.length = 0;
      })();
      return closing;
    },
    setFault(unitId, fault) {
      const unit = unitOf(unitId);
      if (fault === undefined) {
        unit.fault = undefined;
        return;
      }
      const parsed = faultSchema.safeParse(fault);
      if (!parsed.success) {
        throw new CodedError('CONFIG_INVALID', `invalid fault for unit ${unitId}: ${parsed.error.message}`, {
          details: { unitId },
        });
      }
      unit.fault = parsed.data;
    },
    getFault: (unitId) => unitOf(unitId).fault,
    setValue(unitId, table, address, value) {
      const unit = unitOf(unitId);
      const memory = unit.memory.table(table);
      if (isTypedValueWrite(value)) {
        const layout: TypedPoint = { table, address, ...value };
        requireAddresses(unit, table, address, pointWidth(layout));
        writePoint(unit.memory, layout, value.value);
        signals.detach(unitId, {
          table,
          address,
          count: pointWidth(layout),
          bit: !isBitTable(table) && value.type === 'bool' ? (value.bit ?? 0) : undefined,
        });
        return;
      }
      requireAddresses(unit, table, address, value.length);
      const limit = isBitTable(table) ? { min: 0, max: 1 } : { min: -0x8000, max: 0xffff };
      const bad = value.find(
        (item) =>
          typeof item === 'number' && !(Number.isInteger(item) && item >= limit.min && item <= limit.max),
      );
      if (bad !== undefined) {
        throw new CodedError('VALUE_OUT_OF_RANGE', `${String(bad)} is not a valid ${table} value`, {
          details: { unitId, table, address },
        });
      }
      for (const [i, item] of value.entries())
        memory.set(address + i, typeof item === 'boolean' ? Number(item) : item);
      signals.detach(unitId, { table, address, count: value.length });
    },
    getWords(unitId, table, address, count) {
      const unit = unitOf(unitId);
      requireAddresses(unit, table, address, count);
      const memory = unit.memory.table(table);
      return Array.from({ length: count }, (_, i) => memory.get(address + i));
    },
    getBits(unitId, table, address, count) {
      return simulator.getWords(unitId, table, address, count).map((bit) => bit !== 0);
    },
    readValue(unitId, table, address, layout) {
      const unit = unitOf(unitId);
      const pointLayout: TypedPoint = { table, address, ...layout };
      requireAddresses(unit, table, address, pointWidth(pointLayout));
      return readPoint(unit.memory, pointLayout);
    },
    stats: () => counters.snapshot(),
    resetStats: () => counters.reset(),
    [Symbol.asyncDispose]: () => simulator.close(),
  };
  return simulator;
}

/**
 * Calls `onTick` every `periodMs` on `clock` until the returned function is called. Each tick is
 * due one period after the previous one was due, so ticks do not drift; ticks that a late clock
 * missed are skipped rather than run in a burst.
 */
function every(clock: Clock, periodMs: number, onTick: () => void): () => void {
  let due = clock.now() + periodMs;
  const tick = (): void => {
    const now = clock.now();
    due += periodMs;
    if (due <= now) due = now + periodMs;
    cancel = clock.setTimer(due - now, tick);
    onTick();
  };
  let cancel = clock.setTimer(periodMs, tick);
  return () => cancel();
}

function isTypedValueWrite(value: SimulatorValue): value is TypedValueWrite {
  return !Array.isArray(value);
}

function parseListeners(inputs: readonly ListenerConfigInput[]): ListenerConfig[] {
  return inputs.map((input, index) => {
    const parsed = listenerSchema.safeParse(input);
    if (!parsed.success) {
      throw new CodedError('CONFIG_INVALID', `invalid listener ${index}: ${parsed.error.message}`, {
        details: { index },
      });
    }
    return parsed.data;
  });
}
