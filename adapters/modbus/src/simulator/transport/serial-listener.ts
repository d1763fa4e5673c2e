/**
 * A serial port (or a pty made by socat) served with RTU or ASCII framing. `serialport` is loaded
 * only when a serial listener starts, so TCP-only use never loads the native binding.
 */
import type { ModbusEngine } from '../engine/modbus-engine.js';
import type { SimulatorCounters } from '../engine/simulator-counters.js';
import { framings } from '../framing/framings.js';
import { StreamConnection } from './stream-connection.js';

export interface SerialListenerOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
  readonly framing: 'rtu' | 'ascii';
  readonly onDiagnostic: (message: string) => void;
}

interface OpenPort {
  readonly isOpen: boolean;
  close(callback: (error: Error | null) => void): void;
}

/**
 * Silence after which a partial frame is dropped. RTU's 3.5 character times are not kept by ptys
 * or USB adapters, so a floor applies; ASCII allows up to a second between characters.
 */
function silenceMs(framing: 'rtu' | 'ascii', baudRate: number): number {
  if (framing === 'ascii') return 1000;
  return Math.max(20, Math.ceil((3.5 * 11 * 1000) / baudRate));
}

export class SerialListener {
  private port: OpenPort | undefined;
  private connection: StreamConnection | undefined;

  constructor(
    private readonly options: SerialListenerOptions,
    private readonly engine: ModbusEngine,
    private readonly counters: SimulatorCounters,
  ) {}

  async start(): Promise<{ readonly path: string }> {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate,
      dataBits: 8,
      parity: this.options.parity,
      stopBits: this.options.stopBits,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    this.port = port;
    this.connection = new StreamConnection(port, framings[this.options.framing], this.engine, this.counters, {
      silenceMs: silenceMs(this.options.framing, this.options.baudRate),
      onDiagnostic: this.options.onDiagnostic,
    });
    return { path: this.options.path };
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.connection?.dispose();
    this.connection = undefined;
    if (port === undefined || !port.isOpen) return;
    await new Promise<void>((resolve) =>
      port.close((error) => {
        if (error) this.options.onDiagnostic(`closing ${this.options.path}: ${error.message}`);
        resolve();
      }),
    );
  }
}
