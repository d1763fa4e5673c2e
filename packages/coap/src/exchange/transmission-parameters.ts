/** CoAP transmission parameters (RFC 7252 §4.8), in milliseconds. */
export interface TransmissionParameters {
  readonly ackTimeoutMs: number;
  readonly ackRandomFactor: number;
  readonly maxRetransmit: number;
  /** How long a CON message ID stays reserved after use, and how long CON requests are de-duplicated. */
  readonly exchangeLifetimeMs: number;
  /** The same for NON messages. */
  readonly nonLifetimeMs: number;
}

export const defaultTransmissionParameters: TransmissionParameters = {
  ackTimeoutMs: 2_000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  exchangeLifetimeMs: 247_000,
  nonLifetimeMs: 145_000,
};

/** The first retransmission timeout: ACK_TIMEOUT × a random factor in [1, ACK_RANDOM_FACTOR). */
export function initialRetransmitTimeout(params: TransmissionParameters, random: () => number): number {
  return params.ackTimeoutMs * (1 + random() * (params.ackRandomFactor - 1));
}

/** MAX_TRANSMIT_WAIT: from the first transmission of a CON until the sender gives up (93 s by default). */
export function maxTransmitWait(params: TransmissionParameters): number {
  return params.ackTimeoutMs * (2 ** (params.maxRetransmit + 1) - 1) * params.ackRandomFactor;
}

export function checkTransmissionParameters(params: TransmissionParameters): void {
  const positive = (name: keyof TransmissionParameters) => {
    const value = params[name];
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  };
  positive('ackTimeoutMs');
  positive('exchangeLifetimeMs');
  positive('nonLifetimeMs');
  if (!(params.ackRandomFactor >= 1)) throw new RangeError('ackRandomFactor must be at least 1');
  if (!Number.isInteger(params.maxRetransmit) || params.maxRetransmit < 0 || params.maxRetransmit > 20) {
    throw new RangeError('maxRetransmit must be an integer between 0 and 20');
  }
}
