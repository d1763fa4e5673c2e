/**
 * The anti-replay sliding window of one epoch (RFC 6347 §4.1.2.6, after RFC 4303 §3.4.3): the
 * highest sequence number received and a 64-record bitmap below it. Check before the record is
 * authenticated, mark only after: a forged record must not move the window.
 */
export class ReplayWindow {
  static readonly SIZE = 64;
  /** Highest sequence number marked; -1 before the first. */
  #highest = -1;
  /** Bit i set: sequence number highest - i was received (bit 0 = highest). */
  #bitmap = 0n;

  /** False for a duplicate, or for a record too old to tell (left of the window). */
  mayAccept(sequenceNumber: number): boolean {
    if (sequenceNumber > this.#highest) return true;
    const age = this.#highest - sequenceNumber;
    if (age >= ReplayWindow.SIZE) return false;
    return ((this.#bitmap >> BigInt(age)) & 1n) === 0n;
  }

  /** Records an authenticated sequence number. */
  mark(sequenceNumber: number): void {
    if (sequenceNumber > this.#highest) {
      const shift = sequenceNumber - this.#highest;
      this.#bitmap =
        shift >= ReplayWindow.SIZE ? 1n : ((this.#bitmap << BigInt(shift)) | 1n) & 0xffff_ffff_ffff_ffffn;
      this.#highest = sequenceNumber;
      return;
    }
    const age = this.#highest - sequenceNumber;
    if (age < ReplayWindow.SIZE) this.#bitmap |= 1n << BigInt(age);
  }
}
