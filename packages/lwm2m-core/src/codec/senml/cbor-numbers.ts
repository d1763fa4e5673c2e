import { CodedError } from '@lwm2m-adapters/errors';
import { Tag } from 'cbor2';

/** Tag numbers RFC 8428 §6 allows for SenML numbers: bignums inside, decimal fractions (tag 4). */
const POSITIVE_BIGNUM = 2;
const NEGATIVE_BIGNUM = 3;
const DECIMAL_FRACTION = 4;
/** Bignums longer than this cannot be any LwM2M number (64 bits), and are not worth converting. */
const MAX_BIGNUM_BYTES = 16;
/** Decimal exponents beyond this are far outside every LwM2M number and the double range. */
const MAX_EXPONENT = 400;

function malformed(what: string): CodedError {
  return new CodedError('CODEC_MALFORMED', `SenML CBOR ${what}`);
}

function bignum(tag: Tag): bigint {
  const bytes = tag.contents;
  if (!(bytes instanceof Uint8Array)) throw malformed('bignum does not hold a byte string');
  if (bytes.length > MAX_BIGNUM_BYTES) throw malformed(`bignum of ${bytes.length} bytes is too large`);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return Number(tag.tag) === NEGATIVE_BIGNUM ? -1n - n : n;
}

function integer(item: unknown, what: string): bigint {
  if (typeof item === 'bigint') return item;
  if (item instanceof Tag && (Number(item.tag) === POSITIVE_BIGNUM || Number(item.tag) === NEGATIVE_BIGNUM)) {
    return bignum(item);
  }
  throw malformed(`decimal fraction ${what} is not an integer`);
}

/**
 * `m * 10^e` of a decimal fraction (RFC 8949 §3.4.4), exact as a bigint when it is a whole number,
 * else the nearest double.
 */
function decimalFraction(tag: Tag): number | bigint {
  const parts = tag.contents;
  if (!Array.isArray(parts) || parts.length !== 2)
    throw malformed('decimal fraction is not [exponent, mantissa]');
  const exponent = integer(parts[0], 'exponent');
  const mantissa = integer(parts[1], 'mantissa');
  if (exponent > MAX_EXPONENT || exponent < -MAX_EXPONENT)
    throw malformed('decimal fraction exponent is out of range');
  if (exponent >= 0n) return mantissa * 10n ** exponent;
  const divisor = 10n ** -exponent;
  return mantissa % divisor === 0n ? mantissa / divisor : Number(`${mantissa}e${exponent}`);
}

/**
 * A SenML CBOR number given as a tag: a decimal fraction (Leshan writes `bt` that way) or a
 * bignum becomes a number or bigint; anything else is returned as is, for the label checks to
 * reject.
 */
export function untagNumber(item: unknown): unknown {
  if (!(item instanceof Tag)) return item;
  switch (Number(item.tag)) {
    case DECIMAL_FRACTION:
      return decimalFraction(item);
    case POSITIVE_BIGNUM:
    case NEGATIVE_BIGNUM:
      return bignum(item);
    default:
      return item;
  }
}
