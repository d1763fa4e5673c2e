/**
 * Where the payload of a CoAP datagram starts (RFC 7252 §3: header, token, options, 0xFF marker),
 * found by skipping the options without decoding them: the benchmarks' servers read thousands of
 * responses per second and only want the token, the header and the payload. Returns `d.length`
 * when there is no payload.
 */
export function coapPayloadOffset(d: Uint8Array): number {
  let i = 4 + (d[0]! & 0x0f);
  while (i < d.length && d[i] !== 0xff) {
    const b = d[i++]!;
    const delta = b >> 4;
    let len = b & 0x0f;
    if (delta === 13) i += 1;
    else if (delta === 14) i += 2;
    if (len === 13) len = d[i++]! + 13;
    else if (len === 14) {
      len = ((d[i]! << 8) | d[i + 1]!) + 269;
      i += 2;
    }
    i += len;
  }
  return i < d.length ? i + 1 : d.length;
}
