/**
 * A dead unit on a shared RTU line (issue 15): how much of their poll rate the other units keep in
 * the first minute after one unit stops answering. Its timeouts and probes hold the line; nothing
 * else does. Runs in virtual time: a ManualClock drives the adapter's links (request timeouts,
 * quarantine periods, serial silences) and a simulated line that takes each frame's time on the
 * wire at the baud rate, so a minute of the line takes a fraction of a second and the figures do
 * not depend on the machine.
 *
 * Set-up: five units on one line, each polled with a read of 10 holding registers every 400 ms
 * at 9600 baud, 250 ms at 19200 (the line about 55 % busy; the host skips a tick while the
 * previous read of the unit still runs, as PollScheduler does); the units answer after 5 ms.
 * After 5 s, unit 5 dies. Counted: good readings of units 1-4 in the next 60 s, against the same
 * minute with unit 5 alive, and the time the dead unit held the line (from a request to it to
 * the next request on the line: its timeout and the guard silence after it).
 */
import { CodedError } from '@lwm2m-adapters/errors';
import { ManualClock } from '@lwm2m-adapters/kit';
import {
  crc16Modbus,
  createModbusAdapter,
  type ModbusByteStream,
  type ModbusPoint,
} from '@lwm2m-adapters/modbus';
import { type AdapterSession, silentLogger } from '@lwm2m-adapters/sdk';

const LIVE_UNITS = [1, 2, 3, 4];
const DYING_UNIT = 5;
/** Poll interval by baud rate: the line about 55 % busy while every unit answers. */
const POLL_MS: Readonly<Record<number, number>> = { 9600: 400, 19200: 250 };
const TURNAROUND_MS = 5;
const WARM_UP_MS = 5_000;
const MEASURED_MS = 60_000;

/** A serial line in virtual time: frames take their time on the wire; dead units never answer. */
function virtualLine(clock: ManualClock, baudRate: number, dead: Set<number>) {
  const msPerByte = (11 * 1000) / baudRate; // 8E1
  let busyUntil = 0;
  let deadRequestAt: number | undefined;
  const held = { ms: 0 };
  const transmit = (bytes: number): number => {
    busyUntil = Math.max(busyUntil, clock.now()) + bytes * msPerByte;
    return busyUntil;
  };
  const open = async (): Promise<ModbusByteStream> => {
    let receiver: ((chunk: Uint8Array) => void) | undefined;
    return {
      attach: (handlers) => {
        receiver = (chunk) => handlers.data(chunk);
      },
      write: (frame) => {
        if (deadRequestAt !== undefined) held.ms += clock.now() - deadRequestAt;
        deadRequestAt = undefined;
        const sentAt = transmit(frame.length);
        const unit = frame[0]!;
        if (dead.has(unit)) deadRequestAt = clock.now();
        if (dead.has(unit) || frame[1] !== 3) return;
        const quantity = (frame[4]! << 8) | frame[5]!;
        const reply = new Uint8Array(5 + 2 * quantity);
        reply[0] = unit;
        reply[1] = 3;
        reply[2] = 2 * quantity;
        const crc = crc16Modbus(reply, 0, reply.length - 2);
        reply[reply.length - 2] = crc & 0xff;
        reply[reply.length - 1] = crc >>> 8;
        clock.setTimer(sentAt + TURNAROUND_MS - clock.now(), () => {
          const arrivedAt = transmit(reply.length);
          clock.setTimer(arrivedAt - clock.now(), () => receiver?.(reply));
        });
      },
      close: async () => {
        receiver = undefined;
      },
    };
  };
  return { open, held };
}

/** Runs the virtual clock to `until`, letting promises settle between timers. */
async function runUntil(clock: ManualClock, until: number): Promise<void> {
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  await settle();
  while (clock.fireNext(until)) await settle();
  clock.advance(until - clock.now());
}

interface Outcome {
  readonly livePolls: number;
  /** Time the dead unit held the line in the measured minute. */
  readonly heldMs: number;
  readonly deadStats: Readonly<Record<string, number>>;
}

async function firstMinute(
  baudRate: number,
  timeoutMs: number | undefined,
  unitDies: boolean,
): Promise<Outcome> {
  const clock = new ManualClock(0);
  const dead = new Set<number>();
  const line = virtualLine(clock, baudRate, dead);
  const adapter = createModbusAdapter({ openByteStream: line.open, clock });
  const points = [{ id: 'block', source: { table: 'holding', address: 0, type: 'bytes', length: 10 } }];
  const sessions = new Map<number, AdapterSession>();
  for (const unit of [...LIVE_UNITS, DYING_UNIT]) {
    const connection = adapter.connectionSchema.parse({
      transport: 'rtu',
      path: '/dev/virtual',
      baudRate,
      unitId: unit,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const session = adapter.createSession({
      deviceId: `unit-${unit}`,
      connection,
      points: points.map((p) => ({
        id: p.id,
        source: adapter.pointSchema.parse(p.source) as ModbusPoint,
        access: { read: true, write: false, execute: false },
      })),
      logger: silentLogger,
    });
    sessions.set(unit, session);
  }
  await Promise.all([...sessions.values()].map((s) => s.start()));
  let measuring = false;
  let polling = true;
  let livePolls = 0;
  for (const [unit, session] of sessions) {
    let running = false;
    const tick = (k: number) => {
      clock.setTimer(k * POLL_MS[baudRate]! - clock.now(), () => {
        if (!polling) return;
        if (!running) {
          running = true;
          void session.read(['block']).then((readings) => {
            running = false;
            if (measuring && unit !== DYING_UNIT && readings[0]?.ok) livePolls++;
          });
        }
        tick(k + 1);
      });
    };
    tick(1);
  }
  await runUntil(clock, WARM_UP_MS);
  if (unitDies) dead.add(DYING_UNIT);
  measuring = true;
  const before = sessions.get(DYING_UNIT)!.stats();
  await runUntil(clock, WARM_UP_MS + MEASURED_MS);
  measuring = false;
  polling = false;
  const after = sessions.get(DYING_UNIT)!.stats();
  const deadStats = Object.fromEntries(
    ['requests', 'timeouts', 'quarantines', 'probes', 'refused'].map((k) => [
      k,
      (after[k] ?? 0) - (before[k] ?? 0),
    ]),
  );
  // close in virtual time: pending timers fire, queued requests settle
  const closing = Promise.all([...sessions.values()].map((s) => s.close()));
  await runUntil(clock, clock.now() + 5_000);
  await closing.catch((error: unknown) => {
    throw new CodedError('DEVICE_FAILURE', 'closing the benchmark sessions failed', { cause: error });
  });
  return { livePolls, heldMs: line.held.ms, deadStats };
}

export async function runModbusDeadUnitBench(): Promise<void> {
  console.log('\n## Modbus: a dead unit on a shared RTU line, the first minute\n');
  console.log(
    `Five units on one line, 10 registers each, polled every ${POLL_MS[9600]} ms at 9600 baud and ${POLL_MS[19_200]} ms at 19200 (the line ~55 % busy); unit ${DYING_UNIT} stops answering. Polls of the other four in the 60 s after, against the same minute with every unit answering; the time the dead unit held the line in that minute (virtual time, so no machine noise).\n`,
  );
  console.log(
    '| baud | request timeout | polls of the others (all alive) | (one dead) | kept | line held by the dead unit | its timeouts / probes / quarantines / refused |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---|');
  for (const baudRate of [9600, 19_200]) {
    for (const [label, timeoutMs] of [
      ['1000 ms (the former default)', 1000],
      ['derived from the line speed (default)', undefined],
    ] as const) {
      const alive = await firstMinute(baudRate, timeoutMs, false);
      const dying = await firstMinute(baudRate, timeoutMs, true);
      const kept = (100 * dying.livePolls) / alive.livePolls;
      const d = dying.deadStats;
      console.log(
        `| ${baudRate} | ${label} | ${alive.livePolls} | ${dying.livePolls} | ${kept.toFixed(1)} % | ${(dying.heldMs / 1000).toFixed(2)} s (${((100 * dying.heldMs) / MEASURED_MS).toFixed(1)} %) | ${d.timeouts} / ${d.probes} / ${d.quarantines} / ${d.refused} |`,
      );
    }
  }
}
