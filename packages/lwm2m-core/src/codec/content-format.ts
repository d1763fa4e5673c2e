/** CoAP Content-Format numbers used by LwM2M (IANA CoAP Content-Formats registry). */
export const ContentFormat = {
  TEXT: 0,
  LINK: 40,
  OPAQUE: 42,
  CBOR: 60,
  SENML_JSON: 110,
  SENML_CBOR: 112,
  TLV: 11542,
  LWM2M_JSON: 11543,
  LWM2M_CBOR: 11544,
} as const;

export type ContentFormatNumber = (typeof ContentFormat)[keyof typeof ContentFormat];

/** Media type names, as node-coap reports them in `Content-Format`/`Accept` headers. */
export const contentFormatMediaTypes: Readonly<Record<ContentFormatNumber, string>> = {
  0: 'text/plain;charset=utf-8',
  40: 'application/link-format',
  42: 'application/octet-stream',
  60: 'application/cbor',
  110: 'application/senml+json',
  112: 'application/senml+cbor',
  11542: 'application/vnd.oma.lwm2m+tlv',
  11543: 'application/vnd.oma.lwm2m+json',
  11544: 'application/vnd.oma.lwm2m+cbor',
};

/** Pre-IANA numbers still seen in the field (Leshan and Zephyr parse them). */
const legacyNumbers: Readonly<Record<number, ContentFormatNumber>> = {
  1541: ContentFormat.TEXT,
  1542: ContentFormat.TLV,
  1543: ContentFormat.LWM2M_JSON,
};

/** Maps a Content-Format given as number or media-type name to its number, or undefined. */
export function toContentFormatNumber(format: number | string): ContentFormatNumber | undefined {
  if (typeof format === 'number') {
    if (format in contentFormatMediaTypes) return format as ContentFormatNumber;
    return legacyNumbers[format];
  }
  const name = format.trim().toLowerCase();
  if (name === 'text/plain') return ContentFormat.TEXT;
  for (const [num, media] of Object.entries(contentFormatMediaTypes)) {
    if (media === name) return Number(num) as ContentFormatNumber;
  }
  return undefined;
}
