/** Checks, message by message, that no message ID is reused towards a peer within its lifetime. */
export const CON_LIFETIME = 247_000;
export const NON_LIFETIME = 145_000;

/** Every use of every message ID we sent to one peer, checked as it happens. */
export class MessageIdAudit {
  readonly lastUse = new Float64Array(65_536).fill(Number.NEGATIVE_INFINITY);
  readonly lastConfirmable = new Uint8Array(65_536);
  readonly lastToken = new Array<string>(65_536);
  violations: string[] = [];
  fresh = 0;
  retransmissions = 0;
  minGapCon = Number.POSITIVE_INFINITY;
  minGapNon = Number.POSITIVE_INFINITY;

  record(now: number, messageId: number, confirmable: boolean, token: string): void {
    const previous = this.lastUse[messageId]!;
    const previousConfirmable = this.lastConfirmable[messageId] === 1;
    const lifetime = previousConfirmable ? CON_LIFETIME : NON_LIFETIME;
    const gap = now - previous;
    const retransmission =
      confirmable && previousConfirmable && this.lastToken[messageId] === token && gap < 93_000;
    if (retransmission) {
      this.retransmissions++;
    } else {
      this.fresh++;
      if (Number.isFinite(previous)) {
        if (previousConfirmable) this.minGapCon = Math.min(this.minGapCon, gap);
        else this.minGapNon = Math.min(this.minGapNon, gap);
      }
      if (gap < lifetime && this.violations.length < 10) {
        this.violations.push(`MID ${messageId} reused after ${gap} ms (< ${lifetime} ms)`);
      }
    }
    this.lastUse[messageId] = now;
    this.lastConfirmable[messageId] = confirmable ? 1 : 0;
    this.lastToken[messageId] = token;
  }
}
