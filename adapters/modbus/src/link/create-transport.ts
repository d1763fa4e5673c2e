import type { CodedError } from '@lwm2m-adapters/errors';
import { AsciiFrameReader, asciiFrameWriter } from '../protocol/ascii-frame.js';
import { RtuFrameReader, rtuFrameWriter } from '../protocol/rtu-frame.js';
import type { ModbusByteStream } from './byte-stream.js';
import type { LinkClock } from './link-clock.js';
import { type LinkSettings, rtuInterFrameMs } from './link-settings.js';
import { MbapTransport } from './mbap-transport.js';
import type { ModbusTransport } from './modbus-transport.js';
import { SerialLineTransport } from './serial-line-transport.js';

/** Puts the framing of the link's transport on an open byte stream. */
export function createTransport(
  stream: ModbusByteStream,
  settings: LinkSettings,
  onBroken: (error: CodedError) => void,
  clock?: LinkClock,
): ModbusTransport {
  switch (settings.transport) {
    case 'tcp':
      return new MbapTransport(stream, settings.maxInFlight, onBroken);
    case 'rtu-over-tcp':
      return new SerialLineTransport(
        stream,
        { reader: new RtuFrameReader(), writer: rtuFrameWriter },
        { guardMs: settings.guardMs, interFrameMs: 0 },
        onBroken,
        clock,
      );
    case 'rtu':
      return new SerialLineTransport(
        stream,
        { reader: new RtuFrameReader(), writer: rtuFrameWriter },
        {
          guardMs: settings.guardMs,
          interFrameMs: settings.endpoint.kind === 'serial' ? rtuInterFrameMs(settings.endpoint.baudRate) : 0,
        },
        onBroken,
        clock,
      );
    case 'ascii':
      return new SerialLineTransport(
        stream,
        { reader: new AsciiFrameReader(), writer: asciiFrameWriter },
        { guardMs: settings.guardMs, interFrameMs: 0 },
        onBroken,
        clock,
      );
  }
}
