/** How notifications travel: NON by default, with a CON at least every `confirmableEveryMs`. */
export interface NotificationPolicyOptions {
  /** 'non' (default): NON, CON only when due; 'con': every notification is CON. */
  readonly mode?: 'non' | 'con';
  /**
   * Longest time between two CON notifications of one observation, so an observer that went away
   * is detected (RFC 7641 §4.5: at least every 24 hours). Default 24 h.
   */
  readonly confirmableEveryMs?: number;
}

export const DEFAULT_CONFIRMABLE_EVERY_MS = 24 * 60 * 60 * 1000;

export class NotificationPolicy {
  readonly mode: 'non' | 'con';
  readonly confirmableEveryMs: number;

  constructor(options: NotificationPolicyOptions = {}) {
    this.mode = options.mode ?? 'non';
    this.confirmableEveryMs = options.confirmableEveryMs ?? DEFAULT_CONFIRMABLE_EVERY_MS;
  }

  /** Whether the next notification is CON, given when the last CON (or the Observe) happened. */
  isConfirmable(lastConfirmableAt: number, now: number): boolean {
    return this.mode === 'con' || now - lastConfirmableAt >= this.confirmableEveryMs;
  }
}
