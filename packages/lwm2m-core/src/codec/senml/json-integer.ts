/** A JSON number token (RFC 8259 §6). */
const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** More significant digits than any 64-bit integer has (2^64 has 20). */
const MAX_DIGITS = 21;

/**
 * The exact integer a JSON number token denotes ("18446744073709551615", "1.5e3"), or undefined
 * when it is not an integer or has more than ~21 significant digits (outside every LwM2M integer
 * type). JSON.parse rounds integers beyond 2^53 to the nearest double; SenML JSON decoders re-read
 * such tokens through this so 64-bit Integer/Unsigned values stay exact.
 */
export function exactJsonInteger(token: string): bigint | undefined {
  const m = JSON_NUMBER.exec(token);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const fraction = m[3] ?? '';
  let digits = `${m[2] ?? ''}${fraction}`.replace(/^0+/, '');
  let exponent = Number(m[4] ?? '0') - fraction.length;
  if (digits === '') return 0n;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  if (exponent < 0) return undefined;
  if (digits.length + exponent > MAX_DIGITS) return undefined;
  return sign * BigInt(digits) * 10n ** BigInt(exponent);
}
