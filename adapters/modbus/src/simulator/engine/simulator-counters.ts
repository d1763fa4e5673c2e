/** What the simulator saw and did, for tests and benchmarks. */
export interface SimulatorStats {
  /** Complete requests with a valid checksum, broadcasts and unknown units included. */
  readonly requests: number;
  /** Reply frames sent or queued. */
  readonly replies: number;
  /** Replies that carried an exception code. */
  readonly exceptions: number;
  /** Requests deliberately left unanswered: broadcast, unknown serial unit, dead/timeout persona. */
  readonly unanswered: number;
  /** Byte sequences dropped as not being a valid request (bad CRC/LRC, garbage, bad MBAP header). */
  readonly framingErrors: number;
  /** Requests per function code. */
  readonly byFunction: Readonly<Record<number, number>>;
  /** Open client connections (TCP listeners). */
  readonly connections: number;
}

export class SimulatorCounters {
  requests = 0;
  replies = 0;
  exceptions = 0;
  unanswered = 0;
  framingErrors = 0;
  connections = 0;
  private readonly perFunction = new Float64Array(256);

  request(functionCode: number): void {
    this.requests++;
    this.perFunction[functionCode & 0xff]!++;
  }

  snapshot(): SimulatorStats {
    const byFunction: Record<number, number> = {};
    this.perFunction.forEach((count, functionCode) => {
      if (count > 0) byFunction[functionCode] = count;
    });
    return {
      requests: this.requests,
      replies: this.replies,
      exceptions: this.exceptions,
      unanswered: this.unanswered,
      framingErrors: this.framingErrors,
      byFunction,
      connections: this.connections,
    };
  }

  reset(): void {
    this.requests = 0;
    this.replies = 0;
    this.exceptions = 0;
    this.unanswered = 0;
    this.framingErrors = 0;
    this.perFunction.fill(0);
  }
}
