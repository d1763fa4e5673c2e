/**
 * Serves Modbus on one byte stream (a TCP connection or a serial port). Requests are answered
 * synchronously inside the 'data' handler and replies leave in request order: a reply delayed by
 * the "slow" persona holds back the replies behind it. Memory is bounded: the decoder keeps at most
 * one frame, and reading pauses while too many replies wait or the peer does not read its replies.
 */
import type { Duplex } from 'node:stream';
import type { ModbusEngine } from '../engine/modbus-engine.js';
import type { SimulatorCounters } from '../engine/simulator-counters.js';
import type { FrameDecoder, Framing } from '../framing/framing.js';

/** Replies waiting behind a delayed one before the connection stops reading. */
const MAX_QUEUED_REPLIES = 256;
/** Unsent reply bytes before the connection stops reading. */
const MAX_UNSENT_BYTES = 256 * 1024;

export interface StreamConnectionOptions {
  /** Serial framings: line silence after which a partial frame is dropped. 0 = never. */
  readonly silenceMs: number;
  readonly onDiagnostic: (message: string) => void;
}

interface QueuedReply {
  frame: Uint8Array | undefined;
}

export class StreamConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: QueuedReply[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private batch: Uint8Array[] = [];
  private silenceTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private closed = false;

  constructor(
    private readonly stream: Duplex,
    private readonly framing: Framing,
    private readonly engine: ModbusEngine,
    private readonly counters: SimulatorCounters,
    private readonly options: StreamConnectionOptions,
  ) {
    this.decoder = framing.createDecoder({
      frame: (unitId, pdu, transactionId) => this.onFrame(unitId, pdu, transactionId),
      framingError: (reason) => {
        this.counters.framingErrors++;
        this.options.onDiagnostic(`${framing.name} framing error: ${reason}`);
      },
    });
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('drain', () => this.updateFlowControl());
    stream.on('error', (error: Error) => this.options.onDiagnostic(`stream error: ${error.message}`));
    stream.on('close', () => this.dispose());
  }

  /** Stops timers and drops queued replies; the owner closes the stream. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.silenceTimer !== undefined) clearTimeout(this.silenceTimer);
    this.queue.length = 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const healthy = this.decoder.push(chunk);
    this.flushBatch();
    if (!healthy) {
      this.options.onDiagnostic(`${this.framing.name}: unrecoverable framing, closing the connection`);
      this.stream.destroy();
      return;
    }
    if (this.options.silenceMs > 0) this.armSilenceTimer();
    this.updateFlowControl();
  }

  private onFrame(unitId: number, pdu: Uint8Array, transactionId: number): void {
    const plan = this.engine.handle(unitId, pdu, this.framing.serialLine);
    if (plan === undefined) return;
    const frame = this.framing.encodeReply(unitId, plan.pdu, transactionId, {
      corruptChecksum: plan.corruptChecksum,
    });
    if (plan.delayMs === 0 && this.queue.length === 0) {
      this.batch.push(frame);
      return;
    }
    if (plan.delayMs === 0) {
      this.queue.push({ frame });
      return;
    }
    const entry: QueuedReply = { frame: undefined };
    this.queue.push(entry);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      entry.frame = frame;
      this.releaseQueue();
    }, plan.delayMs);
    this.timers.add(timer);
  }

  /** Sends the replies at the head of the queue that are due, in order. */
  private releaseQueue(): void {
    if (this.closed) return;
    while (this.queue.length > 0 && this.queue[0]!.frame !== undefined) {
      this.batch.push(this.queue.shift()!.frame!);
    }
    this.flushBatch();
    this.updateFlowControl();
  }

  private flushBatch(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    if (this.stream.destroyed || !this.stream.writable) return;
    if (batch.length === 1) {
      this.stream.write(batch[0]!);
      return;
    }
    this.stream.cork();
    for (const frame of batch) this.stream.write(frame);
    this.stream.uncork();
  }

  private updateFlowControl(): void {
    if (this.closed) return;
    const congested =
      this.queue.length >= MAX_QUEUED_REPLIES || this.stream.writableLength >= MAX_UNSENT_BYTES;
    if (congested && !this.paused) {
      this.paused = true;
      this.stream.pause();
    } else if (!congested && this.paused) {
      this.paused = false;
      this.stream.resume();
    }
  }

  private armSilenceTimer(): void {
    if (this.silenceTimer === undefined) {
      this.silenceTimer = setTimeout(() => this.decoder.silence(), this.options.silenceMs);
      this.silenceTimer.unref();
    } else {
      this.silenceTimer.refresh();
    }
  }
}
