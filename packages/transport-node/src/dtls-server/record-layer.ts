import { MAX_CIPHERTEXT } from './protocol-numbers.js';
import { TlsDecodeError, TlsReader, writeU16, writeU48 } from './tls-wire.js';

/** One DTLS record (RFC 6347 §4.1) as received; `fragment` is a view into the datagram. */
export interface DtlsRecord {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  readonly sequenceNumber: number;
  readonly fragment: Uint8Array;
}

export const RECORD_HEADER_LENGTH = 13;

/**
 * The records of one datagram, in order. A datagram may carry several (RFC 6347 §4.1.1); a
 * truncated or oversized record throws TlsDecodeError (the records before it are still valid,
 * but the whole datagram is dropped: a sender that frames badly is not worth second-guessing).
 */
export function parseRecords(datagram: Uint8Array): DtlsRecord[] {
  const reader = new TlsReader(datagram);
  const records: DtlsRecord[] = [];
  while (reader.remaining > 0) {
    const type = reader.u8('record type');
    const version = reader.u16('record version');
    const epoch = reader.u16('record epoch');
    const sequenceNumber = reader.u48('record sequence number');
    const length = reader.u16('record length');
    if (length > MAX_CIPHERTEXT) throw new TlsDecodeError(`record of ${length} bytes exceeds 2^14 + 2048`);
    const fragment = reader.bytes(length, 'record fragment');
    records.push({ type, version, epoch, sequenceNumber, fragment });
  }
  return records;
}

/** The 13-byte record header. */
export function encodeRecordHeader(
  type: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
): Uint8Array {
  const header = new Uint8Array(RECORD_HEADER_LENGTH);
  header[0] = type;
  writeU16(header, 1, version);
  writeU16(header, 3, epoch);
  writeU48(header, 5, sequenceNumber);
  writeU16(header, 11, length);
  return header;
}

/** A whole record: header and (already protected) fragment. */
export function encodeRecord(
  type: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  fragment: Uint8Array,
): Uint8Array {
  const record = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  record.set(encodeRecordHeader(type, version, epoch, sequenceNumber, fragment.length), 0);
  record.set(fragment, RECORD_HEADER_LENGTH);
  return record;
}
