/** How long an Observe sequence number stays comparable (RFC 7641 §3.4: 128 seconds). */
export const OBSERVE_FRESHNESS_WINDOW_MS = 128_000;

/** Half the 24-bit Observe number space: the wrap-around boundary of §3.4. */
const HALF_SEQUENCE_SPACE = 2 ** 23;

/**
 * RFC 7641 §3.4: a notification (V2, received at T2) is newer than the last one accepted (V1, T1)
 * when V1 < V2 and V2 - V1 < 2^23, or V1 > V2 and V1 - V2 > 2^23 (the 24-bit number wrapped), or
 * when more than 128 seconds passed since T1 (the numbers are no longer comparable). An equal
 * number within the window is a duplicate, not newer.
 */
export function isNewerNotification(
  previous: number,
  previousAt: number,
  next: number,
  nextAt: number,
): boolean {
  return (
    (previous < next && next - previous < HALF_SEQUENCE_SPACE) ||
    (previous > next && previous - next > HALF_SEQUENCE_SPACE) ||
    nextAt > previousAt + OBSERVE_FRESHNESS_WINDOW_MS
  );
}
