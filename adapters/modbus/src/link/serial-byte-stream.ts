import { CodedError } from '@lwm2m-adapters/errors';
import type { SerialPort } from 'serialport';
import {
  type ByteStreamHandlers,
  type ModbusByteStream,
  type ModbusEndpoint,
  PendingDeliveries,
} from './byte-stream.js';

/** serialport's class, imported on first use so TCP-only hosts never load the native binding. */
async function loadSerialPort(): Promise<typeof SerialPort> {
  try {
    return (await import('serialport')).SerialPort;
  } catch (err) {
    throw new CodedError(
      'CONFIG_INVALID',
      `serial transports need the serialport package, which failed to load: ${String(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** Opens a local serial port for Modbus RTU or ASCII. */
export async function openSerialByteStream(
  endpoint: Extract<ModbusEndpoint, { kind: 'serial' }>,
): Promise<ModbusByteStream> {
  const SerialPortClass = await loadSerialPort();
  const target = `serial ${endpoint.path}`;
  return new Promise((resolve, reject) => {
    const port = new SerialPortClass({
      path: endpoint.path,
      baudRate: endpoint.baudRate,
      dataBits: endpoint.dataBits,
      parity: endpoint.parity,
      stopBits: endpoint.stopBits,
      autoOpen: false,
    });
    const deliveries = new PendingDeliveries();
    let lastError: Error | undefined;
    let closing: Promise<void> | undefined;
    port.on('error', (err: Error) => {
      lastError = err;
    });
    port.on('data', (chunk: Buffer) => deliveries.data(chunk));
    port.on('close', (err?: Error | null) => {
      const cause = err ?? lastError;
      deliveries.closed(
        new CodedError('DEVICE_UNREACHABLE', `${target}: port closed${cause ? ` (${cause.message})` : ''}`, {
          cause,
        }),
      );
    });
    port.open((err) => {
      if (err) {
        reject(
          new CodedError('DEVICE_UNREACHABLE', `${target}: cannot open: ${err.message}`, { cause: err }),
        );
        return;
      }
      resolve({
        attach: (handlers: ByteStreamHandlers) => deliveries.attach(handlers),
        write: (bytes) => {
          if (port.isOpen) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        },
        close: () => {
          deliveries.silence();
          closing ??= new Promise<void>((done) => {
            if (!port.isOpen) return done();
            port.close(() => done());
          });
          return closing;
        },
      });
    });
  });
}
