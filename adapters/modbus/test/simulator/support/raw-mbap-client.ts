/** A bare Modbus TCP client for tests: sends exact bytes, matches replies by transaction id. */
import { connect, type Socket } from 'node:net';

export interface MbapReply {
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: Buffer;
}

export class RawMbapClient {
  private buffered = Buffer.alloc(0);
  private nextTransactionId = 1;
  private readonly replies: MbapReply[] = [];
  private readonly waiters = new Set<() => void>();
  private closedFlag = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 7) {
        const length = 6 + this.buffered.readUInt16BE(4);
        if (this.buffered.length < length) break;
        this.replies.push({
          transactionId: this.buffered.readUInt16BE(0),
          unitId: this.buffered[6]!,
          pdu: Buffer.from(this.buffered.subarray(7, length)),
        });
        this.buffered = this.buffered.subarray(length);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawMbapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(new RawMbapClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Replies received and not yet taken, in arrival order. */
  get received(): readonly MbapReply[] {
    return this.replies;
  }

  /** Sends one request; returns its transaction id. */
  send(
    unitId: number,
    pdu: readonly number[] | Buffer,
    transactionId = this.nextTransactionId++ & 0xffff,
  ): number {
    this.socket.write(RawMbapClient.frame(unitId, pdu, transactionId));
    return transactionId;
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  static frame(unitId: number, pdu: readonly number[] | Buffer, transactionId: number): Buffer {
    const body = Buffer.from(pdu);
    const adu = Buffer.alloc(7 + body.length);
    adu.writeUInt16BE(transactionId, 0);
    adu.writeUInt16BE(body.length + 1, 4);
    adu[6] = unitId;
    body.copy(adu, 7);
    return adu;
  }

  /** Sends and waits for the reply with the same transaction id. */
  async request(unitId: number, pdu: readonly number[] | Buffer, timeoutMs = 2000): Promise<Buffer> {
    const transactionId = this.send(unitId, pdu);
    const reply = await this.waitFor((r) => r.transactionId === transactionId, timeoutMs);
    if (reply === undefined)
      throw new Error(`no reply to transaction ${transactionId} within ${timeoutMs} ms`);
    return reply.pdu;
  }

  /** The first reply matching `predicate` (removed from `received`), or undefined after `timeoutMs`. */
  waitFor(predicate: (reply: MbapReply) => boolean, timeoutMs: number): Promise<MbapReply | undefined> {
    return new Promise((resolve) => {
      const check = () => {
        const index = this.replies.findIndex(predicate);
        if (index >= 0) {
          done(this.replies.splice(index, 1)[0]);
        } else if (this.closedFlag) {
          done(undefined);
        }
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (reply: MbapReply | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(reply);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until `count` replies are buffered (or the timeout), then takes them all. */
  async take(count: number, timeoutMs = 2000): Promise<MbapReply[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < count && !this.closedFlag && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
    return this.replies.splice(0, this.replies.length);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
