import type { ModbusByteStream, ModbusEndpoint } from './byte-stream.js';
import { openSerialByteStream } from './serial-byte-stream.js';
import { openTcpByteStream } from './tcp-byte-stream.js';

/** The default opener: real TCP sockets and serial ports. */
export function openModbusByteStream(endpoint: ModbusEndpoint): Promise<ModbusByteStream> {
  return endpoint.kind === 'socket' ? openTcpByteStream(endpoint) : openSerialByteStream(endpoint);
}
